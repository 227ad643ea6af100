import { useEffect, useState } from 'preact/hooks';
import {
  ModalDialog,
  describeError,
  partyLabel,
  type Contact,
  type OutgoingShare,
  type WebPluginContext,
} from '#web-sdk';
import type { CalendarInfo } from './calendar-api.ts';

const ADDRESS = /^[^\s@]+(@[^\s@]+)*@[^\s@/]+$/;

/** Shares a calendar with `user@server` (typed or a contact), to view or to edit; lists and ends its shares. */
export function CalendarShareDialog(props: { calendar: CalendarInfo; ctx: WebPluginContext; onClose: () => void }) {
  const { calendar, ctx } = props;
  const [to, setTo] = useState('');
  const [write, setWrite] = useState(false);
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [shares, setShares] = useState<OutgoingShare[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = () =>
    ctx.api.outgoingShares().then(
      (all) =>
        setShares(
          all.filter((s) => s.resourceType === 'calendar' && s.resourceId === calendar.id && s.state !== 'unshared'),
        ),
      () => undefined,
    );
  useEffect(() => {
    ctx.api.contacts().then(setContacts, () => undefined);
    void reload();
  }, [calendar.id]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const address = to.trim();
    if (!ADDRESS.test(address)) return setError('Enter an address like name@server.example.');
    setBusy(true);
    setError(null);
    try {
      const share = await ctx.api.createShare({
        resourceType: 'calendar',
        resourceId: calendar.id,
        shareWith: address,
        permissions: write ? ['read', 'write'] : ['read'],
      });
      setTo('');
      void reload();
      ctx.toast.success(
        share.state === 'sending'
          ? `“${calendar.name}” will be shared with ${share.shareWith} as soon as their server answers.`
          : `Shared “${calendar.name}” with ${share.shareWith}.`,
      );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const stop = async (s: OutgoingShare) => {
    try {
      await ctx.api.unshare(s.id);
      void reload();
      ctx.toast.success(`Stopped sharing “${calendar.name}” with ${s.shareWith}.`);
    } catch (err) {
      ctx.toast.error(describeError(err));
    }
  };

  return (
    <ModalDialog open title={`Share “${calendar.name}”`} onClose={props.onClose}>
      <form onSubmit={submit}>
        <label for="cal-share-with">Share with</label>
        <input
          id="cal-share-with"
          inputMode="email"
          autocomplete="off"
          spellcheck={false}
          placeholder="name@server.example"
          value={to}
          onInput={(e) => setTo(e.currentTarget.value)}
          autoFocus
        />
        {contacts.length > 0 && (
          <div class="contact-picks" role="group" aria-label="Pick a contact">
            {contacts.map((c) => (
              <button
                type="button"
                key={c.id}
                class={`chip ${to === c.address ? 'chip-selected' : ''}`}
                onClick={() => setTo(c.address)}
              >
                {c.displayName || c.address}
              </button>
            ))}
          </div>
        )}
        <fieldset class="scope-choice">
          <legend>They can</legend>
          <label class="check">
            <input type="radio" name="cal-access" checked={!write} onChange={() => setWrite(false)} /> View events
          </label>
          <label class="check">
            <input type="radio" name="cal-access" checked={write} onChange={() => setWrite(true)} /> View and edit
            events
          </label>
        </fieldset>
        <p class="form-error" role="alert">
          {error ?? ''}
        </p>
        <div class="modal-actions">
          <button type="button" class="btn" onClick={props.onClose}>
            Close
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Share
          </button>
        </div>
      </form>
      <h3 class="share-list-title">People with access</h3>
      {shares.length ? (
        <ul class="calendar-share-list">
          {shares.map((s) => (
            <li key={s.id}>
              <span class="who">{partyLabel(s.recipientDisplayName, s.shareWith)}</span>
              <span class="hint">{s.permissions.includes('write') ? 'Can edit' : 'Can view'}</span>
              <button type="button" class="btn btn-small" onClick={() => void stop(s)}>
                Stop sharing
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="hint">Only you. People you share with see this calendar in their own calendar apps.</p>
      )}
    </ModalDialog>
  );
}
