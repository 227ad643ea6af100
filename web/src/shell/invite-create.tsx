import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { CreatedInvite, OutstandingInvite } from '../api/types.ts';
import type { LiveList } from '../api/use-live-list.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { InviteList } from './invite-list.tsx';

/** Creates an invite and shows its link and string, each with a copy button; lists the invites still open. */
export function InviteCreate(props: { api: ApiClient; invites: LiveList<OutstandingInvite> }) {
  const [invite, setInvite] = useState<CreatedInvite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const created = await props.api.createInvite();
      setInvite(created);
      props.invites.upsert(created);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  // The fresh invite is shown in full above; once used or revoked it disappears from there too.
  const shown = invite && props.invites.find(invite.id) ? invite : null;
  return (
    <section class="panel" aria-labelledby="invite-create-heading">
      <h2 id="invite-create-heading">Invite someone</h2>
      <p class="hint">
        For someone on another server. Send them the link; once they accept, you are each other's contacts.
      </p>
      <button type="button" class="btn btn-primary" onClick={create} disabled={busy}>
        {busy ? 'Creating…' : shown ? 'Create another invite' : 'Create invite'}
      </button>
      <p class="form-error" role="alert">
        {error}
      </p>
      {shown && (
        <div class="invite-result" data-testid="created-invite">
          <label for="invite-link">Your invite link</label>
          <div class="input-with-button">
            <input id="invite-link" readOnly value={shown.inviteLink} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={shown.inviteLink} what="invite link" />
          </div>
          <label for="invite-string">Your invite string</label>
          <div class="input-with-button">
            <input id="invite-string" readOnly value={shown.inviteString} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={shown.inviteString} what="invite string" />
          </div>
          <p class="hint">
            Valid until {new Date(shown.expiresAt).toLocaleDateString()}, for one person. The string is for people whose
            server has no invite page: they paste it under “Accept an invite” in their app.
          </p>
        </div>
      )}
      <InviteList api={props.api} invites={props.invites} />
    </section>
  );
}
