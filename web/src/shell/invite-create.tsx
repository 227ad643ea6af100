import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { CreatedInvite } from '../api/types.ts';
import { CopyButton } from '../components/copy-button.tsx';

/** Creates an invite and shows its string and link, each with a copy button. */
export function InviteCreate(props: { api: ApiClient }) {
  const [invite, setInvite] = useState<CreatedInvite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      setInvite(await props.api.createInvite());
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="invite-create-heading">
      <h2 id="invite-create-heading">Invite someone</h2>
      <p class="hint">
        Send an invite to someone on another server. When they accept it, you become each other's contacts.
      </p>
      <button type="button" class="btn btn-primary" onClick={create} disabled={busy}>
        {invite ? 'Create another invite' : 'Create invite'}
      </button>
      <p class="form-error" role="alert">
        {error}
      </p>
      {invite && (
        <div class="invite-result" data-testid="created-invite">
          <label for="invite-string">Your invite string</label>
          <div class="input-with-button">
            <input id="invite-string" readOnly value={invite.inviteString} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={invite.inviteString} what="invite string" />
          </div>
          <label for="invite-link">Your invite link</label>
          <div class="input-with-button">
            <input id="invite-link" readOnly value={invite.inviteLink} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={invite.inviteLink} what="invite link" />
          </div>
          <p class="hint">Valid until {new Date(invite.expiresAt).toLocaleDateString()}. It can be accepted once.</p>
        </div>
      )}
    </section>
  );
}
