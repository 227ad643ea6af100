import type { DeckDb } from './tables.ts';
import { InputError, NotAllowedError, peerRoutes, type PeerRequest, type PluginContext } from '#sdk';
import { parseAction, parseActionId } from './action-input.ts';
import { eventsAfter, getBoard } from './board-store.ts';
import { DECK_ERRORS } from './error-codes.ts';
import type { HostService } from './host-service.ts';
import { parseEvent, type MirrorService, type PullReply } from './mirror-service.ts';

const MAX_EVENTS = 1000;
const MAX_PULL = 500;

type Req = PeerRequest;

function str(v: unknown, name: string, max = 200): string {
  if (typeof v !== 'string' || !v || v.length > max)
    throw new InputError(`${name} is required`, [{ name, message: 'INVALID' }]);
  return v;
}

/**
 * The signed server-to-server routes under `/plugins/deck/s2s/` (the SDK's `peerRoutes` checks the RFC 9421
 * signature and sets `req.peerHost`). Hosts push events; member servers send actions and pull.
 */
export function mountS2s(
  ctx: PluginContext,
  d: { db: DeckDb; host: HostService; mirror: MirrorService },
  base: string,
): void {
  const { db, host, mirror } = d;
  const peer = (req: Req) => req.peerHost.toLowerCase();
  const routes = peerRoutes(ctx, base, { limit: '4mb' });

  /** A live share of a board hosted here, presented by the server it was shared with. */
  async function hostedShare(req: Req, boardId: string, secret: string) {
    const access = await ctx.shares.verifyAccess(secret, 'deck-board');
    const board = await getBoard(db, boardId);
    if (
      !access ||
      !board ||
      board.host !== '' ||
      access.share.resourceId !== boardId ||
      access.share.shareWithHost.toLowerCase() !== peer(req)
    )
      throw new NotAllowedError('no live share of this board for your server', DECK_ERRORS.DECK_NOT_SHARED);
    return { board, share: access.share };
  }

  // Host → member server: events in seq order.
  routes.post('/events', async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const boardId = str(b.boardId, 'boardId', 64);
    if (!Array.isArray(b.events) || b.events.length > MAX_EVENTS) throw new InputError('events must be a list');
    let events;
    try {
      events = b.events.map(parseEvent);
    } catch (err) {
      throw new InputError(`invalid event: ${(err as Error).message}`);
    }
    const lastSeq = Number.isSafeInteger(b.lastSeq) ? (b.lastSeq as number) : 0;
    const reply = await mirror.receive(peer(req), { boardId, lastSeq, events });
    res.status(reply.applied === null ? 404 : 200).json(reply);
  });

  // Member server → host: one user's action, with the secret of that user's share (which names the actor).
  routes.post('/actions', async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const { board, share } = await hostedShare(req, str(b.boardId, 'boardId', 64), str(b.secret, 'secret'));
    const action = parseAction(b.action);
    const actionId = parseActionId(b.actionId);
    if (!share.permissions.includes('write'))
      throw new NotAllowedError('the board is shared with you read-only', DECK_ERRORS.READ_ONLY);
    const event = await host.act(board.id, share.shareWith, actionId, action);
    res.json({ ok: true, seq: event.seq });
  });

  // Either way, at start-up: reaching a peer makes its outbox retry what it queued for us right away.
  routes.post('/hello', (_req, res) => void res.status(204).end());

  // Member server → host: "events after N".
  routes.post('/pull', async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const { board } = await hostedShare(req, str(b.boardId, 'boardId', 64), str(b.secret, 'secret'));
    const after = Number.isSafeInteger(b.after) && (b.after as number) >= 0 ? (b.after as number) : 0;
    const events = await eventsAfter(db, board.id, after, MAX_PULL);
    const lastSeq = board.last_seq;
    const reply: PullReply = { events, lastSeq, more: (events.at(-1)?.seq ?? after) < lastSeq };
    res.json(reply);
  });
}
