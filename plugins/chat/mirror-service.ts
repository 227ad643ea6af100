import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { PreparedQuery, type IncomingShare, type Logger, type PluginContext, type RemoteClient } from '#core';
import { storeEvent } from './event-apply.ts';
import { isValidEvent } from './event-validate.ts';
import type { FanOut } from './fanout.ts';
import { S2S_BASE, type EventsPush, type EventsPushReply } from './host-stream.ts';
import type { CommitQueue } from './commit-queue.ts';
import { ActionStream } from './action-stream.ts';
import type { RoomRoutes } from './room-routes.ts';
import { findMirror, getRoom, lockRoom, splitAddress, type RoomRow } from './room-store.ts';
import type { ChatAction, ChatEvent } from './shared.ts';
import { CHAT_ERRORS } from './error-codes.ts';
import type { ChatTables } from './tables.ts';

/** Answer of the host's pull route. */
export interface PullReply {
  events: ChatEvent[];
  lastSeq: number;
  more: boolean;
}

export { ACTIONS_KIND, type ActionsPush, type ActionsReply } from './action-stream.ts';

/** Everything the mirror service needs from the plugin. */
export interface MirrorDeps {
  db: Kysely<ChatTables>;
  postgres: boolean;
  selfHost: () => string;
  commits: CommitQueue;
  routes: RoomRoutes;
  fanout: FanOut;
  remote: RemoteClient;
  outbox: PluginContext['outbox'];
  log: Logger;
  displayName: (userId: string) => Promise<string>;
  afterEvents: (room: RoomRow, events: ChatEvent[]) => Promise<void>;
  /** Every stored event, for plugins that follow rooms (calls). */
  published: (roomId: string, events: ChatEvent[]) => Promise<void>;
  /** A local member's access ended without an event (their share ended). */
  accessEnded: (room: RoomRow, address: string) => Promise<void>;
  /** A local user's action the host refused. */
  refused: (f: { roomId: string; actor: string; actionId: string; code: string; message: string }) => void;
  /** Minimum spacing of action pushes to one host (see Pacer). */
  gapMs?: number;
}

const PULL_LIMIT = 500;

/** The prefix of a peer's events that is well-formed (applying stops at the first bad one). */
function validPrefix(events: unknown): ChatEvent[] {
  const out: ChatEvent[] = [];
  for (const e of Array.isArray(events) ? events : []) {
    if (!isValidEvent(e)) break;
    out.push(e);
  }
  return out;
}

// Every applied batch of events runs it (compiled once, see room-store.ts).
const SET_SEQ = new PreparedQuery(
  3,
  (_db, last, known, id) => sql`update chat_rooms set last_seq = ${last}, host_seq = ${known} where id = ${id}`,
);

/**
 * The member-server side of a room hosted elsewhere: a local copy of the host's log, applied strictly in
 * seq order (duplicates skipped, gaps pulled), and local users' actions sent to the host through a durable,
 * ordered outbox stream (one per host server).
 */
export class MirrorService {
  readonly #d: MirrorDeps;
  readonly #pulling = new Set<string>();
  readonly #pullAgain = new Set<string>();
  readonly #actions: ActionStream;

  constructor(deps: MirrorDeps) {
    this.#d = deps;
    this.#actions = new ActionStream(deps, (roomId, events) =>
      this.apply(roomId, events, Math.max(...events.map((e) => e.seq)), { pull: false }),
    );
  }

  /** Stores a local user's action for the host (durable before the user is told "queued"), then sends. */
  forward(room: RoomRow, actor: string, actionId: string, action: ChatAction): Promise<void> {
    return this.#actions.forward(room, actor, actionId, action);
  }

  /** Applies a host's event push; the reply tells the host what each mirror now has. */
  async receive(peerHost: string, push: EventsPush): Promise<EventsPushReply> {
    const entries = (Array.isArray(push?.rooms) ? push.rooms : []).filter((e) => typeof e?.roomId === 'string');
    // Looked up by (pusher, room id): a server can only ever feed rooms it hosts.
    const ids = await Promise.all(entries.map((e) => this.#d.routes.mirrorId(peerHost, e.roomId)));
    // Every room's batch goes to the commit queue at once: they share its transactions (one commit per push).
    const applied = await Promise.all(
      entries.map((e, i) => {
        const mirrorId = ids[i];
        const hostSeq = Number.isSafeInteger(e.lastSeq) ? e.lastSeq : 0;
        return mirrorId ? this.apply(mirrorId, validPrefix(e.events), hostSeq, { pull: true }) : null;
      }),
    );
    return { rooms: entries.map((e, i) => ({ roomId: e.roomId, applied: applied[i]?.applied ?? null })) };
  }

  /**
   * Applies host events in seq order: seqs already held are skipped, the next one is stored, and a gap stops
   * the batch (then the missing range is pulled). Returns the last contiguous seq held.
   */
  async apply(
    roomId: string,
    events: ChatEvent[],
    hostSeq: number,
    opts: { pull: boolean },
  ): Promise<{ applied: number; gap: boolean } | null> {
    const { postgres, commits, fanout, selfHost, log } = this.#d;
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    const room = { id: roomId };
    // Isolated: events from a faulty host that break a constraint undo this room's batch alone.
    const r = await commits
      .submit(
        async (trx) => {
          const stored: ChatEvent[] = [];
          const cur = await lockRoom(trx, room.id, postgres);
          if (!cur || cur.host === null) return null;
          let last = cur.last_seq;
          for (const ev of sorted) {
            if (ev.seq <= last) continue;
            if (ev.seq !== last + 1) break;
            const local = { ...ev, roomId: room.id } as ChatEvent;
            await storeEvent(trx, room.id, local, selfHost());
            stored.push(local);
            last = ev.seq;
          }
          const known = Math.max(cur.host_seq, hostSeq, last);
          // A repeat (the host's push after its answer already applied the events) changes nothing.
          if (last !== cur.last_seq || known !== cur.host_seq) {
            await SET_SEQ.execute(trx, [last, known, room.id]);
          }
          return { applied: last, gap: known > last, stored };
        },
        { isolated: CHAT_ERRORS.CHAT_EVENTS_REJECTED },
      )
      .catch((err: Error) => {
        log.warn({ roomId, err: err.message }, 'events from the host could not be stored');
        return null;
      });
    if (!r) return null;
    const { stored } = r;
    fanout.events(room.id, stored);
    if (stored.length) {
      // Followers first: the last local member leaving drops the mirror, and they must still see why.
      await this.#d.published(room.id, stored);
      await this.#afterApply(room.id, stored);
    }
    if (r.gap && opts.pull) void this.pull(room.id);
    return { applied: r.applied, gap: r.gap };
  }

  async #afterApply(roomId: string, stored: ChatEvent[]): Promise<void> {
    if (!stored.some((e) => e.type.startsWith('member.'))) return;
    const room = { id: roomId };
    const fresh = await getRoom(this.#d.db, room.id);
    if (!fresh) return;
    await this.#d.afterEvents(fresh, stored);
    const self = this.#d.selfHost();
    const lostLocal = stored.some(
      (e) =>
        ['member.left', 'member.removed', 'member.declined'].includes(e.type) &&
        splitAddress((e.data as { address: string }).address).host === self,
    );
    if (lostLocal) await this.#dropIfUnused(room.id);
  }

  /** Fetches everything after the mirror's last seq from the host ("events after N"), until caught up. */
  async pull(roomId: string): Promise<void> {
    if (this.#pulling.has(roomId)) {
      this.#pullAgain.add(roomId);
      return;
    }
    this.#pulling.add(roomId);
    try {
      for (let round = 0; round < 10_000; round++) {
        const room = await getRoom(this.#d.db, roomId);
        if (!room || room.host === null) return;
        const res = await this.#d.remote.post(
          room.host,
          `${S2S_BASE}/pull`,
          { roomId: room.remote_id, secret: room.secret, after: room.last_seq, limit: PULL_LIMIT },
          { base: 'origin', timeoutMs: 15_000 },
        );
        if (res.status !== 200) {
          this.#d.log.warn({ roomId, status: res.status, body: res.body }, 'chat pull refused');
          return;
        }
        const reply = res.body as PullReply;
        const r = await this.apply(room.id, validPrefix(reply?.events), Number(reply?.lastSeq) || 0, { pull: false });
        if (!r || r.applied === room.last_seq || !r.gap) return;
      }
    } catch (err) {
      this.#d.log.warn({ roomId, err: (err as Error).message }, 'chat pull failed');
    } finally {
      this.#pulling.delete(roomId);
      if (this.#pullAgain.delete(roomId)) void this.pull(roomId);
    }
  }

  /** A local user accepted a room share: create the mirror (or reuse it) and let them in. */
  async joinFromShare(share: IncomingShare): Promise<RoomRow | null> {
    const { db, selfHost } = this.#d;
    const arm = share.protocol.protocols.chat ?? {};
    const remoteId = String(arm.roomId ?? arm.uri ?? '');
    if (!remoteId || typeof arm.roomSecret !== 'string') return null;
    await db
      .insertInto('chat_rooms')
      .values({
        id: randomUUID(),
        host: share.senderHost.toLowerCase(),
        remote_id: remoteId,
        kind: arm.kind === 'direct' ? 'direct' : 'group',
        name: share.name,
        topic: share.description ?? '',
        created_by: share.owner,
        created_at: Date.now(),
        last_seq: 0,
        host_seq: 0,
        secret: arm.roomSecret,
      })
      .onConflict((oc) => oc.columns(['host', 'remote_id']).doNothing())
      .execute();
    const room = await findMirror(db, share.senderHost, remoteId);
    if (!room) return null;
    const address = `${share.recipientId}@${selfHost()}`;
    const display_name = await this.#d.displayName(share.recipientId);
    await db
      .insertInto('chat_members')
      .values({
        room_id: room.id,
        address,
        user_id: share.recipientId,
        server: selfHost(),
        role: 'member',
        state: 'joined',
        display_name,
        share_id: share.id,
        updated_at: Date.now(),
      })
      .onConflict((oc) => oc.columns(['room_id', 'address']).doUpdateSet({ state: 'joined', share_id: share.id }))
      .execute();
    return room;
  }

  /** A local user's share of a remote room ended (declined, left, revoked): their access ends now. */
  async shareEnded(share: IncomingShare): Promise<void> {
    const arm = share.protocol.protocols.chat ?? {};
    const room = await findMirror(this.#d.db, share.senderHost, String(arm.roomId ?? arm.uri ?? ''));
    if (!room) return;
    const address = `${share.recipientId}@${this.#d.selfHost()}`;
    await this.#d.accessEnded(room, address);
    await this.#d.db
      .updateTable('chat_members')
      .set({ state: share.state === 'declined' ? 'declined' : 'left', updated_at: Date.now() })
      .where('room_id', '=', room.id)
      .where('address', '=', address)
      .where('state', 'in', ['joined', 'invited'])
      .execute();
    this.#d.fanout.leave(share.recipientId, room.id);
    await this.#dropIfUnused(room.id);
  }

  /** With no local member left, the copy of the room is deleted: the data stays on its host. */
  async #dropIfUnused(roomId: string): Promise<void> {
    const dropped = await this.#d.commits.submit(async (trx) => {
      const local = await trx
        .selectFrom('chat_members')
        .select('address')
        .where('room_id', '=', roomId)
        .where('user_id', 'is not', null)
        .where('state', '=', 'joined')
        .limit(1)
        .executeTakeFirst();
      if (local) return false;
      for (const t of [
        'chat_events',
        'chat_messages',
        'chat_reactions',
        'chat_reads',
        'chat_members',
        'chat_outbound',
        'chat_calls',
        'chat_mutes',
      ] as const)
        await trx.deleteFrom(t).where('room_id', '=', roomId).execute();
      await trx.deleteFrom('chat_rooms').where('id', '=', roomId).where('host', 'is not', null).execute();
      return true;
    });
    if (dropped) this.#d.routes.forget(roomId);
  }

  /** Restart and periodic recovery: resend waiting actions; on start, also pull every mirror's missed events. */
  async sweep(opts: { pullAll: boolean }): Promise<void> {
    await this.#actions.resendAll();
    if (!opts.pullAll) return;
    const rooms = await this.#d.db.selectFrom('chat_rooms').select('id').where('host', 'is not', null).execute();
    for (const r of rooms) await this.pull(String(r.id));
  }
}
