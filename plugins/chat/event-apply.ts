import { sql, type Kysely } from 'kysely';
import { PreparedQuery } from '#core';
import { reduceCall, type CallEventLike, type CallState } from './call-types.ts';
import { splitAddress } from './room-store.ts';
import type { ChatEvent, ChatEventData, MemberState, Role } from './shared.ts';
import type { ChatTables } from './tables.ts';

const MEMBER_END: Partial<Record<ChatEvent['type'], MemberState>> = {
  'member.left': 'left',
  'member.removed': 'removed',
  'member.declined': 'declined',
};

/** The message an event points at (edits, deletes, reactions), for the `target` column. */
function targetOf(ev: ChatEvent): string | null {
  const d = ev.data as { target?: unknown };
  return typeof d.target === 'string' ? d.target : null;
}

// Compiled once (see room-store.ts): every stored event runs the first, every message the second.
const INSERT_EVENT = new PreparedQuery(
  9,
  (_db, roomId, seq, eventId, type, sender, clientMsgId, target, data, ts) =>
    sql`insert into chat_events (room_id, seq, event_id, type, sender, client_msg_id, target, data, ts)
    values (${roomId}, ${seq}, ${eventId}, ${type}, ${sender}, ${clientMsgId}, ${target}, ${data}, ${ts})`,
);
const INSERT_MESSAGE = new PreparedQuery(
  8,
  (_db, roomId, eventId, seq, sender, text, replyTo, mentions, ts) =>
    sql`insert into chat_messages (room_id, event_id, seq, sender, text, reply_to, mentions, ts, edited_at, deleted)
        values (${roomId}, ${eventId}, ${seq}, ${sender}, ${text}, ${replyTo}, ${mentions}, ${ts}, ${null}, ${0})`,
);

/**
 * Stores one event in a room's log and updates the tables derived from it (members, messages,
 * reactions, read markers, room name). Hosts and mirrors both call this inside the transaction that
 * accepts the event, so a mirror's derived state is exactly the host's.
 */
export async function storeEvent(
  trx: Kysely<ChatTables>,
  roomId: string,
  ev: ChatEvent,
  selfHost: string,
): Promise<void> {
  const data = JSON.stringify(ev.data);
  await INSERT_EVENT.execute(trx, [
    roomId,
    ev.seq,
    ev.eventId,
    ev.type,
    ev.sender,
    ev.clientMsgId,
    targetOf(ev),
    data,
    ev.ts,
  ]);
  await materialize(trx, roomId, ev, selfHost);
}

async function upsertMember(
  trx: Kysely<ChatTables>,
  roomId: string,
  ev: ChatEvent,
  d: { address: string; displayName: string; role: Role },
  state: MemberState,
  selfHost: string,
): Promise<void> {
  const { id, host } = splitAddress(d.address);
  await trx
    .insertInto('chat_members')
    .values({
      room_id: roomId,
      address: d.address,
      user_id: host === selfHost ? id : null,
      server: host,
      role: d.role,
      state,
      display_name: d.displayName,
      share_id: null,
      updated_at: ev.ts,
    })
    .onConflict((oc) =>
      oc
        .columns(['room_id', 'address'])
        .doUpdateSet({ role: d.role, state, display_name: d.displayName, updated_at: ev.ts }),
    )
    .execute();
}

async function materialize(trx: Kysely<ChatTables>, roomId: string, ev: ChatEvent, selfHost: string): Promise<void> {
  switch (ev.type) {
    case 'room.created':
    case 'room.updated': {
      const d = ev.data as ChatEventData['room.updated'];
      const set: Record<string, string> = {};
      if (typeof d.name === 'string') set.name = d.name;
      if (typeof d.topic === 'string') set.topic = d.topic;
      if (ev.type === 'room.created') set.kind = (ev.data as ChatEventData['room.created']).kind;
      if (Object.keys(set).length) await trx.updateTable('chat_rooms').set(set).where('id', '=', roomId).execute();
      return;
    }
    case 'member.invited':
      return upsertMember(trx, roomId, ev, ev.data, 'invited', selfHost);
    case 'member.joined':
      return upsertMember(trx, roomId, ev, ev.data, 'joined', selfHost);
    case 'member.left':
    case 'member.removed':
    case 'member.declined':
      await trx
        .updateTable('chat_members')
        .set({ state: MEMBER_END[ev.type] as MemberState, updated_at: ev.ts })
        .where('room_id', '=', roomId)
        .where('address', '=', ev.data.address)
        .execute();
      return;
    case 'member.role':
      await trx
        .updateTable('chat_members')
        .set({ role: ev.data.role, updated_at: ev.ts })
        .where('room_id', '=', roomId)
        .where('address', '=', ev.data.address)
        .execute();
      return;
    case 'message.posted':
      await INSERT_MESSAGE.execute(trx, [
        roomId,
        ev.eventId,
        ev.seq,
        ev.sender,
        ev.data.text,
        ev.data.replyTo,
        JSON.stringify(ev.data.mentions),
        ev.ts,
      ]);
      return;
    case 'message.edited':
      await trx
        .updateTable('chat_messages')
        .set({ text: ev.data.text, mentions: JSON.stringify(ev.data.mentions), edited_at: ev.ts })
        .where('room_id', '=', roomId)
        .where('event_id', '=', ev.data.target)
        .where('deleted', '=', 0)
        .execute();
      return;
    case 'message.deleted':
      return redact(trx, roomId, ev.data.target, ev.ts);
    case 'reaction.added':
      await trx
        .insertInto('chat_reactions')
        .values({ room_id: roomId, event_id: ev.data.target, address: ev.sender, key: ev.data.key })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return;
    case 'reaction.removed':
      await trx
        .deleteFrom('chat_reactions')
        .where('room_id', '=', roomId)
        .where('event_id', '=', ev.data.target)
        .where('address', '=', ev.sender)
        .where('key', '=', ev.data.key)
        .execute();
      return;
    case 'read.marker':
      await trx
        .insertInto('chat_reads')
        .values({ room_id: roomId, address: ev.sender, seq: ev.data.upTo })
        .onConflict((oc) => oc.columns(['room_id', 'address']).doUpdateSet({ seq: ev.data.upTo }))
        .execute();
      return;
    case 'call.started':
    case 'call.joined':
    case 'call.left':
    case 'call.media':
    case 'call.published':
    case 'call.ended':
      return applyCall(trx, roomId, ev);
  }
}

/** The room's current call, or null. */
export async function readCall(db: Kysely<ChatTables>, roomId: string): Promise<CallState | null> {
  const row = await db.selectFrom('chat_calls').select('state').where('room_id', '=', roomId).executeTakeFirst();
  return row ? (JSON.parse(String(row.state)) as CallState) : null;
}

async function applyCall(trx: Kysely<ChatTables>, roomId: string, ev: CallEventLike): Promise<void> {
  const before = await readCall(trx, roomId);
  const after = reduceCall(before, ev);
  if (after === before) return;
  await trx.deleteFrom('chat_calls').where('room_id', '=', roomId).execute();
  if (after)
    await trx
      .insertInto('chat_calls')
      .values({ room_id: roomId, call_id: after.callId, state: JSON.stringify(after) })
      .execute();
}

/**
 * A deleted message loses its text everywhere it is stored: the derived message, the original event
 * and its edits (a mirror that syncs later receives the redacted log), and its reactions.
 */
async function redact(trx: Kysely<ChatTables>, roomId: string, target: string, ts: number): Promise<void> {
  await trx
    .updateTable('chat_messages')
    .set({ text: '', mentions: '[]', deleted: 1, edited_at: ts })
    .where('room_id', '=', roomId)
    .where('event_id', '=', target)
    .execute();
  const original = await trx
    .selectFrom('chat_events')
    .select(['data'])
    .where('room_id', '=', roomId)
    .where('event_id', '=', target)
    .executeTakeFirst();
  if (original) {
    const d = JSON.parse(String(original.data)) as { replyTo?: string | null };
    await trx
      .updateTable('chat_events')
      .set({ data: JSON.stringify({ text: '', replyTo: d.replyTo ?? null, mentions: [], redacted: true }) })
      .where('room_id', '=', roomId)
      .where('event_id', '=', target)
      .execute();
  }
  await trx
    .updateTable('chat_events')
    .set({ data: JSON.stringify({ target, text: '', mentions: [], redacted: true }) })
    .where('room_id', '=', roomId)
    .where('type', '=', 'message.edited')
    .where('target', '=', target)
    .execute();
  await trx.deleteFrom('chat_reactions').where('room_id', '=', roomId).where('event_id', '=', target).execute();
}
