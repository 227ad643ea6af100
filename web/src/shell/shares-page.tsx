import { useState } from 'preact/hooks';
import type { WebPluginContext, WebPlugin } from '../plugin-host.ts';
import { AutoAcceptSetting } from './auto-accept-setting.tsx';
import { IncomingShareItem } from './incoming-share-item.tsx';
import { OutgoingShareItem } from './outgoing-share-item.tsx';
import type { Inbox } from './use-inbox.ts';

const ACTIVE_OUTGOING = new Set(['sending', 'pending', 'accepted', 'failed']);

/** The shares inbox: incoming shares waiting for an answer, accepted ones, and the user's outgoing shares. */
export function SharesPage(props: { inbox: Inbox; plugins: readonly WebPlugin[]; ctx: WebPluginContext }) {
  const { inbox, plugins, ctx } = props;
  const [showEnded, setShowEnded] = useState(false);
  const pending = inbox.incoming.filter((s) => s.state === 'pending');
  const accepted = inbox.incoming.filter((s) => s.state === 'accepted');
  const outgoing = inbox.outgoing.filter((s) => showEnded || ACTIVE_OUTGOING.has(s.state));
  const ended = inbox.outgoing.length - inbox.outgoing.filter((s) => ACTIVE_OUTGOING.has(s.state)).length;

  return (
    <section class="page">
      <h1>Shares</h1>
      {inbox.error && (
        <p class="form-error" role="alert">
          Could not load your shares: {inbox.error}{' '}
          <button type="button" class="btn btn-small" onClick={() => void inbox.reload()}>
            Retry
          </button>
        </p>
      )}
      <section class="panel" aria-labelledby="pending-heading" data-testid="pending-shares">
        <h2 id="pending-heading">Waiting for your answer</h2>
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
        <h2 id="accepted-heading">Shared with you</h2>
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
          {ended > 0 && (
            <label class="inline-check">
              <input type="checkbox" checked={showEnded} onChange={(e) => setShowEnded(e.currentTarget.checked)} /> Show
              ended shares ({ended})
            </label>
          )}
        </div>
        {outgoing.length === 0 ? (
          <p class="empty">{inbox.loading ? 'Loading…' : 'You have not shared anything yet.'}</p>
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
