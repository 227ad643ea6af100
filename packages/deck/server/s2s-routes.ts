import type { IncomingMessage } from 'node:http';
import type { Kysely } from 'kysely';
import { InputError, NotAllowedError, type PluginContext } from '#sdk';
import { parseAction, parseActionId } from './action-input.ts';
import { eventsAfter, getBoard } from './board-store.ts';
import { DECK_ERRORS } from './error-codes.ts';
import type { HostService } from './host-service.ts';
import { parseEvent, type MirrorService, type PullReply } from './mirror-service.ts';

const MAX_BODY = 4 * 1024 * 1024;
const MAX_EVENTS = 1000;
const MAX_PULL = 500;

type Handler = Parameters<PluginContext['mount']>[1];
type Req = Parameters<Handler>[0];

/**
 * Reads a JSON body and keeps its bytes as `req.rawBody` (the signature check covers its digest). The SDK has no
 * body parser for `ctx.mount` routes; a plugin must not import express itself.
 */
export const readJson: Handler = (req, _res, next) => {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = req as unknown as IncomingMessage;
  stream.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_BODY) {
      stream.destroy();
      next(new InputError('request body too large'));
    } else chunks.push(c);
  });
  stream.on('end', () => {
    const raw = Buffer.concat(chunks);
    req.rawBody = raw;
    try {
      req.body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
      next();
    } catch {
      next(new InputError('the body is not JSON'));
    }
  });
  stream.on('error', next);
};

function str(v: unknown, name: string, max = 200): string {
  if (typeof v !== 'string' || !v || v.length > max)
    throw new InputError(`${name} is required`, [{ name, message: 'INVALID' }]);
  return v;
}

/**
 * The signed server-to-server routes under `/plugins/deck/s2s/` (the core's `peerAuth` checks the RFC 9421
 * signature and sets `req.peerHost`). Hosts push events; member servers send actions and pull.
 */
export function mountS2s(
  ctx: PluginContext,
  d: { db: Kysely<any>; host: HostService; mirror: MirrorService },
  base: string,
): void {
  const { db, host, mirror } = d;
  const peer = (req: Req) => String(req.peerHost).toLowerCase();

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
  ctx.mount(`${base}/events`, readJson, ctx.peerAuth, async (req, res) => {
    if (req.method !== 'POST') return void res.status(405).json({ message: 'POST only' });
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
  ctx.mount(`${base}/actions`, readJson, ctx.peerAuth, async (req, res) => {
    if (req.method !== 'POST') return void res.status(405).json({ message: 'POST only' });
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
  ctx.mount(`${base}/hello`, readJson, ctx.peerAuth, (_req, res) => void res.status(204).end());

  // Member server → host: "events after N".
  ctx.mount(`${base}/pull`, readJson, ctx.peerAuth, async (req, res) => {
    if (req.method !== 'POST') return void res.status(405).json({ message: 'POST only' });
    const b = (req.body ?? {}) as Record<string, unknown>;
    const { board } = await hostedShare(req, str(b.boardId, 'boardId', 64), str(b.secret, 'secret'));
    const after = Number.isSafeInteger(b.after) && (b.after as number) >= 0 ? (b.after as number) : 0;
    const events = await eventsAfter(db, board.id, after, MAX_PULL);
    const lastSeq = Number(board.last_seq);
    const reply: PullReply = { events, lastSeq, more: (events.at(-1)?.seq ?? after) < lastSeq };
    res.json(reply);
  });
}
