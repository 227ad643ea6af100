import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { partyLabel } from '../components/permission-label.ts';
import { StatePill } from '../components/state-pill.tsx';
import { timeAgo } from '../components/time-ago.ts';
import type { OutgoingShare, OutgoingShareState } from '../api/types.ts';
import {
  accessLabel,
  outgoingRendererFor,
  resourceLabel,
  unshareLabel,
  type WebPluginContext,
  type WebPlugin,
} from '../plugin-host.ts';
import type { Inbox } from './use-inbox.ts';
import { describeShareFailure } from '../api/api-error.ts';

const STATE_LABEL: Record<OutgoingShareState, string> = {
  sending: 'Waiting for their server',
  pending: 'Not yet accepted',
  accepted: 'Accepted',
  declined: 'Declined',
  unshared: 'Ended',
  failed: 'Not delivered',
};

/** Shares that still give (or will give) someone access: only these can be unshared. */
const LIVE = new Set<OutgoingShareState>(['sending', 'pending', 'accepted']);

/** One outgoing share: what, with whom, its state; unshare while live, clear from the list once ended or failed. */
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
  const live = LIVE.has(s.state);
  const run = async (fn: (id: string) => Promise<void>) => {
    setConfirm(false);
    setBusy(true);
    await fn(s.id);
    setBusy(false);
  };
  const to = partyLabel(s.recipientDisplayName, s.shareWith);
  const endLabel = unshareLabel(plugins, s);
  return (
    <li class={`share-item share-${s.state}`} data-testid="outgoing-share" data-share-name={s.name}>
      <div class="share-main">
        <div class="share-title">
          <span class="share-type">{resourceLabel(plugins, s.resourceType)}</span>
          <strong class="share-name">{s.name}</strong>
          <StatePill state={s.state} label={STATE_LABEL[s.state]} />
        </div>
        <div class="share-meta">
          with {to}
          {' · '}
          {accessLabel(plugins, s, 'outgoing')}
          {' · '}
          <time dateTime={new Date(s.updatedAt).toISOString()}>{timeAgo(s.updatedAt)}</time>
        </div>
        {s.state === 'sending' && (
          <p class="share-note">
            Their server is not answering right now. Meshwork keeps trying and delivers it when the server is back.
            {s.lastError && <span class="hint"> Last try: {describeShareFailure(s.lastError)}</span>}
          </p>
        )}
        {s.state === 'failed' && <p class="form-error">{describeShareFailure(s.lastError)}</p>}
        {Renderer && <Renderer {...props.ctx} share={s} />}
      </div>
      <div class="share-actions">
        {live ? (
          <button
            type="button"
            class="btn"
            disabled={busy}
            onClick={() => setConfirm(true)}
            aria-label={`${endLabel}: “${s.name}” with ${s.shareWith}`}
          >
            {endLabel}
          </button>
        ) : (
          <button
            type="button"
            class="btn"
            disabled={busy}
            onClick={() => void run(inbox.clear)}
            aria-label={`Clear “${s.name}” (${STATE_LABEL[s.state].toLowerCase()}) from the list`}
          >
            Clear
          </button>
        )}
      </div>
      <ConfirmDialog
        open={confirm}
        title={`${endLabel}: “${s.name}”?`}
        confirmLabel={endLabel}
        danger
        busy={busy}
        onCancel={() => setConfirm(false)}
        onConfirm={() => void run(inbox.unshare)}
      >
        <p>
          {s.state === 'sending' ? `It was never delivered: ${to} will not get it.` : `${to} loses access at once.`}
        </p>
      </ConfirmDialog>
    </li>
  );
}
