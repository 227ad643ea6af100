import type { Kysely } from 'kysely';
import { PreparedQuery, type Logger, type PluginContext } from '#core';
import type { CommitQueue } from './commit-queue.ts';
import { Pacer } from './pacer.ts';
import { eventsAfter, toEvent } from './room-store.ts';
import type { ChatEvent } from './shared.ts';
import type { ChatTables } from './tables.ts';

/** Outbox kind of the host → member-server event stream. */
export const EVENTS_KIND = 'chat:events';
/** Where the S2S routes live on every server (under its origin). */
export const S2S_BASE = '/plugins/chat/s2s';

/** Body of an event push: for each room, the events after what the receiver acknowledged. */
export interface EventsPush {
  rooms: Array<{ roomId: string; lastSeq: number; events: ChatEvent[] }>;
}

/** The receiver's answer: per room, the last seq it has applied contiguously (null: no such room there). */
export interface EventsPushReply {
  rooms: Array<{ roomId: string; applied: number | null }>;
}

interface PeerRow {
  room_id: string;
  acked_seq: number;
  active: number;
  until_seq: number | null;
  last_seq: number;
}

// Events per push: big enough to catch up fast, small enough to keep one request well under the body limits.
const DEFAULT_BATCH = 300;
const DEFAULT_GAP_MS = 5;
/** How long a node trusts its own "a push is queued" note before asking the outbox again (see #waiting). */
export const WAITING_MS = 1000;
/** How long a room's server list is reused without reading chat_peers again (see #servers). */
const SERVERS_TTL_MS = 1000;

// Every answered push records its acknowledgements (compiled once, see room-store.ts).
const ACK = new PreparedQuery(3, (db, acked, roomId, server) =>
  (db as Kysely<ChatTables>)
    .updateTable('chat_peers')
    .set({ acked_seq: acked as unknown as number })
    .where('room_id', '=', roomId)
    .where('server', '=', server),
);

// A room's servers: every kick (cached for SERVERS_TTL_MS), every typing notice.
const ACTIVE_SERVERS = new PreparedQuery<{ server: string }>(1, (db, roomId) =>
  (db as Kysely<ChatTables>)
    .selectFrom('chat_peers')
    .select('server')
    .where('room_id', '=', roomId)
    .where('active', '=', 1),
);
const STREAM_SERVERS = new PreparedQuery<{ server: string }>(1, (db, roomId) =>
  (db as Kysely<ChatTables>)
    .selectFrom('chat_peers')
    .select('server')
    .where('room_id', '=', roomId)
    .where((eb) => eb.or([eb('active', '=', 1), eb('until_seq', '>', eb.ref('acked_seq'))])),
);
// Run twice per push to a server (building it, recording its answer).
const BEHIND = new PreparedQuery<Record<string, any>>(1, (db, server) =>
  (db as Kysely<ChatTables>)
    .selectFrom('chat_peers as p')
    .innerJoin('chat_rooms as r', 'r.id', 'p.room_id')
    .select(['p.room_id', 'p.acked_seq', 'p.active', 'p.until_seq', 'r.last_seq'])
    .where('p.server', '=', server)
    .where('r.host', 'is', null)
    .whereRef('r.last_seq', '>', 'p.acked_seq')
    .where((eb) => eb.or([eb('p.active', '=', 1), eb('p.until_seq', '>', eb.ref('p.acked_seq'))])),
);

/** The last seq a server may see: everything while it has members, up to its removal afterwards. */
function endOf(p: PeerRow): number {
  return p.active ? Number(p.last_seq) : Math.min(Number(p.until_seq ?? 0), Number(p.last_seq));
}

/**
 * The host side of federation: one durable stream per member SERVER (not per remote user) through the
 * core outbox. A queued push carries no events; its body is built at send time from "everything after the
 * server's last acknowledgement", so one push catches up every room, after a crash, an outage or a burst.
 */
export class HostStream {
  readonly #db: Kysely<ChatTables>;
  readonly #commits: CommitQueue;
  readonly #outbox: PluginContext['outbox'];
  readonly #log: Logger;
  readonly #batch: number;
  // Servers with a push queued but not yet built: its body is built at send time, so it will carry any
  // event committed before then, and further enqueues can be skipped (saves outbox queries per event).
  // Only trusted for WAITING_MS: with several app nodes another node may build (and send) the push this
  // node queued, and this node would never hear of it; the enqueue after that coalesces in the database.
  readonly #waiting = new Map<string, number>();
  // Servers each room streams to; changes only with membership, which invalidates it here, and for at most
  // SERVERS_TTL_MS on other app nodes (which do not see this node's invalidations).
  readonly #servers = new Map<string, { servers: string[]; at: number }>();
  readonly #pacer: Pacer;
  // `server room` → what the server last said it applied, until that acknowledgement is committed to chat_peers.
  // A push's answer is recorded through the commit queue without holding up the next push (the outbox starts it once
  // this listener returns), so that push, if built before the commit, starts after this instead of resending.
  readonly #acking = new Map<string, number>();

  constructor(
    db: Kysely<ChatTables>,
    commits: CommitQueue,
    outbox: PluginContext['outbox'],
    log: Logger,
    opts: { batch?: number; gapMs?: number } = {},
  ) {
    this.#db = db;
    this.#commits = commits;
    this.#pacer = new Pacer(opts.gapMs ?? DEFAULT_GAP_MS);
    this.#outbox = outbox;
    this.#log = log;
    this.#batch = opts.batch ?? DEFAULT_BATCH;
    outbox.buildBody(EVENTS_KIND, ({ destination }) => this.#build(destination));
    outbox.onResult(EVENTS_KIND, async (msg, result) => {
      // A 404 with per-room answers means "none of these rooms exist there" (e.g. its last member left): done.
      this.#waiting.delete(msg.destination);
      const reply = result.outcome === 'dead' ? null : (result.body as EventsPushReply | null);
      if (result.outcome === 'delivered' || Array.isArray(reply?.rooms))
        return this.#acked(msg.destination, msg.body as EventsPush, reply);
      this.#log.warn({ destination: msg.destination, result }, 'chat event push not delivered; the sweep will retry');
    });
  }

  /**
   * Recomputes whether a server still has joined members in a room (inside the transaction that changed
   * membership). A server that lost its last member keeps receiving up to `seq`, the event that removed it.
   */
  async syncPeer(trx: Kysely<ChatTables>, roomId: string, server: string, seq: number): Promise<void> {
    const joined = await trx
      .selectFrom('chat_members')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('room_id', '=', roomId)
      .where('server', '=', server)
      .where('state', '=', 'joined')
      .executeTakeFirst();
    const peer = await trx
      .selectFrom('chat_peers')
      .selectAll()
      .where('room_id', '=', roomId)
      .where('server', '=', server)
      .executeTakeFirst();
    if (Number(joined?.n ?? 0) > 0) {
      if (!peer)
        await trx
          .insertInto('chat_peers')
          .values({ room_id: roomId, server, acked_seq: 0, active: 1, until_seq: null })
          .execute();
      else if (!Number(peer.active))
        await trx
          .updateTable('chat_peers')
          .set({ active: 1, until_seq: null })
          .where('room_id', '=', roomId)
          .where('server', '=', server)
          .execute();
    } else if (peer && Number(peer.active)) {
      await trx
        .updateTable('chat_peers')
        .set({ active: 0, until_seq: seq })
        .where('room_id', '=', roomId)
        .where('server', '=', server)
        .execute();
    }
  }

  /** Servers that should receive a room's events (members now, or a removal still to deliver). */
  async serversOf(roomId: string, onlyActive = false): Promise<string[]> {
    const { rows } = await (onlyActive ? ACTIVE_SERVERS : STREAM_SERVERS).execute(this.#db, [roomId]);
    return rows.map((r) => String(r.server));
  }

  /** Queues a push to every server of the room but `except`; waiting pushes absorb it (coalesced per server). */
  async kick(roomId: string, except?: string): Promise<void> {
    const cached = this.#servers.get(roomId);
    let servers = cached && Date.now() - cached.at < SERVERS_TTL_MS ? cached.servers : null;
    if (!servers) {
      servers = await this.serversOf(roomId);
      this.#servers.set(roomId, { servers, at: Date.now() });
    }
    for (const server of servers) if (server !== except) await this.#enqueue(server);
  }

  /** Forgets a room's cached server list (after membership changed or a departed server caught up). */
  invalidate(roomId: string): void {
    this.#servers.delete(roomId);
  }

  /** Queues a push to every server that is behind (after a restart, or after pushes were given up). */
  async sweep(): Promise<void> {
    const rows = await this.#db
      .selectFrom('chat_peers as p')
      .innerJoin('chat_rooms as r', 'r.id', 'p.room_id')
      .select(['p.server', 'p.room_id', 'p.acked_seq', 'p.active', 'p.until_seq', 'r.last_seq'])
      .execute();
    const behind = new Set(
      rows.filter((p) => endOf(p as unknown as PeerRow) > Number(p.acked_seq)).map((p) => String(p.server)),
    );
    for (const server of behind) await this.#enqueue(server, true);
  }

  async #enqueue(server: string, force = false): Promise<void> {
    const since = this.#waiting.get(server);
    if (!force && since !== undefined && Date.now() - since < WAITING_MS) return;
    this.#waiting.set(server, Date.now());
    try {
      await this.#outbox.enqueue({
        destination: server,
        kind: EVENTS_KIND,
        path: `${S2S_BASE}/events`,
        base: 'origin',
        body: {},
        ref: 'stream',
        coalesce: true,
      });
    } catch (err) {
      // Nothing was queued: the next event (or the sweep) must try again.
      this.#waiting.delete(server);
      throw err;
    }
  }

  /** The rooms whose stream to `server` is behind (see endOf): a push reads these, not every room it shares. */
  async #behind(server: string): Promise<PeerRow[]> {
    const { rows } = await BEHIND.execute(this.#db, [server]);
    const peers = rows.map((r) => ({
      room_id: String(r.room_id),
      acked_seq: this.#acking.get(`${server} ${String(r.room_id)}`) ?? Number(r.acked_seq),
      active: Number(r.active),
      until_seq: r.until_seq === null ? null : Number(r.until_seq),
      last_seq: Number(r.last_seq),
    }));
    // Behind by the stored acknowledgement but not by one still being committed: not behind.
    return peers.filter((p) => endOf(p) > p.acked_seq);
  }

  async #build(server: string): Promise<EventsPush | null> {
    await this.#pacer.wait(server);
    this.#waiting.delete(server);
    let budget = this.#batch;
    const rooms: EventsPush['rooms'] = [];
    for (const p of await this.#behind(server)) {
      const end = endOf(p);
      if (end <= p.acked_seq || budget <= 0) continue;
      const rows = await eventsAfter(this.#db, p.room_id, p.acked_seq, budget, end);
      if (rows.length === 0) continue;
      budget -= rows.length;
      rooms.push({ roomId: p.room_id, lastSeq: end, events: rows.map((r) => toEvent(r, p.room_id)) });
    }
    return rooms.length ? { rooms } : null;
  }

  /** Records what the server applied; pushes again if it is still behind and made progress. */
  async #acked(server: string, sent: EventsPush, reply: EventsPushReply | null): Promise<void> {
    const applied = new Map((reply?.rooms ?? []).map((r) => [r.roomId, r.applied]));
    // Every room sent was behind when the push was built, and nothing else moves its acknowledgement meanwhile
    // (one push per server at a time), so the rooms behind now include all of them.
    const peers = new Map((await this.#behind(server)).map((p) => [p.room_id, p]));
    const updates: Array<{ roomId: string; next: number }> = [];
    let again = false;
    for (const room of sent.rooms) {
      const p = peers.get(room.roomId);
      if (!p) continue;
      const end = endOf(p);
      const sentMax = room.events.at(-1)?.seq ?? p.acked_seq;
      const a = applied.get(room.roomId);
      // The receiver's own count is the truth (it may have lost a mirror and need the log again);
      // a receiver that has no such room is done with it.
      const next = typeof a === 'number' && Number.isSafeInteger(a) && a >= 0 ? Math.min(a, end) : sentMax;
      updates.push({ roomId: room.roomId, next });
      if (next < end && next !== p.acked_seq) again = true;
      if (!p.active && next >= end) this.invalidate(room.roomId);
    }
    // One transaction for the whole push (the commit queue's, shared with whatever else is committing), not waited
    // for: until it commits, #behind reads these acknowledgements from #acking. Submission order is commit order, so
    // a later push's acknowledgement is never overwritten by an earlier one's; if the commit fails, the next push
    // resends from the last committed acknowledgement (receivers skip what they hold).
    if (updates.length) {
      for (const u of updates) this.#acking.set(`${server} ${u.roomId}`, u.next);
      const settle = (): void => {
        for (const u of updates) {
          const key = `${server} ${u.roomId}`;
          if (this.#acking.get(key) === u.next) this.#acking.delete(key);
        }
      };
      this.#commits
        .submit(async (trx) => {
          for (const u of updates) await ACK.execute(trx, [u.next, u.roomId, server]);
        })
        .then(settle, (err: unknown) => {
          settle();
          this.#log.warn({ err, server }, 'chat stream acknowledgement not stored; the next push resends');
        });
    }
    // A room that had nothing to send when this push was built may have events now, committed by another app
    // node whose own "push queued" note still covers this one: send them now rather than at its next event.
    const sentRooms = new Set(sent.rooms.map((r) => r.roomId));
    for (const p of peers.values()) if (!sentRooms.has(p.room_id)) again = true;
    if (again) await this.#enqueue(server);
  }
}
