import { useState } from 'preact/hooks';
import { ConfirmDialog, ModalDialog, describeError } from '#web-sdk';
import type { CalendarApi, CalendarInfo } from './calendar-api.ts';
import { CALENDAR_COLORS } from './colors.ts';

/** Creates a calendar (no `calendar`) or changes one: name and colour, download, import, share, delete. */
export function CalendarDialog(props: {
  calendar: CalendarInfo | null;
  api: CalendarApi;
  onDone: (message: string) => void;
  onImport: (calendar: CalendarInfo) => void;
  onShare: (calendar: CalendarInfo) => void;
  onClose: () => void;
}) {
  const c = props.calendar;
  const [name, setName] = useState(c?.name ?? '');
  const [color, setColor] = useState(c?.color ?? CALENDAR_COLORS[0]!.value);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const own = !c || c.kind === 'own';

  const run = async (work: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      props.onDone(message);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const save = (e: Event) => {
    e.preventDefault();
    if (own && !name.trim()) return setError('Give the calendar a name.');
    if (!c) return run(() => props.api.create(name.trim(), color), `Created “${name.trim()}”.`);
    const change = own ? { name: name.trim(), color } : { color };
    return run(() => props.api.update(c.id, change), `Saved “${own ? name.trim() : c.name}”.`);
  };

  const palette = CALENDAR_COLORS.some((x) => x.value === color)
    ? CALENDAR_COLORS
    : [...CALENDAR_COLORS, { value: color, name: 'Current colour' }];
  return (
    <>
      <ModalDialog open={!confirming} title={c ? `“${c.name}”` : 'New calendar'} onClose={props.onClose}>
        <form onSubmit={save}>
          {own ? (
            <>
              <label for="cal-name">Name</label>
              <input
                id="cal-name"
                value={name}
                maxLength={100}
                onInput={(e) => setName(e.currentTarget.value)}
                autoFocus={!c}
              />
            </>
          ) : (
            <p class="hint">
              Shared with you by {c.owner} ({c.access === 'read' ? 'you can view it' : 'you can edit its events'}).
            </p>
          )}
          <fieldset class="color-choice">
            <legend>Colour</legend>
            {palette.map((x) => (
              <label key={x.value} class="swatch-option" title={x.name}>
                <input
                  type="radio"
                  name="cal-color"
                  value={x.value}
                  checked={color === x.value}
                  onChange={() => setColor(x.value)}
                />
                <span class="swatch" style={{ background: x.value }} aria-hidden="true" />
                <span class="visually-hidden">{x.name}</span>
              </label>
            ))}
          </fieldset>
          <p class="form-error" role="alert">
            {error ?? ''}
          </p>
          {c && (
            <div class="calendar-actions">
              <button
                type="button"
                class="btn btn-small"
                onClick={() => props.api.download(c).catch((err) => setError(describeError(err)))}
              >
                Download .ics
              </button>
              {c.access !== 'read' && (
                <button type="button" class="btn btn-small" onClick={() => props.onImport(c)}>
                  Import .ics…
                </button>
              )}
              {own && (
                <button type="button" class="btn btn-small" onClick={() => props.onShare(c)}>
                  Share…
                </button>
              )}
              {own && (
                <button type="button" class="btn btn-small btn-danger-outline" onClick={() => setConfirming(true)}>
                  Delete calendar
                </button>
              )}
            </div>
          )}
          <div class="modal-actions">
            <button type="button" class="btn" onClick={props.onClose}>
              Cancel
            </button>
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {c ? 'Save' : 'Create calendar'}
            </button>
          </div>
        </form>
      </ModalDialog>
      {c && confirming && (
        <ConfirmDialog
          open
          danger
          title={`Delete “${c.name}”?`}
          confirmLabel="Delete calendar"
          busy={busy}
          onConfirm={() => void run(() => props.api.remove(c.id), `Deleted “${c.name}”.`)}
          onCancel={() => setConfirming(false)}
        >
          <p>Its events are deleted too, here and in every app that syncs this calendar. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
