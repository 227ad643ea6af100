import type { Kysely } from 'kysely';
import {
  formatAddress,
  InputError,
  NotAllowedError,
  NotFoundError,
  parseAddress,
  type Logger,
  type RemoteClient,
  type User,
} from '#core';
import { text } from './action-input.ts';
import { EphemeralRelay, type EphemeralNotice } from './ephemeral-relay.ts';
import type { FanOut } from './fanout.ts';
import type { HostService } from './host-service.ts';
import { S2S_BASE, type HostStream } from './host-stream.ts';
import type { KeyedLock } from './keyed-lock.ts';
import type { MirrorService } from './mirror-service.ts';
import type { RoomRoutes } from './room-routes.ts';
import { getMember, getRoom, joinedRoomIds, splitAddress, type MemberRow, type RoomRow } from './room-store.ts';
import {
  CHAT_LIMITS,
  type ActResult,
  type CatchUpResult,
  type ChatAction,
  type ChatEvent,
  type RoomDetail,
  type RoomKind,
  type RoomSummary,
  type TimelinePage,
} from './shared.ts';
import type { TimelineQueries } from './timeline-queries.ts';
import { CHAT_ERRORS } from './error-codes.ts';
import type { ChatTables } from './tables.ts';

/** Everything the chat service needs. */
export interface ChatServiceDeps {
  db: Kysely<ChatTables>;
  selfHost: () => string;
  host: HostService;
  mirror: MirrorService;
  stream: HostStream;
  timeline: TimelineQueries;
  fanout: FanOut;
  remote: RemoteClient;
  locks: KeyedLock;
  routes: RoomRoutes;
  log: Logger;
}

export type { EphemeralNotice } from './ephemeral-relay.ts';

const END_STATES = new Set(['member.left', 'member.removed', 'member.declined']);
/** How often a server re-announces its online users to the servers of their rooms. */
export const PRESENCE_REFRESH_MS = 60_000;
const PRESENCE_TTL_MS = 2.5 * PRESENCE_REFRESH_MS;

/**
 * What local users do with chat, whatever server hosts the room: reads are local; actions go to the
 * host service when the room lives here and to the mirror's outbound stream when it lives elsewhere.
 */
export class ChatService {
  readonly #d: ChatServiceDeps;
  // Remote members with a live session somewhere, as their servers last told us, until when.
  readonly #remoteOnline = new Map<string, number>();
  // `room address` of remote members this server last told its sessions (of that room) were online.
  readonly #shownOnline = new Set<string>();
  readonly #relayed: EphemeralRelay;

  constructor(deps: ChatServiceDeps) {
    this.#d = deps;
    this.#relayed = new EphemeralRelay(deps.remote, deps.log);
  }

  /** The OCM address of a local user. */
  address(userId: string): string {
    return formatAddress(userId, this.#d.selfHost());
  }

  /** `alice` or `alice@this-host` → local address; `bob@other` → validated remote address. */
  normalizeAddress(raw: string): string {
    const s = raw.trim();
    if (!s.includes('@')) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s))
        throw new InputError(
          'not a user id or address',
          [{ name: 'address', message: 'INVALID_FORMAT' }],
          'INVALID_ADDRESS',
        );
      return this.address(s);
    }
    const a = parseAddress(s, 'address');
    return formatAddress(a.id, a.host);
  }

  /** The room and the caller's membership; non-members learn nothing, former members get NOT_MEMBER. */
  async access(userId: string, roomId: string, allowInvited = false): Promise<{ room: RoomRow; me: MemberRow }> {
    const room = typeof roomId === 'string' ? await getRoom(this.#d.db, roomId) : null;
    const me = room ? await getMember(this.#d.db, room.id, this.address(userId)) : null;
    if (!room || !me) throw new NotFoundError('no such room', CHAT_ERRORS.ROOM_NOT_FOUND);
    if (me.state !== 'joined' && !(allowInvited && me.state === 'invited'))
      throw new NotAllowedError('you are not a member of this room', CHAT_ERRORS.NOT_MEMBER);
    return { room, me };
  }

  /** The user's rooms with unread counts. */
  async listRooms(userId: string): Promise<RoomSummary[]> {
    const out: RoomSummary[] = [];
    for (const id of await joinedRoomIds(this.#d.db, userId)) {
      const room = await getRoom(this.#d.db, id);
      if (room) out.push(await this.#d.timeline.summary(room, this.address(userId)));
    }
    return out.sort((a, b) => (b.lastMessage?.ts ?? 0) - (a.lastMessage?.ts ?? 0));
  }

  /** Mutes or unmutes a room for one member (their own setting; no event, nothing reaches other servers). */
  async setMuted(userId: string, roomId: string, muted: boolean): Promise<RoomSummary> {
    const { room } = await this.access(userId, roomId);
    const address = this.address(userId);
    const db = this.#d.db;
    await db.deleteFrom('chat_mutes').where('room_id', '=', room.id).where('address', '=', address).execute();
    if (muted) await db.insertInto('chat_mutes').values({ room_id: room.id, address }).execute();
    const summary = await this.#d.timeline.summary(room, address);
    this.#d.fanout.join(userId, room.id, summary); // the user's other tabs follow
    return summary;
  }

  /** One room with its members and their presence. */
  async detail(userId: string, roomId: string): Promise<RoomDetail> {
    const { room } = await this.access(userId, roomId);
    return this.#d.timeline.detail(room, this.address(userId), (a) => this.isOnline(a));
  }

  /** Creates a group room or a one-to-one conversation (returning the existing one for the same pair). */
  async create(
    user: User,
    raw: Record<string, unknown>,
  ): Promise<{ room: RoomSummary; failed: Array<{ address: string; code: string; message: string }> }> {
    const kind: RoomKind =
      raw.kind === undefined || raw.kind === 'group'
        ? 'group'
        : raw.kind === 'direct'
          ? 'direct'
          : (() => {
              throw new InputError('kind must be group or direct');
            })();
    if (raw.members !== undefined && (!Array.isArray(raw.members) || raw.members.length > 100))
      throw new InputError('members must be a list of at most 100 addresses');
    const me = this.address(user.id);
    const members = [
      ...new Set(((raw.members ?? []) as unknown[]).map((m) => this.normalizeAddress(String(m)))),
    ].filter((a) => a !== me);
    if (kind === 'direct') {
      if (members.length !== 1) throw new InputError('a one-to-one conversation has exactly one other member');
      const existing = await this.#existingDirect(me, members[0] as string);
      if (existing) return { room: await this.#d.timeline.summary(existing, me), failed: [] };
    }
    const name = kind === 'group' ? text(raw.name, 'name', CHAT_LIMITS.name) : '';
    const topic = raw.topic === undefined ? '' : text(raw.topic, 'topic', CHAT_LIMITS.topic, { allowEmpty: true });
    const { room, failed } = await this.#d.host.createRoom(user, { name, topic, kind, members });
    return { room: await this.#d.timeline.summary(room, me), failed };
  }

  async #existingDirect(a: string, b: string): Promise<RoomRow | null> {
    const row = await this.#d.db
      .selectFrom('chat_members as m1')
      .innerJoin('chat_members as m2', 'm2.room_id', 'm1.room_id')
      .innerJoin('chat_rooms as r', 'r.id', 'm1.room_id')
      .select('r.id')
      .where('r.kind', '=', 'direct')
      .where('m1.address', '=', a)
      .where('m1.state', '=', 'joined')
      .where('m2.address', '=', b)
      .where('m2.state', 'in', ['joined', 'invited'])
      .executeTakeFirst();
    return row ? getRoom(this.#d.db, String(row.id)) : null;
  }

  /**
   * Performs an action for a local user. One user's actions in a room are handled one after another in the
   * order they arrived, so the host orders them as sent even when they travel through a mirror.
   */
  act(userId: string, roomId: string, clientMsgId: string, action: ChatAction): Promise<ActResult> {
    return this.#d.locks.run(`act:${roomId}:${userId}`, async () => {
      const route = typeof roomId === 'string' ? await this.#d.routes.route(roomId) : null;
      if (!route) throw new NotFoundError('no such room', CHAT_ERRORS.ROOM_NOT_FOUND);
      const actor = this.address(userId);
      const normalized = (
        'address' in action ? { ...action, address: this.normalizeAddress(action.address) } : action
      ) as ChatAction;
      if (route.host === null) {
        // The host checks membership and rights inside the transaction that orders the action.
        const out = await this.#d.host.act(roomId, actor, clientMsgId, normalized);
        const ev = out.events[0];
        return { queued: false, seq: ev?.seq ?? null, eventId: ev?.eventId ?? null };
      }
      const { room } = await this.access(userId, roomId, action.type === 'leave');
      await this.#d.mirror.forward(room, actor, clientMsgId, normalized);
      return { queued: true, seq: null, eventId: null };
    });
  }

  /** History before a seq, oldest first. */
  async history(userId: string, roomId: string, before: number | null, limit: number): Promise<TimelinePage> {
    const { room } = await this.access(userId, roomId);
    return this.#d.timeline.history(room.id, before, limit);
  }

  /** Messages containing a text. */
  async search(
    userId: string,
    roomId: string,
    query: string,
    before: number | null,
    limit: number,
  ): Promise<TimelinePage> {
    const { room } = await this.access(userId, roomId);
    return this.#d.timeline.search(room.id, text(query, 'q', 200), before, limit);
  }

  /** Events after a seq, for a client that reconnects or saw a gap. */
  async catchUp(userId: string, roomId: string, after: number, limit: number): Promise<CatchUpResult> {
    const { room } = await this.access(userId, roomId);
    return this.#d.timeline.catchUp(room, after, limit);
  }

  /** Whether an address has a live session (local) or was last reported online (remote). */
  isOnline(address: string): boolean {
    const { id, host } = splitAddress(address);
    return host === this.#d.selfHost()
      ? this.#d.fanout.isOnline(id)
      : (this.#remoteOnline.get(address) ?? 0) > Date.now();
  }

  /** Relays a typing or presence change: to local sessions now, and best effort to the other servers. */
  async ephemeral(
    userId: string,
    roomId: string,
    kind: EphemeralNotice['kind'],
    on: boolean,
    exceptSocket?: string,
  ): Promise<void> {
    const { room } = await this.access(userId, roomId);
    const address = this.address(userId);
    this.#localEphemeral(room.id, kind, address, on, exceptSocket);
    if (room.host === null) await this.#relay(room, kind, address, on, null);
    else this.#post(room.host, { roomId: String(room.remote_id), secret: room.secret, kind, address, on });
  }

  /** Tells every room the user is in that they came online or went offline. */
  async presence(userId: string, online: boolean): Promise<void> {
    for (const id of await joinedRoomIds(this.#d.db, userId))
      await this.ephemeral(userId, id, 'presence', online).catch(() => {});
  }

  /** A typing or presence notice from another server: from a member's server to the host, or from the host. */
  async receiveEphemeral(peerHost: string, n: EphemeralNotice): Promise<void> {
    const { db } = this.#d;
    if (typeof n?.roomId !== 'string' || typeof n.address !== 'string' || !['typing', 'presence'].includes(n.kind))
      throw new InputError('invalid notice');
    const hosted = await getRoom(db, n.roomId);
    if (hosted && hosted.host === null) {
      const member = await getMember(db, hosted.id, n.address);
      if (n.secret !== hosted.secret || splitAddress(n.address).host !== peerHost || member?.state !== 'joined')
        throw new NotAllowedError('not a member of this room', CHAT_ERRORS.NOT_MEMBER);
      this.#localEphemeral(hosted.id, n.kind, n.address, Boolean(n.on));
      return this.#relay(hosted, n.kind, n.address, Boolean(n.on), peerHost);
    }
    const mirror = await db
      .selectFrom('chat_rooms')
      .select('id')
      .where('host', '=', peerHost)
      .where('remote_id', '=', n.roomId)
      .executeTakeFirst();
    if (!mirror) throw new NotFoundError('no such room', CHAT_ERRORS.ROOM_NOT_FOUND);
    this.#localEphemeral(String(mirror.id), n.kind, n.address, Boolean(n.on));
  }

  #localEphemeral(
    roomId: string,
    kind: EphemeralNotice['kind'],
    address: string,
    on: boolean,
    exceptSocket?: string,
  ): void {
    if (kind === 'typing') return this.#d.fanout.typing({ roomId, address, typing: on }, exceptSocket);
    if (splitAddress(address).host !== this.#d.selfHost()) {
      // Servers re-announce every PRESENCE_REFRESH_MS; a server that went away stops counting after a while.
      if (on) this.#remoteOnline.set(address, Date.now() + PRESENCE_TTL_MS);
      else this.#remoteOnline.delete(address);
      // A re-announcement (every online user, every PRESENCE_REFRESH_MS) is no news to the sessions here: only a
      // change is sent to them (at 1,000 users that was 1,000 room broadcasts a minute for nothing).
      const key = `${roomId} ${address}`;
      if (on === this.#shownOnline.has(key)) return;
      if (on) this.#shownOnline.add(key);
      else this.#shownOnline.delete(key);
    }
    this.#d.fanout.presence([roomId], address, on);
  }

  async #relay(
    room: RoomRow,
    kind: EphemeralNotice['kind'],
    address: string,
    on: boolean,
    except: string | null,
  ): Promise<void> {
    for (const server of await this.#d.stream.serversOf(room.id, true)) {
      if (server !== except) this.#post(server, { roomId: room.id, secret: room.secret, kind, address, on });
    }
  }

  #post(server: string, n: EphemeralNotice): void {
    // Best effort by design: a typing notice that arrives late is worse than none. Batched per server.
    this.#relayed.send(server, n);
  }

  /**
   * Local consequences of stored events: local members' sessions enter or leave the room; a member who
   * joins from another server gets the room's current presence (it was announced before they were there).
   */
  async afterEvents(room: RoomRow, events: ChatEvent[]): Promise<void> {
    const self = this.#d.selfHost();
    for (const ev of events) {
      if (!ev.type.startsWith('member.')) continue;
      const { id, host } = splitAddress((ev.data as { address: string }).address);
      if (host !== self) {
        if (ev.type === 'member.joined' && room.host === null) await this.#presenceSnapshot(room, host);
        continue;
      }
      if (ev.type === 'member.joined') {
        this.#d.fanout.join(id, room.id, await this.#d.timeline.summary(room, this.address(id)));
        if (this.#d.fanout.isOnline(id)) await this.ephemeral(id, room.id, 'presence', true).catch(() => {});
      } else if (END_STATES.has(ev.type)) this.#d.fanout.leave(id, room.id);
    }
  }

  /** Tells a member server who in a hosted room is online now. */
  async #presenceSnapshot(room: RoomRow, server: string): Promise<void> {
    const members = await this.#d.db
      .selectFrom('chat_members')
      .select('address')
      .where('room_id', '=', room.id)
      .where('state', '=', 'joined')
      .execute();
    for (const { address } of members) {
      const a = String(address);
      if (splitAddress(a).host !== server && this.isOnline(a))
        this.#post(server, { roomId: room.id, secret: room.secret, kind: 'presence', address: a, on: true });
    }
  }

  /** Greets every server we share a room with (after a restart), so their queued pushes to us resume now. */
  async greetPeers(): Promise<void> {
    const { db, remote } = this.#d;
    const peers = await db.selectFrom('chat_peers').select('server').distinct().where('active', '=', 1).execute();
    const hosts = await db.selectFrom('chat_rooms').select('host').distinct().where('host', 'is not', null).execute();
    const servers = new Set([...peers.map((p) => String(p.server)), ...hosts.map((h) => String(h.host))]);
    await Promise.all(
      [...servers].map((s) =>
        remote.post(s, `${S2S_BASE}/hello`, {}, { base: 'origin', timeoutMs: 5000 }).catch(() => null),
      ),
    );
  }

  /** Re-announces every online local user (so remote presence survives restarts and expires when we go away). */
  async refreshPresence(): Promise<void> {
    // Other servers only (local sessions heard it when the user connected), and the loop gets a turn between
    // users: with better-sqlite3 the queries answer in microtasks, so a thousand users were one long stall.
    const { db } = this.#d;
    let n = 0;
    for (const userId of this.#d.fanout.onlineUsers()) {
      const address = this.address(userId);
      for (const id of await joinedRoomIds(db, userId)) {
        const room = await getRoom(db, id);
        if (!room) continue;
        if (room.host !== null)
          this.#post(room.host, {
            roomId: String(room.remote_id),
            secret: room.secret,
            kind: 'presence',
            address,
            on: true,
          });
        else await this.#relay(room, 'presence', address, true, null);
      }
      if (++n % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
