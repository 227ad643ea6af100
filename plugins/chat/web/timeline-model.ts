import { reduceCall } from '../call-types.ts';
import { TIMELINE_TYPES, type ChatEvent, type MemberView, type RoomDetail, type TimelineItem } from '../shared.ts';

/** What the conversation shows: the room, its lines of history (by seq) and the user's unsent messages. */
export interface TimelineModel {
  room: RoomDetail;
  items: TimelineItem[];
  /** Older history exists before the first item. */
  more: boolean;
  pending: PendingMessage[];
}

/** A message the user sent that the room's host has not ordered yet. */
export interface PendingMessage {
  clientMsgId: string;
  text: string;
  replyTo: string | null;
  state: 'sending' | 'queued' | 'failed';
  error?: string;
}

const LINE_TYPES = new Set<string>(TIMELINE_TYPES);

function withMessage(
  items: TimelineItem[],
  target: string,
  f: (m: NonNullable<TimelineItem['message']>) => NonNullable<TimelineItem['message']>,
): TimelineItem[] {
  return items.map((i) => (i.eventId === target && i.message ? { ...i, message: f(i.message) } : i));
}

function upsertMember(
  members: MemberView[],
  address: string,
  patch: Partial<MemberView>,
  server: string,
): MemberView[] {
  const found = members.find((m) => m.address === address);
  if (found) return members.map((m) => (m.address === address ? { ...m, ...patch } : m));
  const host = address.slice(address.lastIndexOf('@') + 1);
  return [
    ...members,
    {
      address,
      displayName: address.slice(0, address.lastIndexOf('@')),
      role: 'member',
      state: 'joined',
      local: host === server,
      server: host,
      online: false,
      ...patch,
    },
  ];
}

/** Merges a page of history, keeping one line per event and seq order. */
export function mergeItems(items: TimelineItem[], page: TimelineItem[]): TimelineItem[] {
  const byId = new Map(items.map((i) => [i.eventId, i]));
  for (const p of page) if (!byId.has(p.eventId)) byId.set(p.eventId, p);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Applies one live event. Idempotent: history loaded after the event already reflects it, so applying it
 * again (catch-up replays do) must change nothing.
 */
export function applyEvent(m: TimelineModel, e: ChatEvent, server: string): TimelineModel {
  let { items, room, pending } = m;
  if (LINE_TYPES.has(e.type) && !items.some((i) => i.eventId === e.eventId)) {
    const line: TimelineItem = {
      seq: e.seq,
      eventId: e.eventId,
      type: e.type,
      sender: e.sender,
      ts: e.ts,
      data: e.data as unknown as Record<string, unknown>,
    };
    if (e.type === 'message.posted')
      line.message = {
        text: e.data.text,
        replyTo: e.data.replyTo,
        mentions: e.data.mentions,
        editedAt: null,
        deleted: false,
        reactions: {},
      };
    items = mergeItems(items, [line]);
  }
  switch (e.type) {
    case 'message.posted':
      pending = pending.filter((p) => p.clientMsgId !== e.clientMsgId);
      break;
    case 'message.edited':
      items = withMessage(items, e.data.target, (x) => ({
        ...x,
        text: e.data.text,
        mentions: e.data.mentions,
        editedAt: e.ts,
      }));
      break;
    case 'message.deleted':
      items = withMessage(items, e.data.target, (x) => ({ ...x, text: '', deleted: true, reactions: {} }));
      break;
    case 'reaction.added':
    case 'reaction.removed':
      items = withMessage(items, e.data.target, (x) => {
        const who = new Set(x.reactions[e.data.key] ?? []);
        if (e.type === 'reaction.added') who.add(e.sender);
        else who.delete(e.sender);
        const reactions = { ...x.reactions, [e.data.key]: [...who] };
        if (who.size === 0) delete reactions[e.data.key];
        return { ...x, reactions };
      });
      break;
    case 'room.updated':
      room = {
        ...room,
        ...(e.data.name !== undefined ? { name: e.data.name } : {}),
        ...(e.data.topic !== undefined ? { topic: e.data.topic } : {}),
      };
      break;
    case 'member.invited':
    case 'member.joined':
      room = {
        ...room,
        members: upsertMember(
          room.members,
          e.data.address,
          {
            displayName: e.data.displayName,
            role: e.data.role,
            state: e.type === 'member.joined' ? 'joined' : 'invited',
          },
          server,
        ),
      };
      break;
    case 'member.left':
    case 'member.removed':
    case 'member.declined':
      room = {
        ...room,
        members: upsertMember(
          room.members,
          e.data.address,
          {
            state: e.type === 'member.left' ? 'left' : e.type === 'member.removed' ? 'removed' : 'declined',
            online: false,
          },
          server,
        ),
      };
      break;
    case 'member.role':
      room = { ...room, members: upsertMember(room.members, e.data.address, { role: e.data.role }, server) };
      break;
    case 'read.marker':
      break;
    case 'call.started':
    case 'call.joined':
    case 'call.left':
    case 'call.media':
    case 'call.published':
    case 'call.ended':
      room = { ...room, call: reduceCall(room.call, e) };
      break;
  }
  return { ...m, items, room: { ...room, lastSeq: Math.max(room.lastSeq, e.seq) }, pending };
}
