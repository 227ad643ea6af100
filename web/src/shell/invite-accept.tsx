import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { ApiError, describeError } from '../api/api-error.ts';
import type { Contact } from '../api/types.ts';
import { partyLabel } from '../components/permission-label.ts';

/** Plain words for an invite that could not be accepted; the server's own sentence when it is one already. */
function explain(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'INVALID_INVITE')
      return 'That is not a whole invite string. Copy all of it (letters, digits, - and _) and paste it again.';
    if (err.code === 'LOCAL_INVITE')
      return 'This invite comes from your own server: you can share with its sender directly, no invite needed.';
    if (err.status === 502 || err.status === 504 || err.code.startsWith('PEER_') || err.code === 'DISCOVERY_FAILED')
      return "The inviter's server did not answer. Try again in a while.";
  }
  return describeError(err);
}

/** Accepts an invite string pasted by the user, or prefilled from an invite link (`#/contacts?invite=...`). */
export function InviteAccept(props: { api: ApiClient; initial: string; onAccepted: (c: Contact) => void }) {
  const [value, setValue] = useState(props.initial);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Contact | null>(null);
  const [busy, setBusy] = useState(false);
  const [fromLink, setFromLink] = useState(props.initial !== '');
  useEffect(() => {
    setValue(props.initial);
    setFromLink(props.initial !== '');
  }, [props.initial]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const contact = await props.api.acceptInvite(value);
      setDone(contact);
      setValue('');
      setFromLink(false);
      // Drop the used invite from the address bar so a reload does not offer it again.
      if (location.hash.includes('invite=')) history.replaceState(null, '', location.hash.replace(/\?.*$/, ''));
      props.onAccepted(contact);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="invite-accept-heading">
      <h2 id="invite-accept-heading">Accept an invite</h2>
      {fromLink && <p class="notice">You opened an invite link. Check the invite string below and accept it.</p>}
      <form onSubmit={submit}>
        <label for="invite-accept-input">Invite string</label>
        <textarea
          id="invite-accept-input"
          rows={3}
          spellcheck={false}
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
          placeholder="Paste the invite string you received"
        />
        <p class="form-error" role="alert">
          {error}
        </p>
        <button type="submit" class="btn btn-primary" disabled={busy || !value.trim()}>
          {busy ? 'Accepting…' : 'Accept invite'}
        </button>
      </form>
      <p role="status" class="success-text">
        {done ? `You and ${partyLabel(done.displayName, done.address)} are now contacts.` : ''}
      </p>
    </section>
  );
}
