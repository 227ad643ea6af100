import type { Kysely } from 'kysely';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '#core';
import { findMentions } from './action-input.ts';
import { getMember, type MemberRow, type RoomRow } from './room-store.ts';
import type { ChatAction, ChatEventData, ChatEventType } from './shared.ts';
import { CHAT_ERRORS } from './error-codes.ts';
import type { ChatTables } from './tables.ts';

/** An event the host is about to append (seq, id and time are assigned on append). */
export type EventDraft = { [K in ChatEventType]: { type: K; data: ChatEventData[K]; shareId?: string } }[ChatEventType];

/** Finds a local account by address (null for remote or unknown). Never call inside a transaction. */
export type LocalUserLookup = (address: string) => Promise<{ displayName: string } | null>;

function requireJoined(me: MemberRow | null): MemberRow {
  if (!me) throw new NotFoundError('no such room', CHAT_ERRORS.ROOM_NOT_FOUND);
  if (me.state !== 'joined') throw new NotAllowedError('you are not a member of this room', CHAT_ERRORS.NOT_MEMBER);
  return me;
}

function requireModerator(me: MemberRow | null): MemberRow {
  const m = requireJoined(me);
  if (m.role !== 'owner' && m.role !== 'moderator')
    throw new NotAllowedError('only owners and moderators may do this', CHAT_ERRORS.NOT_MODERATOR);
  return m;
}

function requireGroup(room: RoomRow): void {
  if (room.kind !== 'group')
    throw new NotAllowedError('one-to-one conversations have fixed members and no name', CHAT_ERRORS.DIRECT_ROOM);
}

/** Throws unless the actor may add members to the room (owners and moderators of group rooms). */
export function checkCanInvite(room: RoomRow, me: MemberRow | null): void {
  requireModerator(me);
  requireGroup(room);
}

async function message(
  trx: Kysely<ChatTables>,
  roomId: string,
  eventId: string,
): Promise<{ sender: string; text: string; deleted: boolean }> {
  const m = await trx
    .selectFrom('chat_messages')
    .select(['sender', 'text', 'deleted'])
    .where('room_id', '=', roomId)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  if (!m) throw new NotFoundError('no such message in this room', CHAT_ERRORS.MESSAGE_NOT_FOUND);
  return { sender: String(m.sender), text: String(m.text), deleted: Number(m.deleted) === 1 };
}

async function joinedAddresses(trx: Kysely<ChatTables>, roomId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('chat_members')
    .select('address')
    .where('room_id', '=', roomId)
    .where('state', '=', 'joined')
    .execute();
  return rows.map((r) => String(r.address));
}

/**
 * Decides what a member's action does to a room: checks the actor's rights and the action's target and
 * returns the event to append, or null when the action changes nothing (a repeat, or a no-op).
 */
export async function planAction(
  trx: Kysely<ChatTables>,
  room: RoomRow,
  me: MemberRow | null,
  action: ChatAction,
): Promise<EventDraft | null> {
  switch (action.type) {
    case 'post': {
      const poster = requireJoined(me);
      if (action.replyTo) await message(trx, room.id, action.replyTo);
      const mentions = action.text.includes('@') ? findMentions(action.text, await joinedAddresses(trx, room.id)) : [];
      const data = { text: action.text, replyTo: action.replyTo ?? null, mentions };
      if (!action.attachment) return { type: 'message.posted', data };
      // A member attaches only their own files: the link names the sender's files, nobody else's.
      if (action.attachment.owner.toLowerCase() !== poster.address.toLowerCase())
        throw new NotAllowedError('you can only attach your own files', CHAT_ERRORS.ATTACHMENT_NOT_YOURS);
      return { type: 'message.posted', data: { ...data, attachment: action.attachment } };
    }
    case 'edit': {
      const m = requireJoined(me);
      const target = await message(trx, room.id, action.target);
      if (target.sender !== m.address)
        throw new NotAllowedError('only the author may edit a message', CHAT_ERRORS.NOT_AUTHOR);
      if (target.deleted) throw new ConflictError('the message was deleted', CHAT_ERRORS.MESSAGE_DELETED);
      if (target.text === action.text) return null;
      const mentions = findMentions(action.text, await joinedAddresses(trx, room.id));
      return { type: 'message.edited', data: { target: action.target, text: action.text, mentions } };
    }
    case 'delete': {
      const m = requireJoined(me);
      const target = await message(trx, room.id, action.target);
      if (target.deleted) return null;
      if (target.sender !== m.address && m.role === 'member')
        throw new NotAllowedError('only the author or a moderator may delete a message', CHAT_ERRORS.NOT_AUTHOR);
      return { type: 'message.deleted', data: { target: action.target } };
    }
    case 'react': {
      const m = requireJoined(me);
      const target = await message(trx, room.id, action.target);
      if (target.deleted) throw new ConflictError('the message was deleted', CHAT_ERRORS.MESSAGE_DELETED);
      const has = await trx
        .selectFrom('chat_reactions')
        .select('key')
        .where('room_id', '=', room.id)
        .where('event_id', '=', action.target)
        .where('address', '=', m.address)
        .where('key', '=', action.key)
        .executeTakeFirst();
      if (action.on === Boolean(has)) return null;
      return {
        type: action.on ? 'reaction.added' : 'reaction.removed',
        data: { target: action.target, key: action.key },
      };
    }
    case 'read': {
      const m = requireJoined(me);
      const upTo = Math.min(action.upTo, room.last_seq);
      const cur = await trx
        .selectFrom('chat_reads')
        .select('seq')
        .where('room_id', '=', room.id)
        .where('address', '=', m.address)
        .executeTakeFirst();
      if (upTo <= Number(cur?.seq ?? 0)) return null;
      // Only messages are ever unread: a marker that covers no new message would just add events.
      const news = await trx
        .selectFrom('chat_messages')
        .select('seq')
        .where('room_id', '=', room.id)
        .where('seq', '>', Number(cur?.seq ?? 0))
        .where('seq', '<=', upTo)
        .limit(1)
        .executeTakeFirst();
      if (!news) return null;
      return { type: 'read.marker', data: { upTo } };
    }
    case 'update': {
      requireModerator(me);
      requireGroup(room);
      const data: ChatEventData['room.updated'] = {};
      if (action.name !== undefined && action.name !== room.name) data.name = action.name;
      if (action.topic !== undefined && action.topic !== room.topic) data.topic = action.topic;
      return Object.keys(data).length ? { type: 'room.updated', data } : null;
    }
    case 'addMember':
      // Inviting is a share (HostService.addMember), never a plain event.
      throw new Error('addMember is handled by HostService.addMember');
    case 'call':
      // The calls plugin's planner decides (HostService.callAct).
      throw new Error('call actions are handled by HostService.callAct');
    case 'removeMember': {
      const m = requireModerator(me);
      requireGroup(room);
      if (action.address === m.address)
        throw new InputError(
          'to remove yourself, leave the room',
          [{ name: 'address', message: 'SELF' }],
          CHAT_ERRORS.USE_LEAVE,
        );
      const target = await getMember(trx, room.id, action.address);
      if (!target) throw new NotFoundError('no such member', CHAT_ERRORS.MEMBER_NOT_FOUND);
      if (target.role !== 'member' && m.role !== 'owner')
        throw new NotAllowedError('only owners may remove owners and moderators', CHAT_ERRORS.NOT_OWNER);
      if (target.state !== 'joined' && target.state !== 'invited') return null;
      return { type: 'member.removed', data: { address: action.address } };
    }
    case 'setRole': {
      const m = requireJoined(me);
      requireGroup(room);
      if (m.role !== 'owner') throw new NotAllowedError('only owners may change roles', CHAT_ERRORS.NOT_OWNER);
      const target = await getMember(trx, room.id, action.address);
      if (!target || target.state !== 'joined') throw new NotFoundError('no such member', CHAT_ERRORS.MEMBER_NOT_FOUND);
      if (target.role === action.role) return null;
      return { type: 'member.role', data: { address: action.address, role: action.role } };
    }
    case 'leave': {
      if (!me) throw new NotFoundError('no such room', CHAT_ERRORS.ROOM_NOT_FOUND);
      if (me.state !== 'joined' && me.state !== 'invited') return null;
      return { type: 'member.left', data: { address: me.address } };
    }
  }
}
