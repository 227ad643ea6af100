import { useState } from 'preact/hooks';
import { ModalDialog, describeError } from '#web-sdk';
import type { CalendarApi, CalendarInfo, EventInput, OccurrenceInfo } from './calendar-api.ts';
import { browserZone, dayAfter, dayBefore, localDay, wallIn, zoneNames } from './time-fields.ts';

/** What the dialog edits: a new event (a selected range) or an existing occurrence. */
export type EventDraft =
  { kind: 'new'; start: Date; end: Date; allDay: boolean } | { kind: 'edit'; occurrence: OccurrenceInfo };

const REPEAT_LABELS: Array<[string, string]> = [
  ['none', 'Does not repeat'],
  ['daily', 'Every day'],
  ['weekly', 'Every week'],
  ['monthly', 'Every month'],
  ['yearly', 'Every year'],
];

function initial(draft: EventDraft) {
  if (draft.kind === 'new') {
    const zone = browserZone();
    const s = wallIn(draft.start, zone);
    const e = wallIn(draft.end, zone);
    return {
      title: '',
      location: '',
      description: '',
      allDay: draft.allDay,
      startDate: draft.allDay ? localDay(draft.start) : s.date,
      startTime: draft.allDay ? '09:00' : s.time,
      endDate: draft.allDay ? dayBefore(localDay(draft.end)) : e.date,
      endTime: draft.allDay ? '10:00' : e.time,
      zone,
      repeat: 'none',
    };
  }
  const o = draft.occurrence;
  const zone = o.timezone || 'UTC';
  const s = o.allDay ? { date: o.start, time: '09:00' } : wallIn(new Date(o.start), zone);
  const e = o.allDay ? { date: dayBefore(o.end), time: '10:00' } : wallIn(new Date(o.end), zone);
  return {
    title: o.title,
    location: o.location,
    description: o.description,
    allDay: o.allDay,
    startDate: s.date,
    startTime: s.time,
    endDate: e.date,
    endTime: e.time,
    zone,
    repeat: o.repeat,
  };
}

/**
 * Creates or edits an event: title, all-day or times in a time zone, repeat, place and notes; for an instance of a
 * series, whether the change is for this event only or the whole series. Deleting asks the same.
 */
export function EventDialog(props: {
  draft: EventDraft;
  calendars: CalendarInfo[];
  defaultCalendarId: string;
  api: CalendarApi;
  onDone: (message: string) => void;
  onClose: () => void;
}) {
  const { draft } = props;
  const [f, setF] = useState(() => initial(draft));
  const editing = draft.kind === 'edit' ? draft.occurrence : null;
  const writable = props.calendars.filter((c) => c.access !== 'read');
  const [calendarId, setCalendarId] = useState(editing?.calendarId ?? props.defaultCalendarId);
  const calendar = props.calendars.find((c) => c.id === calendarId);
  const readOnly = calendar?.access === 'read';
  const [scope, setScope] = useState<'instance' | 'all'>('instance');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof f>) => setF((old) => ({ ...old, ...patch }));
  const series = editing?.recurring ?? false;

  const input = (): EventInput => ({
    title: f.title.trim(),
    location: f.location,
    description: f.description,
    allDay: f.allDay,
    start: f.allDay ? f.startDate : `${f.startDate}T${f.startTime}`,
    end: f.allDay ? dayAfter(f.endDate) : `${f.endDate}T${f.endTime}`,
    timezone: f.zone,
    ...(!series || scope === 'all' ? { repeat: f.repeat } : {}),
  });

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
    if (!f.title.trim()) return setError('Give the event a title.');
    const body = input();
    if (!editing) return run(() => props.api.createEvent(calendarId, body), `Added “${body.title}”.`);
    const scoped: EventInput = series ? { ...body, scope, recurrenceId: editing.recurrenceId } : body;
    if (series && scope === 'all') {
      // A series keeps its own dates: times typed here move it by as much as they move this instance.
      scoped.recurrenceId = editing.recurrenceId;
    }
    return run(() => props.api.updateEvent(editing.calendarId, editing.eventId, scoped), `Saved “${body.title}”.`);
  };
  const [confirming, setConfirming] = useState(false);
  const remove = () =>
    editing &&
    run(
      () => props.api.deleteEvent(editing.calendarId, editing.eventId, series ? scope : 'all', editing.recurrenceId),
      series && scope === 'instance' ? `Deleted this “${editing.title}”.` : `Deleted “${editing.title}”.`,
    );

  const zones = zoneNames(f.zone);
  return (
    <ModalDialog
      open
      title={editing ? (readOnly ? editing.title : 'Edit event') : 'New event'}
      onClose={props.onClose}
      class="event-dialog"
    >
      <form onSubmit={save}>
        <fieldset disabled={readOnly || busy} class="event-fields">
          <label for="ev-title">Title</label>
          <input
            id="ev-title"
            value={f.title}
            onInput={(e) => set({ title: e.currentTarget.value })}
            autoFocus={!editing}
            maxLength={500}
          />
          {!editing && (
            <>
              <label for="ev-calendar">Calendar</label>
              <select id="ev-calendar" value={calendarId} onChange={(e) => setCalendarId(e.currentTarget.value)}>
                {writable.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                    {c.owner ? ` (${c.owner})` : ''}
                  </option>
                ))}
              </select>
            </>
          )}
          <label class="check">
            <input type="checkbox" checked={f.allDay} onChange={(e) => set({ allDay: e.currentTarget.checked })} /> All
            day
          </label>
          <div class="event-times">
            <div>
              <label for="ev-start-date">Starts</label>
              <input
                id="ev-start-date"
                type="date"
                required
                value={f.startDate}
                onInput={(e) => set({ startDate: e.currentTarget.value })}
              />
              {!f.allDay && (
                <input
                  type="time"
                  aria-label="Start time"
                  required
                  value={f.startTime}
                  onInput={(e) => set({ startTime: e.currentTarget.value })}
                />
              )}
            </div>
            <div>
              <label for="ev-end-date">Ends</label>
              <input
                id="ev-end-date"
                type="date"
                required
                value={f.endDate}
                onInput={(e) => set({ endDate: e.currentTarget.value })}
              />
              {!f.allDay && (
                <input
                  type="time"
                  aria-label="End time"
                  required
                  value={f.endTime}
                  onInput={(e) => set({ endTime: e.currentTarget.value })}
                />
              )}
            </div>
          </div>
          <div class="event-times">
            {!f.allDay && (
              <div>
                <label for="ev-zone">Time zone</label>
                <select id="ev-zone" value={f.zone} onChange={(e) => set({ zone: e.currentTarget.value })}>
                  {zones.map((z) => (
                    <option key={z} value={z}>
                      {z.replace(/_/g, ' ')}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div>
              <label for="ev-repeat">Repeats</label>
              <select
                id="ev-repeat"
                value={f.repeat}
                disabled={series && scope === 'instance'}
                onChange={(e) => set({ repeat: e.currentTarget.value })}
              >
                {REPEAT_LABELS.map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
                {f.repeat === 'custom' && <option value="custom">Custom rule (kept as it is)</option>}
              </select>
            </div>
          </div>
          <label for="ev-location">Place</label>
          <input
            id="ev-location"
            value={f.location}
            onInput={(e) => set({ location: e.currentTarget.value })}
            maxLength={500}
          />
          <label for="ev-notes">Notes</label>
          <textarea
            id="ev-notes"
            rows={2}
            value={f.description}
            onInput={(e) => set({ description: e.currentTarget.value })}
          />
          {series && (
            <fieldset class="scope-choice">
              <legend>This event repeats. Apply changes to</legend>
              <label class="check">
                <input type="radio" name="scope" checked={scope === 'instance'} onChange={() => setScope('instance')} />{' '}
                This event only
              </label>
              <label class="check">
                <input type="radio" name="scope" checked={scope === 'all'} onChange={() => setScope('all')} /> All
                events in the series
              </label>
            </fieldset>
          )}
        </fieldset>
        {readOnly && calendar && (
          <p class="hint">
            {calendar.owner ?? 'The owner'} shared “{calendar.name}” with you to read only.
          </p>
        )}
        <p class="form-error" role="alert">
          {error ?? ''}
        </p>
        {confirming && editing && (
          <div class="delete-confirm" role="group" aria-label="Confirm the deletion">
            <p>
              {series && scope === 'instance'
                ? `Delete “${editing.title}” on this day only? The other events of the series stay.`
                : series
                  ? `Delete every event of “${editing.title}”? This cannot be undone.`
                  : `Delete “${editing.title}”? This cannot be undone.`}
            </p>
            <div class="modal-actions">
              <button type="button" class="btn" onClick={() => setConfirming(false)} autoFocus>
                Keep it
              </button>
              <button type="button" class="btn btn-danger" onClick={remove} disabled={busy}>
                {series && scope === 'instance' ? 'Delete this event' : series ? 'Delete all events' : 'Delete event'}
              </button>
            </div>
          </div>
        )}
        <div class="modal-actions" hidden={confirming}>
          {editing && !readOnly && (
            <button type="button" class="btn btn-danger-outline" onClick={() => setConfirming(true)} disabled={busy}>
              {series && scope === 'instance' ? 'Delete this event' : series ? 'Delete all events' : 'Delete'}
            </button>
          )}
          <button type="button" class="btn" onClick={props.onClose}>
            {readOnly ? 'Close' : 'Cancel'}
          </button>
          {!readOnly && (
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {editing ? 'Save' : 'Add event'}
            </button>
          )}
        </div>
      </form>
    </ModalDialog>
  );
}
