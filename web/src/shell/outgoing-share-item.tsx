import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { partyLabel, permissionLabel } from '../components/permission-label.ts';
import { StatePill } from '../components/state-pill.tsx';
import { timeAgo } from '../components/time-ago.ts';
import type { OutgoingShare, OutgoingShareState } from '../api/types.ts';
import { outgoingRendererFor, resourceLabel, type WebPluginContext, type WebPlugin } from '../plugin-host.ts';
import type { Inbox } from './use-inbox.ts';
import { describeShareFailure } from '../api/api-error.ts';

const STATE_LABEL: Record<OutgoingShareState, string> = {
  sending: 'Sending…',
  pending: 'Not yet accepted',
  accepted: 'Accepted',
  declined: 'Declined',
  unshared: 'Unshared',
  failed: 'Not delivered',
};

/** One outgoing share: what, with whom, its state, and unshare. */
export function OutgoingShareItem(props: {
  share: OutgoingShare;
  inbox: Inbox;
  plugins: readonly WebPlugin[];
  ctx: WebPluginContext;
}) {
  const { share: s, inbox, plugins } = props;
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const Renderer = outgoingRendererFor(plugins, s.resourceType);
  const active = s.state === 'sending' || s.state === 'pending' || s.state === 'accepted' || s.state === 'failed';
  const unshare = async () => {
    setConfirm(false);
    setBusy(true);
    await inbox.unshare(s.id);
    setBusy(false);
  };
  const to = partyLabel(s.recipientDisplayName, s.shareWith);
  // A failed share never reached anyone: removing it only clears it from this list.
  const failed = s.state === 'failed';
  return (
    <li class="share-item" data-testid="outgoing-share" data-share-name={s.name}>
      <div class="share-main">
        <div class="share-title">
          <span class="share-type">{resourceLabel(plugins, s.resourceType)}</span>
          <strong class="share-name">{s.name}</strong>
          <StatePill state={s.state} label={STATE_LABEL[s.state]} />
        </div>
        <div class="share-meta">
          with {to}
          {' · '}
          {permissionLabel(s.permissions)}
          {' · '}
          <time dateTime={new Date(s.updatedAt).toISOString()}>{timeAgo(s.updatedAt)}</time>
        </div>
        {s.state === 'failed' && <p class="form-error">{describeShareFailure(s.lastError)}</p>}
        {Renderer && <Renderer {...props.ctx} share={s} />}
      </div>
      <div class="share-actions">
        {active && (
          <button
            type="button"
            class="btn"
            disabled={busy}
            onClick={() => setConfirm(true)}
            aria-label={failed ? `Remove “${s.name}” (not delivered)` : `Unshare “${s.name}” with ${s.shareWith}`}
          >
            {failed ? 'Remove' : 'Unshare'}
          </button>
        )}
      </div>
      <ConfirmDialog
        open={confirm}
        title={failed ? `Remove “${s.name}”?` : `Stop sharing “${s.name}”?`}
        confirmLabel={failed ? 'Remove' : 'Unshare'}
        danger={!failed}
        busy={busy}
        onCancel={() => setConfirm(false)}
        onConfirm={() => void unshare()}
      >
        <p>{failed ? `It never reached ${to}, so nobody loses access.` : `${to} will lose access at once.`}</p>
      </ConfirmDialog>
    </li>
  );
}
