import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { OutstandingInvite } from '../api/types.ts';
import type { LiveList } from '../api/use-live-list.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { timeAgo } from '../components/time-ago.ts';
import { useToast } from './shell-context.ts';

/** The invites nobody has accepted yet, each with its link to copy again and a revoke button. */
export function InviteList(props: { api: ApiClient; invites: LiveList<OutstandingInvite> }) {
  const { invites } = props;
  const toast = useToast();
  const [revoking, setRevoking] = useState<OutstandingInvite | null>(null);
  const [busy, setBusy] = useState(false);
  const revoke = async (invite: OutstandingInvite) => {
    setBusy(true);
    try {
      await props.api.revokeInvite(invite.id);
      invites.remove(invite.id);
      toast.success('Invite revoked. Its link no longer works.');
    } catch (err) {
      toast.error(describeError(err));
    } finally {
      setBusy(false);
      setRevoking(null);
    }
  };
  if (invites.items.length === 0 && !invites.error) return null;
  return (
    <div class="invite-open" data-testid="open-invites">
      <h3 class="subheading">Open invites ({invites.items.length})</h3>
      {invites.error && (
        <p class="form-error" role="alert">
          Could not load your invites: {invites.error}
        </p>
      )}
      <ul class="invite-items">
        {invites.items.map((i) => (
          <li key={i.id} class="invite-item" data-invite-id={i.id}>
            <span class="invite-when">
              Created <time dateTime={new Date(i.createdAt).toISOString()}>{timeAgo(i.createdAt)}</time>
              <span class="hint"> · valid until {new Date(i.expiresAt).toLocaleDateString()}</span>
            </span>
            <span class="invite-actions">
              <CopyButton
                text={i.inviteLink}
                label="Copy link"
                what={`of the invite created ${timeAgo(i.createdAt)}`}
              />
              <button type="button" class="btn btn-small" onClick={() => setRevoking(i)}>
                Revoke
              </button>
            </span>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this invite?"
        confirmLabel="Revoke invite"
        danger
        busy={busy}
        onCancel={() => setRevoking(null)}
        onConfirm={() => revoking && void revoke(revoking)}
      >
        <p>Its link and invite string stop working at once. Nobody is told; you can create a new invite any time.</p>
      </ConfirmDialog>
    </div>
  );
}
