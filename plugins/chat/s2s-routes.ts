import { timingSafeEqual } from 'node:crypto';
import express, { Router, type Request, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import {
  formatAddress,
  InputError,
  isMeshworkError,
  NotAllowedError,
  NotFoundError,
  parseAddress,
  peerRouteErrors,
  type Logger,
} from '#core';
import { clientId, parseAction } from './action-input.ts';
import type { ChatService } from './chat-service.ts';
import { MAX_NOTICES, type EphemeralBatch, type EphemeralNotice } from './ephemeral-relay.ts';
import type { ActOutcome, HostService } from './host-service.ts';
import type { EventsPush } from './host-stream.ts';
import type { ActionsReply, MirrorService, PullReply } from './mirror-service.ts';
import { eventsAfter, getHostedRoom, toEvent, type RoomRow } from './room-store.ts';
import type { ChatAction } from './shared.ts';
import { CHAT_ERRORS } from './error-codes.ts';
import type { ChatTables } from './tables.ts';

const MAX_ACTIONS = 500;
const MAX_PULL = 1000;
// Codes that mean the sending server had no business sending the action at all.
const FORGERY_CODES = new Set(['ROOM_NOT_FOUND', 'ROOM_SECRET_INVALID', 'ACTOR_NOT_FROM_PEER']);

/** Keeps the exact body bytes: the peer's signature covers them, not the parsed JSON. */
function keepRaw(req: Request, _res: unknown, buf: Buffer): void {
  req.rawBody = buf;
}

function secretMatches(given: unknown, room: RoomRow): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(room.secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A hosted room a peer may use: right secret, else refused. */
async function hostedRoomFor(db: Kysely<ChatTables>, roomId: unknown, secret: unknown): Promise<RoomRow> {
  const room = typeof roomId === 'string' ? await getHostedRoom(db, roomId) : null;
  if (!room) throw new NotFoundError('no such room', CHAT_ERRORS.ROOM_NOT_FOUND);
  if (!secretMatches(secret, room)) throw new NotAllowedError('wrong room secret', CHAT_ERRORS.ROOM_SECRET_INVALID);
  return room;
}

/** An address from a peer, normalised; actions must come from the actor's own server. */
function peerActor(raw: unknown, peerHost: string): string {
  const a = parseAddress(String(raw ?? ''), 'actor');
  if (a.host !== peerHost)
    throw new NotAllowedError(`${peerHost} may not act for ${a.id}@${a.host}`, CHAT_ERRORS.ACTOR_NOT_FROM_PEER);
  return formatAddress(a.id, a.host);
}

function normalizeTarget(action: ChatAction): ChatAction {
  if (!('address' in action)) return action;
  const a = parseAddress(action.address, 'address');
  return { ...action, address: formatAddress(a.id, a.host) } as ChatAction;
}

/**
 * The server-to-server routes under `/plugins/chat/s2s`, all behind the core's signature check (`peerAuth`
 * sets `req.peerHost`): event pushes from hosts, action pushes and pulls from member servers, and
 * best-effort typing/presence notices.
 */
export function s2sRouter(deps: {
  db: Kysely<ChatTables>;
  peerAuth: RequestHandler;
  host: HostService;
  mirror: MirrorService;
  chat: ChatService;
  log: Logger;
}): Router {
  const { db, peerAuth, host, mirror, chat, log } = deps;
  const r = Router();
  const json = express.json({ limit: '8mb', verify: keepRaw });
  const peer = (req: Request) => String(req.peerHost).toLowerCase();

  // Host → member server: events in seq order. Mirrors are looked up by (pushing server, room id).
  r.post('/events', json, peerAuth, async (req, res) => {
    const reply = await mirror.receive(peer(req), req.body as EventsPush);
    const known = reply.rooms.some((x) => x.applied !== null);
    res.status(known || reply.rooms.length === 0 ? 200 : 404).json(reply);
  });

  // Member server → host: its users' actions, in order. Each is checked and applied on its own.
  r.post('/actions', json, peerAuth, async (req, res) => {
    const list = (req.body as { actions?: unknown } | undefined)?.actions;
    if (!Array.isArray(list) || list.length > MAX_ACTIONS)
      throw new InputError(`actions must be a list of at most ${MAX_ACTIONS}`);
    // Checked one by one, then handed to the commit queue together and in order: they share its transactions
    // (one commit for the whole push, not one each) and their results keep the push's order.
    const rooms = new Map<string, Promise<RoomRow>>();
    const started: Array<Promise<ActionsReply['results'][number]>> = [];
    for (const a of list as Array<Record<string, unknown>>) {
      const base = { roomId: String(a?.roomId), actor: String(a?.actor), actionId: String(a?.actionId) };
      const settle = (p: Promise<ActOutcome>) =>
        p.then(
          (out) => ({ ...base, ok: true, event: out.events[0] ?? null }),
          (err: unknown) => {
            // Unexpected failures fail the whole push so the sender retries it; applied actions are idempotent.
            if (!isMeshworkError(err)) throw err;
            return { ...base, ok: false, code: err.code, message: err.message };
          },
        );
      let act: () => Promise<ActOutcome>;
      let addMember: boolean;
      try {
        const key = `${String(a?.roomId)} ${String(a?.secret)}`;
        if (!rooms.has(key)) rooms.set(key, hostedRoomFor(db, a?.roomId, a?.secret));
        const room = await (rooms.get(key) as Promise<RoomRow>);
        const actor = peerActor(a?.actor, peer(req));
        const id = clientId(a?.actionId, 'actionId');
        const action = normalizeTarget(parseAction(a?.action, { calls: true }));
        addMember = action.type === 'addMember';
        // The events come back to the peer in this answer: its stream is not woken for them (HostService #after).
        act = () => host.act(room.id, actor, id, action, peer(req));
      } catch (err) {
        started.push(settle(Promise.reject(err)));
        continue;
      }
      // Adding a member creates a share before it orders its event: everything before it goes first.
      if (addMember) await Promise.allSettled(started);
      const p = settle(act());
      started.push(p);
      if (addMember) await p.catch(() => {});
    }
    const results: ActionsReply['results'] = await Promise.all(started);
    // Refusals of ordinary actions are answers (200); a push where nothing checked out is refused as a whole.
    const forged = results.length > 0 && results.every((x) => !x.ok && FORGERY_CODES.has(String(x.code)));
    res.status(forged ? 403 : 200).json({ results });
  });

  // Member server → host: "events after N", only while the server has a joined member in the room.
  // (A server whose last member left gets the final events by push, never by asking.)
  r.post('/pull', json, peerAuth, async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const room = await hostedRoomFor(db, b.roomId, b.secret);
    const p = await db
      .selectFrom('chat_peers')
      .select('active')
      .where('room_id', '=', room.id)
      .where('server', '=', peer(req))
      .executeTakeFirst();
    if (!p || !Number(p.active))
      throw new NotAllowedError('your server has no member in this room', CHAT_ERRORS.NOT_MEMBER);
    const after = Number.isSafeInteger(b.after) && (b.after as number) >= 0 ? (b.after as number) : 0;
    const limit = Math.min(Number.isSafeInteger(b.limit) ? (b.limit as number) : 500, MAX_PULL);
    const events = (await eventsAfter(db, room.id, after, limit)).map((e) => toEvent(e, room.id));
    const reply: PullReply = { events, lastSeq: room.last_seq, more: (events.at(-1)?.seq ?? after) < room.last_seq };
    res.json(reply);
  });

  // Either direction: typing and presence, never stored. One notice, or several (`{notices}`, see
  // ephemeral-relay.ts): of a batch each is checked on its own, and the answer counts those refused.
  r.post('/ephemeral', json, peerAuth, async (req, res) => {
    const list = (req.body as Partial<EphemeralBatch> | undefined)?.notices;
    if (list === undefined) {
      await chat.receiveEphemeral(peer(req), req.body as EphemeralNotice);
      res.status(204).end();
      return;
    }
    if (!Array.isArray(list) || list.length > MAX_NOTICES)
      throw new InputError(`notices must be a list of at most ${MAX_NOTICES}`);
    let refused = 0;
    for (const [i, n] of (list as EphemeralNotice[]).entries()) {
      await chat.receiveEphemeral(peer(req), n).catch((err: unknown) => {
        if (!isMeshworkError(err)) throw err;
        refused++;
      });
      // The lookups answer in microtasks (SQLite): give sockets and timers a turn within a long batch.
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    res.json({ refused });
  });

  // A server that just started says hello: being reached by it (peerAuth) makes our outbox retry what we
  // queued for it now, instead of after the back-off (up to an hour by default).
  r.post('/hello', json, peerAuth, (_req, res) => {
    res.status(204).end();
  });

  r.use(peerRouteErrors(log, 'chat:s2s'));
  return r;
}
