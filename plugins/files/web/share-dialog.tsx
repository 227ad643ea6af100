import { useEffect, useState } from 'preact/hooks';
import {
  ModalDialog,
  RecipientInput,
  StatePill,
  describeError,
  partyLabel,
  type Contact,
  type OutgoingShare,
  type WebPluginContext,
} from '#web-sdk';
import type { DavEntry } from './dav-multistatus.ts';
import type { SharedItem, SharedWith } from './use-shared-items.ts';
const ADDRESS = /^[^\s@]+(@[^\s@]+)*@[^\s@/]+$/;

/**
 * Shares a file or folder with `user@server` (typed or picked from contacts), read-only or read-write; lists who has
 * access, lets the owner change each person's permission (view ↔ edit) or stop sharing.
 */
export function ShareDialog(props: {
  entry: DavEntry | null;
  shared: SharedItem | undefined;
  ctx: WebPluginContext;
  onChanged: () => void;
  onClose: () => void;
}) {
  const { entry, ctx } = props;
  const [shareWith, setShareWith] = useState('');
  const [write, setWrite] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [changing, setChanging] = useState<string | null>(null);

  useEffect(() => {
    if (!entry) return;
    setShareWith('');
    setWrite(false);
    setError(null);
    let live = true;
    ctx.api.contacts().then(
      (c) => live && setContacts(c),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [entry, ctx.api]);

  if (!entry)
    return (
      <ModalDialog open={false} title="" onClose={props.onClose}>
        {null}
      </ModalDialog>
    );
  const resourceType = entry.isFolder ? 'folder' : 'file';
  const current = props.shared?.shares ?? [];

  const submit = async (e: Event) => {
    e.preventDefault();
    const to = shareWith.trim();
    if (!ADDRESS.test(to)) return setError('Enter an address like name@server.example.');
    setBusy(true);
    setError(null);
    try {
      const share = await ctx.api.createShare({
        resourceType,
        resourceId: entry.path,
        shareWith: to,
        permissions: write ? ['read', 'write'] : ['read'],
      });
      props.onChanged();
      setShareWith('');
      ctx.toast.success(
        share.state === 'sending'
          ? `“${entry.name}” will be shared with ${share.shareWith} as soon as their server answers.`
          : `Shared “${entry.name}” with ${share.shareWith}.`,
      );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const unshare = async (s: SharedWith) => {
    try {
      await ctx.api.unshare(s.id);
      props.onChanged();
      ctx.toast.success(
        s.state === 'failed'
          ? `Removed the failed share with ${s.shareWith}.`
          : `Stopped sharing “${entry.name}” with ${s.shareWith}.`,
      );
    } catch (err) {
      ctx.toast.error(describeError(err));
    }
  };
  const setPermission = async (s: SharedWith, edit: boolean) => {
    setChanging(s.id);
    try {
      await ctx.api.request<OutgoingShare>('PATCH', `/shares/outgoing/${encodeURIComponent(s.id)}`, {
        permissions: edit ? ['read', 'write'] : ['read'],
      });
      props.onChanged();
      ctx.toast.success(
        `${partyLabel(s.recipientDisplayName, s.shareWith)} can ${edit ? 'edit' : 'only view'} “${entry.name}” now.`,
      );
    } catch (err) {
      ctx.toast.error(describeError(err));
    } finally {
      setChanging(null);
    }
  };

  return (
    <ModalDialog open title={`Share “${entry.name}”`} onClose={props.onClose}>
      <form onSubmit={submit}>
        <label for="share-with">Share with</label>
        <RecipientInput
          id="share-with"
          api={ctx.api}
          placeholder="name@server.example, or a name"
          value={shareWith}
          onChange={setShareWith}
          autoFocus
          describedBy="share-with-hint share-error"
        />
        <p id="share-with-hint" class="hint">
          Their address: user@{ctx.user.server} for someone on this server, user@their-server for anyone else. Or type
          part of a name to pick from your contacts and address books.
        </p>
        {contacts.length > 0 && (
          <div class="contact-picks" role="group" aria-label="Pick a contact">
            {contacts.map((c) => (
              <button
                type="button"
                key={c.id}
                class={`chip ${shareWith === c.address ? 'chip-selected' : ''}`}
                onClick={() => setShareWith(c.address)}
                aria-pressed={shareWith === c.address}
              >
                {partyLabel(c.displayName, c.address)}
              </button>
            ))}
          </div>
        )}
        <fieldset class="radio-group">
          <legend>Permission</legend>
          <div class="radio-options">
            <label>
              <input type="radio" name="permission" checked={!write} onChange={() => setWrite(false)} /> Can view
            </label>
            <label>
              <input type="radio" name="permission" checked={write} onChange={() => setWrite(true)} /> Can edit
            </label>
          </div>
        </fieldset>
        <p id="share-error" class="form-error" role="alert">
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
      {current.length > 0 && (
        <section class="current-shares" aria-labelledby="current-shares-heading">
          <h3 id="current-shares-heading">Who has access</h3>
          <ul>
            {current.map((s) => (
              <li key={s.id} data-testid="share-recipient" data-share-with={s.shareWith}>
                <span class="current-share-who">
                  {partyLabel(s.recipientDisplayName, s.shareWith)}
                  {s.state === 'failed' && s.lastError && <span class="hint current-share-error">{s.lastError}</span>}
                </span>
                {s.state !== 'failed' && (
                  <select
                    aria-label={`Permission of ${s.shareWith}`}
                    value={s.permissions.includes('write') ? 'edit' : 'view'}
                    disabled={changing === s.id}
                    onChange={(e) => void setPermission(s, e.currentTarget.value === 'edit')}
                  >
                    <option value="view">Can view</option>
                    <option value="edit">Can edit</option>
                  </select>
                )}
                <StatePill state={s.state} />
                <button
                  type="button"
                  class="btn btn-small"
                  onClick={() => void unshare(s)}
                  aria-label={`${s.state === 'failed' ? 'Remove the failed share with' : 'Unshare with'} ${s.shareWith}`}
                >
                  {s.state === 'failed' ? 'Remove' : 'Unshare'}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </ModalDialog>
  );
}
