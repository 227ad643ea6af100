import { sql, type Kysely } from 'kysely';
import { readCall } from './event-apply.ts';
import {
  eventsAfter,
  getMember,
  listMembers,
  toEvent,
  type EventRow,
  type MemberRow,
  type RoomRow,
} from './room-store.ts';
import type { CatchUpResult, MemberView, RoomDetail, RoomSummary, TimelineItem, TimelinePage } from './shared.ts';
import { TIMELINE_TYPES } from './shared.ts';
import type { ChatTables } from './tables.ts';

/** Read-side queries: room lists, history pages, search and catch-up. All local, for hosted and mirrored rooms alike. */
export class TimelineQueries {
  readonly #db: Kysely<ChatTables>;
  readonly #selfHost: () => string;

  constructor(db: Kysely<ChatTables>, selfHost: () => string) {
    this.#db = db;
    this.#selfHost = selfHost;
  }

  /** A room as one member's room list shows it, with unread and mention counts. */
  async summary(room: RoomRow, address: string): Promise<RoomSummary> {
    const db = this.#db;
    const read = await db
      .selectFrom('chat_reads')
      .select('seq')
      .where('room_id', '=', room.id)
      .where('address', '=', address)
      .executeTakeFirst();
    const readUpTo = Number(read?.seq ?? 0);
    const unreadQ = db
      .selectFrom('chat_messages')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('room_id', '=', room.id)
      .where('seq', '>', readUpTo)
      .where('sender', '!=', address)
      .where('deleted', '=', 0);
    const [unread, mentions, last, me, others, call, mute] = await Promise.all([
      unreadQ.executeTakeFirst(),
      unreadQ.where('mentions', 'like', `%${JSON.stringify(address)}%`).executeTakeFirst(),
      db
        .selectFrom('chat_messages')
        .select(['event_id', 'sender', 'text', 'ts'])
        .where('room_id', '=', room.id)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst(),
      getMember(db, room.id, address),
      room.kind === 'direct'
        ? db
            .selectFrom('chat_members')
            .select('address')
            .where('room_id', '=', room.id)
            .where('address', '!=', address)
            .execute()
        : Promise.resolve([]),
      readCall(db, room.id),
      db
        .selectFrom('chat_mutes')
        .select('room_id')
        .where('room_id', '=', room.id)
        .where('address', '=', address)
        .executeTakeFirst(),
    ]);
    return {
      id: room.id,
      kind: room.kind,
      name: room.name,
      topic: room.topic,
      host: room.host ?? this.#selfHost(),
      hosted: room.host === null,
      lastSeq: room.last_seq,
      unread: Number(unread?.n ?? 0),
      mentions: Number(mentions?.n ?? 0),
      readUpTo,
      lastMessage: last
        ? { eventId: String(last.event_id), sender: String(last.sender), text: String(last.text), ts: Number(last.ts) }
        : null,
      peer: others[0] ? String(others[0].address) : null,
      myRole: me?.role ?? 'member',
      call,
      muted: mute !== undefined,
    };
  }

  /** The room with its members; `online` says which addresses have a live session. */
  async detail(room: RoomRow, address: string, online: (address: string) => boolean): Promise<RoomDetail> {
    const members = await listMembers(this.#db, room.id);
    return { ...(await this.summary(room, address)), members: members.map((m) => this.memberView(m, online)) };
  }

  /** A member row as clients see it. */
  memberView(m: MemberRow, online: (address: string) => boolean): MemberView {
    return {
      address: m.address,
      displayName: m.display_name,
      role: m.role,
      state: m.state,
      server: m.server,
      local: m.server === this.#selfHost(),
      online: m.state === 'joined' && online(m.address),
    };
  }

  /** Up to `limit` lines of history before `before` (exclusive), returned oldest first. */
  async history(roomId: string, before: number | null, limit: number): Promise<TimelinePage> {
    let q = this.#db
      .selectFrom('chat_events')
      .selectAll()
      .where('room_id', '=', roomId)
      .where('type', 'in', TIMELINE_TYPES);
    if (before !== null) q = q.where('seq', '<', before);
    const rows = (await q
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute()) as EventRow[];
    const more = rows.length > limit;
    return { items: await this.#items(roomId, rows.slice(0, limit).reverse()), more };
  }

  /** Messages whose current text contains `query` (case-insensitive), newest first. */
  async search(roomId: string, query: string, before: number | null, limit: number): Promise<TimelinePage> {
    const escaped = query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    let q = this.#db
      .selectFrom('chat_messages')
      .select('event_id')
      .where('room_id', '=', roomId)
      .where('deleted', '=', 0)
      .where(sql<boolean>`lower(text) like ${`%${escaped}%`} escape '\\'`);
    if (before !== null) q = q.where('seq', '<', before);
    const hits = await q
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute();
    const ids = hits.slice(0, limit).map((h) => String(h.event_id));
    if (ids.length === 0) return { items: [], more: false };
    const rows = (await this.#db
      .selectFrom('chat_events')
      .selectAll()
      .where('room_id', '=', roomId)
      .where('event_id', 'in', ids)
      .orderBy('seq', 'desc')
      .execute()) as EventRow[];
    return { items: await this.#items(roomId, rows), more: hits.length > limit };
  }

  /** Raw events after `after`, for clients that reconnect or saw a gap. */
  async catchUp(room: RoomRow, after: number, limit: number): Promise<CatchUpResult> {
    const rows = await eventsAfter(this.#db, room.id, after, limit);
    const events = rows.map((r) => toEvent(r, room.id));
    const last = events.at(-1)?.seq ?? after;
    return { events, lastSeq: room.last_seq, more: last < room.last_seq };
  }

  async #items(roomId: string, rows: EventRow[]): Promise<TimelineItem[]> {
    const msgIds = rows.filter((r) => r.type === 'message.posted').map((r) => r.event_id);
    const messages = new Map<string, any>();
    const reactions = new Map<string, Record<string, string[]>>();
    if (msgIds.length) {
      for (const m of await this.#db
        .selectFrom('chat_messages')
        .selectAll()
        .where('room_id', '=', roomId)
        .where('event_id', 'in', msgIds)
        .execute()) {
        messages.set(String(m.event_id), m);
      }
      for (const r of await this.#db
        .selectFrom('chat_reactions')
        .selectAll()
        .where('room_id', '=', roomId)
        .where('event_id', 'in', msgIds)
        .orderBy('key')
        .execute()) {
        const byKey = reactions.get(String(r.event_id)) ?? {};
        (byKey[String(r.key)] ??= []).push(String(r.address));
        reactions.set(String(r.event_id), byKey);
      }
    }
    return rows.map((r) => {
      const item: TimelineItem = {
        seq: Number(r.seq),
        eventId: r.event_id,
        type: r.type,
        sender: r.sender,
        ts: Number(r.ts),
        data: JSON.parse(r.data),
      };
      const m = messages.get(r.event_id);
      if (m) {
        item.message = {
          text: String(m.text),
          replyTo: m.reply_to ?? null,
          mentions: JSON.parse(String(m.mentions)),
          editedAt: m.edited_at === null ? null : Number(m.edited_at),
          deleted: Number(m.deleted) === 1,
          reactions: reactions.get(r.event_id) ?? {},
        };
      }
      return item;
    });
  }
}
