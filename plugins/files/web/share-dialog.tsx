import { useEffect, useState } from 'preact/hooks';
import {
  ModalDialog,
  StatePill,
  describeError,
  partyLabel,
  permissionLabel,
  type Contact,
  type OutgoingShare,
  type WebPluginContext,
} from '#web-sdk';
import type { DavEntry } from './dav-multistatus.ts';

const ACTIVE = new Set(['sending', 'pending', 'accepted', 'failed']);
const ADDRESS = /^[^\s@]+(@[^\s@]+)*@[^\s@/]+$/;

/** Shares a file or folder with `user@server` (typed or picked from contacts), read-only or read-write; lists current shares. */
export function ShareDialog(props: { entry: DavEntry | null; ctx: WebPluginContext; onClose: () => void }) {
  const { entry, ctx } = props;
  const [shareWith, setShareWith] = useState('');
  const [write, setWrite] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [shares, setShares] = useState<OutgoingShare[]>([]);

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
    ctx.api.outgoingShares().then(
      (s) => live && setShares(s),
      () => undefined,
    );
    const onUpdate = (s: OutgoingShare) => setShares((l) => [s, ...l.filter((x) => x.id !== s.id)]);
    ctx.socket.on('share:outgoing-updated', onUpdate);
    return () => {
      live = false;
      ctx.socket.off('share:outgoing-updated', onUpdate);
    };
  }, [entry, ctx.api, ctx.socket]);

  if (!entry)
    return (
      <ModalDialog open={false} title="" onClose={props.onClose}>
        {null}
      </ModalDialog>
    );
  const resourceType = entry.isFolder ? 'folder' : 'file';
  const current = shares.filter(
    (s) => s.resourceType === resourceType && s.resourceId === entry.path && ACTIVE.has(s.state),
  );

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
      setShares((l) => [share, ...l.filter((x) => x.id !== share.id)]);
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
  const unshare = async (s: OutgoingShare) => {
    try {
      const updated = await ctx.api.unshare(s.id);
      setShares((l) => l.map((x) => (x.id === s.id ? updated : x)));
      ctx.toast.success(`Stopped sharing “${entry.name}” with ${s.shareWith}.`);
    } catch (err) {
      ctx.toast.error(describeError(err));
    }
  };

  return (
    <ModalDialog open title={`Share “${entry.name}”`} onClose={props.onClose}>
      <form onSubmit={submit}>
        <label for="share-with">Share with</label>
        <input
          id="share-with"
          type="text"
          inputMode="email"
          autocomplete="off"
          spellcheck={false}
          placeholder="name@server.example"
          value={shareWith}
          onInput={(e) => setShareWith(e.currentTarget.value)}
          autoFocus
          aria-describedby="share-with-hint share-error"
        />
        <p id="share-with-hint" class="hint">
          Their address: user@{ctx.user.server} for someone on this server, user@their-server for anyone else.
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
          <h3 id="current-shares-heading">Shared with</h3>
          <ul>
            {current.map((s) => (
              <li key={s.id}>
                <span class="current-share-who">{partyLabel(s.recipientDisplayName, s.shareWith)}</span>
                <span class="hint">{permissionLabel(s.permissions)}</span>
                <StatePill state={s.state} />
                <button
                  type="button"
                  class="btn btn-small"
                  onClick={() => void unshare(s)}
                  aria-label={`Unshare with ${s.shareWith}`}
                >
                  Unshare
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </ModalDialog>
  );
}
