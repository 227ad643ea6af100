import type { Kysely } from 'kysely';
import type { Logger } from '#core';
import type { CallAction, CallState, CallSystemAction } from './call-types.ts';
import type { ChatService } from './chat-service.ts';
import { readCall } from './event-apply.ts';
import type { HostService } from './host-service.ts';
import type { ChatApi, ChatMemberRef, ChatRoomRef, RefusedCallAction } from './public-api.ts';
import {
  findMirror,
  getHostedRoom,
  getMember,
  getRoom,
  joinedRoomIds,
  toEvent,
  type EventRow,
  type RoomRow,
} from './room-store.ts';
import type { ChatEvent } from './shared.ts';
import type { ChatTables } from './tables.ts';

type Listener = (room: ChatRoomRef, events: ChatEvent[]) => void | Promise<void>;

/** Only these events concern other plugins: the rest (messages, reactions, reads) never leave chat. */
function concerns(e: ChatEvent): boolean {
  return e.type.startsWith('call.') || e.type.startsWith('member.');
}

/**
 * The chat plugin's published API (`ChatApi`, see public-api.ts) and the hub that hands stored room events to
 * the plugins following them. Listeners run after commit, one room batch at a time, and never block chat: a
 * failing listener is logged.
 */
export class RoomApi implements ChatApi {
  readonly #db: Kysely<ChatTables>;
  readonly #selfHost: () => string;
  readonly #log: Logger;
  readonly #listeners = new Set<Listener>();
  readonly #refusals = new Set<(f: RefusedCallAction) => void>();
  readonly #gone = new Set<(room: ChatRoomRef, address: string) => void | Promise<void>>();
  #host: HostService | null = null;
  #chat: ChatService | null = null;

  constructor(db: Kysely<ChatTables>, selfHost: () => string, log: Logger) {
    this.#db = db;
    this.#selfHost = selfHost;
    this.#log = log;
  }

  /** Binds the services (they are built after the hub, which they report to). */
  bind(host: HostService, chat: ChatService): void {
    this.#host = host;
    this.#chat = chat;
  }

  #ref(row: RoomRow): ChatRoomRef {
    return {
      id: row.id,
      host: row.host ?? this.#selfHost(),
      hostRoomId: row.remote_id ?? row.id,
      hosted: row.host === null,
      kind: row.kind,
      name: row.name,
    };
  }

  async room(roomId: string): Promise<ChatRoomRef | null> {
    const row = typeof roomId === 'string' ? await getRoom(this.#db, roomId) : null;
    return row ? this.#ref(row) : null;
  }

  async roomOnHost(host: string, hostRoomId: string): Promise<ChatRoomRef | null> {
    if (typeof host !== 'string' || typeof hostRoomId !== 'string') return null;
    const row =
      host.toLowerCase() === this.#selfHost()
        ? await getHostedRoom(this.#db, hostRoomId)
        : await findMirror(this.#db, host, hostRoomId);
    return row ? this.#ref(row) : null;
  }

  async members(roomId: string): Promise<ChatMemberRef[]> {
    const rows = await this.#db
      .selectFrom('chat_members')
      .select(['address', 'display_name', 'role', 'server'])
      .where('room_id', '=', roomId)
      .where('state', '=', 'joined')
      .orderBy('address')
      .execute();
    return rows.map((r) => ({
      address: String(r.address),
      displayName: String(r.display_name),
      role: r.role,
      local: String(r.server) === this.#selfHost(),
    }));
  }

  async isMember(roomId: string, address: string): Promise<boolean> {
    return (await getMember(this.#db, roomId, address))?.state === 'joined';
  }

  roomIdsOf(userId: string): Promise<string[]> {
    return joinedRoomIds(this.#db, userId);
  }

  activeCall(roomId: string): Promise<CallState | null> {
    return readCall(this.#db, roomId);
  }

  async activeCalls(): Promise<Array<{ room: ChatRoomRef; call: CallState }>> {
    const rows = await this.#db.selectFrom('chat_calls').select(['room_id', 'state']).execute();
    const out: Array<{ room: ChatRoomRef; call: CallState }> = [];
    for (const r of rows) {
      const room = await getRoom(this.#db, String(r.room_id));
      if (room) out.push({ room: this.#ref(room), call: JSON.parse(String(r.state)) as CallState });
    }
    return out;
  }

  setCallPlanner(planner: Parameters<ChatApi['setCallPlanner']>[0]): void {
    this.#host?.setCallPlanner(planner);
  }

  async actCall(userId: string, roomId: string, actionId: string, action: CallAction) {
    const r = await (this.#chat as ChatService).act(userId, roomId, actionId, { type: 'call', call: action });
    if (r.queued || r.eventId === null) return { queued: r.queued, event: null };
    const row = await this.#db
      .selectFrom('chat_events')
      .selectAll()
      .where('room_id', '=', roomId)
      .where('event_id', '=', r.eventId)
      .executeTakeFirst();
    return { queued: false, event: row ? toEvent(row as EventRow, roomId) : null };
  }

  async systemCall(
    roomId: string,
    actor: string,
    actionId: string,
    action: CallSystemAction,
  ): Promise<ChatEvent | null> {
    const out = await (this.#host as HostService).callAct(roomId, actor, actionId, action, true);
    return out.events[0] ?? null;
  }

  onEvents(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  onMemberGone(listener: (room: ChatRoomRef, address: string) => void | Promise<void>): () => void {
    this.#gone.add(listener);
    return () => void this.#gone.delete(listener);
  }

  onRefused(listener: (f: RefusedCallAction) => void): () => void {
    this.#refusals.add(listener);
    return () => void this.#refusals.delete(listener);
  }

  /** Called by the host and mirror services after they committed events. */
  async published(roomId: string, events: ChatEvent[]): Promise<void> {
    if (this.#listeners.size === 0 && this.#gone.size === 0) return;
    const relevant = events.filter(concerns);
    if (relevant.length === 0) return;
    const row = await getRoom(this.#db, roomId);
    if (!row) return;
    const ref = this.#ref(row);
    for (const l of this.#listeners) {
      try {
        await l(ref, relevant);
      } catch (err) {
        this.#log.warn({ err, roomId }, 'a room event listener failed');
      }
    }
    for (const e of relevant)
      if (e.type === 'member.left' || e.type === 'member.removed') await this.#memberGone(ref, e.data.address);
  }

  /** Called by the mirror service when a local member's access ended without an event (their share ended). */
  async accessEnded(row: RoomRow, address: string): Promise<void> {
    await this.#memberGone(this.#ref(row), address);
  }

  async #memberGone(room: ChatRoomRef, address: string): Promise<void> {
    for (const l of this.#gone) {
      try {
        await l(room, address);
      } catch (err) {
        this.#log.warn({ err, roomId: room.id }, 'a member-gone listener failed');
      }
    }
  }

  /** Called by the mirror service when the host refused a call action. */
  refused(f: RefusedCallAction): void {
    for (const l of this.#refusals) l(f);
  }
}
