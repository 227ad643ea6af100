import { useEffect, useId, useState } from 'preact/hooks';
// eslint-disable-next-line import-x/no-cycle -- read like a plugin chunk; the SDK loads this file only by import()
import { ModalDialog, RecipientInput, describeError, useShell, type Contact, type OutgoingShare } from '#web-sdk';
import { CurrentShares } from './current-shares.tsx';
import { useResourceShares } from './use-resource-shares.ts';
import type { ShareDialogProps, ShareRow } from './share-types.ts';
import './share-dialog.css';

const ADDRESS = /^[^\s@]+(@[^\s@]+)*@[^\s@/]+$/;
/** Contacts offered as one-tap picks; the rest are found by typing. */
const QUICK_PICKS = 6;

/**
 * The one share dialog of every resource type: a recipient (an address, or people found by name as one types, or a
 * quick pick among the first contacts), the caller's permission choices, and who has access, each with their
 * permission (changeable) and Unshare. Errors are sentences under the form; results go to toasts.
 */
export function ShareDialog(props: ShareDialogProps) {
  const { api, user, toast } = useShell();
  const ids = useId();
  const [to, setTo] = useState(props.recipient ?? '');
  const [choice, setChoice] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [contacts, setContacts] = useState<Contact[]>([]);
  const listed = useResourceShares(props.shares ? null : { type: props.resourceType, id: props.resourceId });
  const current: readonly ShareRow[] = props.shares ?? listed.shares;
  const changed = () => {
    props.onChanged?.();
    listed.reload();
  };

  useEffect(() => {
    let live = true;
    api.contacts().then(
      (c) => live && setContacts(c),
      () => undefined,
    );
    return () => void (live = false);
  }, [api]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const address = to.trim();
    if (!address) return setError('Enter the address of the person to share with, or pick a contact.');
    if (!ADDRESS.test(address)) return setError('Enter an address like name@server.example.');
    setBusy(true);
    setError(null);
    try {
      const share = await api.createShare({
        resourceType: props.resourceType,
        resourceId: props.resourceId,
        shareWith: address,
        permissions: [...(props.choices[choice] ?? props.choices[0])!.permissions],
      });
      setTo('');
      changed();
      toast.success(
        share.state === 'sending'
          ? `“${props.name}” will be shared with ${share.shareWith} as soon as their server answers.`
          : `Shared “${props.name}” with ${share.shareWith}.`,
      );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const unshare = async (s: ShareRow) => {
    try {
      await api.unshare(s.id);
      changed();
      toast.success(
        s.state === 'failed'
          ? `Removed the failed share with ${s.shareWith}.`
          : `Stopped sharing “${props.name}” with ${s.shareWith}.`,
      );
    } catch (err) {
      toast.error(describeError(err));
    }
  };
  const setPermissions = async (s: ShareRow, index: number) => {
    const c = props.choices[index];
    if (!c) return;
    try {
      await api.request<OutgoingShare>('PATCH', `/shares/outgoing/${encodeURIComponent(s.id)}`, {
        permissions: [...c.permissions],
      });
      changed();
      const who =
        s.recipientDisplayName && s.recipientDisplayName !== s.shareWith ? s.recipientDisplayName : s.shareWith;
      toast.success(`${who} now has “${c.label}” on “${props.name}”.`);
    } catch (err) {
      toast.error(describeError(err));
    }
  };

  const picks = contacts.slice(0, QUICK_PICKS);
  return (
    <ModalDialog open title={`Share “${props.name}”`} onClose={props.onClose} class="share-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label for={`${ids}-to`}>Share with</label>
        <RecipientInput
          id={`${ids}-to`}
          api={api}
          placeholder="name@server.example, or a name"
          value={to}
          onChange={setTo}
          autoFocus
          describedBy={`${ids}-hint ${ids}-error`}
        />
        <p id={`${ids}-hint`} class="hint">
          {props.hint ??
            `Their address: user@${user.server} for someone on this server, user@their-server for anyone else. Or type part of a name.`}
        </p>
        {picks.length > 0 && (
          <div class="share-picks" role="group" aria-label="Pick a contact">
            {picks.map((c) => (
              <button
                type="button"
                key={c.id}
                class={`chip ${to === c.address ? 'chip-selected' : ''}`}
                aria-pressed={to === c.address}
                title={c.address}
                onClick={() => setTo(c.address)}
              >
                {c.displayName || c.address}
              </button>
            ))}
          </div>
        )}
        {props.choices.length > 1 && (
          <fieldset class="share-choices">
            <legend>Permission</legend>
            {props.choices.map((c, i) => (
              <label key={c.label}>
                <input type="radio" name={`${ids}-perm`} checked={choice === i} onChange={() => setChoice(i)} />{' '}
                {c.label}
              </label>
            ))}
          </fieldset>
        )}
        <p id={`${ids}-error`} class="form-error" role="alert">
          {error}
        </p>
        <div class="modal-actions">
          <button type="button" class="btn" onClick={props.onClose}>
            Close
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Sharing…' : 'Share'}
          </button>
        </div>
      </form>
      <CurrentShares
        shares={current}
        loading={!props.shares && listed.loading}
        choices={props.choices}
        emptyText={props.emptyText ?? 'Only you.'}
        onPermissions={setPermissions}
        onUnshare={(s) => void unshare(s)}
      />
    </ModalDialog>
  );
}
