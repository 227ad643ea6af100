import { sql, type Kysely } from 'kysely';
import { PreparedQuery } from '#core';
import type { ChatEvent, ChatEventType, MemberState, Role, RoomKind } from './shared.ts';
import type { ChatTables } from './tables.ts';

/** A row of `chat_rooms`: a room hosted here (`host` null) or a mirror of a room hosted elsewhere. */
export interface RoomRow {
  id: string;
  host: string | null;
  remote_id: string | null;
  kind: RoomKind;
  name: string;
  topic: string;
  created_by: string;
  created_at: number;
  last_seq: number;
  host_seq: number;
  secret: string;
}

/** A row of `chat_members`. */
export interface MemberRow {
  room_id: string;
  address: string;
  user_id: string | null;
  server: string;
  role: Role;
  state: MemberState;
  display_name: string;
  share_id: string | null;
  updated_at: number;
}

/** A row of `chat_events`. */
export interface EventRow {
  room_id: string;
  seq: number;
  event_id: string;
  type: ChatEventType;
  sender: string;
  client_msg_id: string | null;
  target: string | null;
  data: string;
  ts: number;
}

/** Splits `id@host` on the last `@` (addresses in the log were validated when they entered it). */
export function splitAddress(address: string): { id: string; host: string } {
  const at = address.lastIndexOf('@');
  return { id: address.slice(0, at), host: address.slice(at + 1).toLowerCase() };
}

/** Normalises numeric columns: PostgreSQL and SQLite differ in what they hand back. */
export function toRoom(row: any): RoomRow {
  return { ...row, created_at: Number(row.created_at), last_seq: Number(row.last_seq), host_seq: Number(row.host_seq) };
}

// The few queries every message runs are SQL templates compiled once (PreparedQuery): built and compiled by Kysely
// on every call they cost more CPU than SQLite spends running them, and they run several times per message on every
// server.
const ROOM = new PreparedQuery<RoomRow>(1, (_db, id) => sql`select * from chat_rooms where id = ${id}`);
const ROOM_FOR_UPDATE = new PreparedQuery<RoomRow>(
  1,
  (_db, id) => sql`select * from chat_rooms where id = ${id} for update`,
);
const MEMBER = new PreparedQuery<MemberRow>(
  2,
  (_db, roomId, address) => sql`select * from chat_members where room_id = ${roomId} and address = ${address}`,
);
const EVENTS_AFTER = new PreparedQuery<EventRow>(
  4,
  (_db, roomId, after, end, limit) =>
    sql`select * from chat_events where room_id = ${roomId} and seq > ${after} and seq <= ${end} order by seq limit ${limit}`,
);

/** The room row, or null. */
export async function getRoom(db: Kysely<ChatTables>, id: string): Promise<RoomRow | null> {
  const { rows } = await ROOM.execute(db, [id]);
  return rows[0] ? toRoom(rows[0]) : null;
}

/** The room row locked for this transaction on PostgreSQL (SQLite's single writer serialises anyway). */
export async function lockRoom(trx: Kysely<ChatTables>, id: string, postgres: boolean): Promise<RoomRow | null> {
  const { rows } = await (postgres ? ROOM_FOR_UPDATE : ROOM).execute(trx, [id]);
  return rows[0] ? toRoom(rows[0]) : null;
}

/** A hosted room by id (null for mirrors and unknown ids). */
export async function getHostedRoom(db: Kysely<ChatTables>, id: string): Promise<RoomRow | null> {
  const room = await getRoom(db, id);
  return room && room.host === null ? room : null;
}

/** The local mirror of a room hosted on `host`, or null. */
export async function findMirror(db: Kysely<ChatTables>, host: string, remoteId: string): Promise<RoomRow | null> {
  const row = await db
    .selectFrom('chat_rooms')
    .selectAll()
    .where('host', '=', host.toLowerCase())
    .where('remote_id', '=', remoteId)
    .executeTakeFirst();
  return row ? toRoom(row) : null;
}

/** One member row, or null. */
export async function getMember(db: Kysely<ChatTables>, roomId: string, address: string): Promise<MemberRow | null> {
  const { rows } = await MEMBER.execute(db, [roomId, address]);
  const row = rows[0];
  return row ? { ...row, updated_at: Number(row.updated_at) } : null;
}

/** Every member row of a room (all states). */
export async function listMembers(db: Kysely<ChatTables>, roomId: string): Promise<MemberRow[]> {
  const rows = await db
    .selectFrom('chat_members')
    .selectAll()
    .where('room_id', '=', roomId)
    .orderBy('address')
    .execute();
  return rows.map((r) => ({ ...(r as MemberRow), updated_at: Number(r.updated_at) }));
}

/** Ids of the rooms a local user has joined. */
export async function joinedRoomIds(db: Kysely<ChatTables>, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('chat_members')
    .select('room_id')
    .where('user_id', '=', userId)
    .where('state', '=', 'joined')
    .execute();
  return rows.map((r) => String(r.room_id));
}

/** Turns a stored event into its wire form under the given room id. */
export function toEvent(row: EventRow, roomId: string): ChatEvent {
  return {
    roomId,
    seq: Number(row.seq),
    eventId: row.event_id,
    type: row.type,
    sender: row.sender,
    clientMsgId: row.client_msg_id ?? null,
    ts: Number(row.ts),
    data: JSON.parse(row.data),
  } as ChatEvent;
}

/** Events after `after` (exclusive) up to `until` (inclusive, if given), oldest first. */
export async function eventsAfter(
  db: Kysely<ChatTables>,
  roomId: string,
  after: number,
  limit: number,
  until?: number | null,
): Promise<EventRow[]> {
  const end = until ?? Number.MAX_SAFE_INTEGER;
  const { rows } = await EVENTS_AFTER.execute(db, [roomId, after, end, limit]);
  return rows;
}
