import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { partyLabel } from '../components/permission-label.ts';
import { timeAgo } from '../components/time-ago.ts';
import type { IncomingShareView } from '../api/types.ts';
import {
  accessLabel,
  incomingRendererFor,
  resourceLabel,
  type WebPluginContext,
  type WebPlugin,
} from '../plugin-host.ts';
import type { Inbox } from './use-inbox.ts';

/** One incoming share: what, from whom, and accept/decline (pending) or leave (accepted). */
export function IncomingShareItem(props: {
  share: IncomingShareView;
  inbox: Inbox;
  plugins: readonly WebPlugin[];
  ctx: WebPluginContext;
}) {
  const { share: s, inbox, plugins } = props;
  const [busy, setBusy] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const Renderer = incomingRendererFor(plugins, s.resourceType);
  const run = async (fn: (id: string) => Promise<void>) => {
    setBusy(true);
    await fn(s.id);
    setBusy(false);
  };
  const from = partyLabel(s.ownerDisplayName, s.owner);
  return (
    <li class="share-item" data-testid="incoming-share" data-share-name={s.name}>
      <div class="share-main">
        <div class="share-title">
          <span class="share-type">{resourceLabel(plugins, s.resourceType)}</span>
          <strong class="share-name">{s.name}</strong>
        </div>
        <div class="share-meta">
          from {from}
          {s.sender !== s.owner && <> via {partyLabel(s.senderDisplayName, s.sender)}</>}
          {' · '}
          {accessLabel(plugins, s, 'incoming')}
          {' · '}
          <time dateTime={new Date(s.createdAt).toISOString()}>{timeAgo(s.createdAt)}</time>
        </div>
        {s.description && <p class="share-description">{s.description}</p>}
        {Renderer && <Renderer {...props.ctx} share={s} />}
      </div>
      <div class="share-actions">
        {s.state === 'pending' ? (
          <>
            <button
              type="button"
              class="btn btn-primary"
              disabled={busy}
              onClick={() => run(inbox.accept)}
              aria-label={`Accept “${s.name}” from ${s.owner}`}
            >
              Accept
            </button>
            <button
              type="button"
              class="btn"
              disabled={busy}
              onClick={() => run(inbox.decline)}
              aria-label={`Decline “${s.name}” from ${s.owner}`}
            >
              Decline
            </button>
          </>
        ) : (
          <button
            type="button"
            class="btn"
            disabled={busy}
            onClick={() => setConfirmLeave(true)}
            aria-label={`Leave “${s.name}”`}
          >
            Leave
          </button>
        )}
      </div>
      <ConfirmDialog
        open={confirmLeave}
        title={`Leave “${s.name}”?`}
        confirmLabel="Leave share"
        danger
        busy={busy}
        onCancel={() => setConfirmLeave(false)}
        onConfirm={() => {
          setConfirmLeave(false);
          void run(inbox.leave);
        }}
      >
        <p>
          You will lose access to “{s.name}”. {from} would have to share it again.
        </p>
      </ConfirmDialog>
    </li>
  );
}
