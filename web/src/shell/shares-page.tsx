import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { OutgoingShare } from '../api/types.ts';
import type { WebPluginContext, WebPlugin } from '../plugin-host.ts';
import { AutoAcceptSetting } from './auto-accept-setting.tsx';
import { IncomingShareItem } from './incoming-share-item.tsx';
import { OutgoingShareItem } from './outgoing-share-item.tsx';
import type { Inbox } from './use-inbox.ts';

/** Shares that are live or need the owner's attention (failed) are always listed; ended ones on request. */
const SHOWN_OUTGOING = new Set<OutgoingShare['state']>(['sending', 'pending', 'accepted', 'failed']);
const CLEARABLE = new Set<OutgoingShare['state']>(['unshared', 'declined', 'failed']);

/** The shares inbox: incoming shares waiting for an answer, accepted ones, and the user's outgoing shares. */
export function SharesPage(props: { inbox: Inbox; plugins: readonly WebPlugin[]; ctx: WebPluginContext }) {
  const { inbox, plugins, ctx } = props;
  const [showEnded, setShowEnded] = useState(false);
  const [clearing, setClearing] = useState(false);
  const pending = inbox.incoming.filter((s) => s.state === 'pending');
  const accepted = inbox.incoming.filter((s) => s.state === 'accepted');
  const outgoing = inbox.outgoing.filter((s) => showEnded || SHOWN_OUTGOING.has(s.state));
  const ended = inbox.outgoing.filter((s) => !SHOWN_OUTGOING.has(s.state)).length;
  const clearable = inbox.outgoing.filter((s) => CLEARABLE.has(s.state)).length;
  const failed = inbox.outgoing.filter((s) => s.state === 'failed').length;
  const clearLabel = failed === 0 ? 'Clear ended' : failed === clearable ? 'Clear failed' : 'Clear ended and failed';
  const clearAll = async () => {
    setClearing(true);
    await inbox.clearAll();
    setClearing(false);
  };

  let outgoingEmpty: ComponentChildren;
  if (inbox.loading) outgoingEmpty = 'Loading…';
  else if (ended > 0)
    outgoingEmpty = (
      <>
        Nothing is shared right now. {ended === 1 ? '1 ended share is' : `${ended} ended shares are`} hidden.{' '}
        <button type="button" class="btn-link" onClick={() => setShowEnded(true)}>
          Show {ended === 1 ? 'it' : 'them'}
        </button>
      </>
    );
  else outgoingEmpty = 'You have not shared anything yet. Share a folder from Files, or invite people to a chat room.';

  return (
    <section class="page">
      <h1>Shares</h1>
      <p class="page-intro">Everything shared with you and by you, on this server and on others.</p>
      {inbox.error && (
        <p class="form-error" role="alert">
          Could not load your shares: {inbox.error}{' '}
          <button type="button" class="btn btn-small" onClick={() => void inbox.reload()}>
            Try again
          </button>
        </p>
      )}
      <section class="panel" aria-labelledby="pending-heading" data-testid="pending-shares">
        <h2 id="pending-heading">
          Waiting for your answer{pending.length > 0 && <span class="count"> ({pending.length})</span>}
        </h2>
        <AutoAcceptSetting api={ctx.api} toast={ctx.toast} />
        {pending.length === 0 ? (
          <p class="empty">
            {inbox.loading ? 'Loading…' : 'Nothing is waiting. Shares others send you appear here at once.'}
          </p>
        ) : (
          <ul class="share-list">
            {pending.map((s) => (
              <IncomingShareItem key={s.id} share={s} inbox={inbox} plugins={plugins} ctx={ctx} />
            ))}
          </ul>
        )}
      </section>
      <section class="panel" aria-labelledby="accepted-heading" data-testid="accepted-shares">
        <h2 id="accepted-heading">
          Shared with you{accepted.length > 0 && <span class="count"> ({accepted.length})</span>}
        </h2>
        {accepted.length === 0 ? (
          <p class="empty">{inbox.loading ? 'Loading…' : 'You have not accepted any shares yet.'}</p>
        ) : (
          <ul class="share-list">
            {accepted.map((s) => (
              <IncomingShareItem key={s.id} share={s} inbox={inbox} plugins={plugins} ctx={ctx} />
            ))}
          </ul>
        )}
      </section>
      <section class="panel" aria-labelledby="outgoing-heading" data-testid="outgoing-shares">
        <div class="panel-heading">
          <h2 id="outgoing-heading">Shared by you</h2>
          <div class="panel-tools">
            {ended > 0 && (
              <label class="inline-check">
                <input type="checkbox" checked={showEnded} onChange={(e) => setShowEnded(e.currentTarget.checked)} />{' '}
                Show ended ({ended})
              </label>
            )}
            {clearable > 0 && (
              <button type="button" class="btn btn-small" disabled={clearing} onClick={() => void clearAll()}>
                {clearLabel} ({clearable})
              </button>
            )}
          </div>
        </div>
        {outgoing.length === 0 ? (
          <p class="empty">{outgoingEmpty}</p>
        ) : (
          <ul class="share-list">
            {outgoing.map((s) => (
              <OutgoingShareItem key={s.id} share={s} inbox={inbox} plugins={plugins} ctx={ctx} />
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
