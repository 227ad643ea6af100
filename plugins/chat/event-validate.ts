import { isValidAttachment } from './attachment-input.ts';
import { CALL_DATA_CHECKS } from './call-types.ts';
import { CHAT_EVENT_TYPES, CHAT_LIMITS, type ChatEvent } from './shared.ts';

const ROLES = ['owner', 'moderator', 'member'];

const str = (v: unknown, max: number): boolean => typeof v === 'string' && v.length <= max;
const addr = (v: unknown): boolean => str(v, 300) && (v as string).lastIndexOf('@') > 0;
const ref = (v: unknown): boolean => str(v, 100) && (v as string).length > 0;
const strs = (v: unknown): boolean => Array.isArray(v) && v.length <= 500 && v.every(addr);

/** Per-type checks of an event's data, so a faulty or hostile host cannot store junk in a mirror. */
const DATA_CHECKS: Record<ChatEvent['type'], (d: Record<string, unknown>) => boolean> = {
  'room.created': (d) =>
    str(d.name, CHAT_LIMITS.name) && str(d.topic, CHAT_LIMITS.topic) && (d.kind === 'group' || d.kind === 'direct'),
  'room.updated': (d) =>
    (d.name === undefined || str(d.name, CHAT_LIMITS.name)) &&
    (d.topic === undefined || str(d.topic, CHAT_LIMITS.topic)),
  'member.invited': (d) => addr(d.address) && str(d.displayName, 300) && ROLES.includes(d.role as string),
  'member.joined': (d) => addr(d.address) && str(d.displayName, 300) && ROLES.includes(d.role as string),
  'member.left': (d) => addr(d.address),
  'member.removed': (d) => addr(d.address),
  'member.declined': (d) => addr(d.address),
  'member.role': (d) => addr(d.address) && ROLES.includes(d.role as string),
  'message.posted': (d) =>
    str(d.text, CHAT_LIMITS.text) &&
    (d.replyTo === null || ref(d.replyTo)) &&
    strs(d.mentions) &&
    isValidAttachment(d.attachment),
  'message.edited': (d) => ref(d.target) && str(d.text, CHAT_LIMITS.text) && strs(d.mentions),
  'message.deleted': (d) => ref(d.target),
  'reaction.added': (d) => ref(d.target) && str(d.key, CHAT_LIMITS.reactionKey),
  'reaction.removed': (d) => ref(d.target) && str(d.key, CHAT_LIMITS.reactionKey),
  'read.marker': (d) => Number.isSafeInteger(d.upTo) && (d.upTo as number) >= 0,
  ...CALL_DATA_CHECKS,
};

/** True when a value from a peer is a well-formed chat event. */
export function isValidEvent(v: unknown): v is ChatEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 1) return false;
  if (!ref(e.eventId) || !addr(e.sender) || !Number.isFinite(e.ts)) return false;
  if (!(e.clientMsgId === null || ref(e.clientMsgId))) return false;
  if (!CHAT_EVENT_TYPES.includes(e.type as ChatEvent['type'])) return false;
  if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) return false;
  return DATA_CHECKS[e.type as ChatEvent['type']](e.data as Record<string, unknown>);
}
