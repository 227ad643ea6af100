import { InputError } from '#core';
import { parseAttachment } from './attachment-input.ts';
import { parseCallAction } from './call-input.ts';
import { CHAT_LIMITS, type ChatAction, type Role } from './shared.ts';

const ROLES: readonly Role[] = ['owner', 'moderator', 'member'];
// Control characters other than tab and newline have no place in chat text.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const MENTION = /(^|[^A-Za-z0-9._@-])@([A-Za-z0-9][A-Za-z0-9._-]*(?:@[A-Za-z0-9.-]+(?::\d{1,5})?)?)/g;

function bad(field: string, message: string): InputError {
  return new InputError(message, [{ name: field, message: 'INVALID' }]);
}

/** A bounded, cleaned string field. */
export function text(v: unknown, field: string, max: number, opts: { allowEmpty?: boolean } = {}): string {
  if (typeof v !== 'string') throw bad(field, `${field} must be a string`);
  const s = v.replace(CONTROL, '').replace(/\r\n?/g, '\n');
  if (!opts.allowEmpty && s.trim() === '') throw bad(field, `${field} must not be empty`);
  if (s.length > max) throw bad(field, `${field} is longer than ${max} characters`);
  return opts.allowEmpty ? s.trim() : s;
}

/** A client-chosen id (message id, action id): short, printable. */
export function clientId(v: unknown, field = 'clientMsgId'): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9._:-]{1,100}$/.test(v))
    throw bad(field, `${field} must be 1-${CHAT_LIMITS.clientMsgId} letters, digits or . _ : -`);
  return v;
}

function id(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 100) throw bad(field, `${field} must be an event id`);
  return v;
}

function role(v: unknown): Role {
  if (!ROLES.includes(v as Role)) throw bad('role', `role must be one of ${ROLES.join(', ')}`);
  return v as Role;
}

/**
 * Validates an action from a browser or a peer server; throws InputError on anything malformed. Call actions
 * are accepted only with `calls` (from peer servers: a browser makes calls through the calls plugin).
 */
export function parseAction(raw: unknown, opts: { calls?: boolean } = {}): ChatAction {
  const a = (raw ?? {}) as Record<string, unknown>;
  switch (a.type) {
    case 'post': {
      const replyTo = a.replyTo === undefined || a.replyTo === null ? null : id(a.replyTo, 'replyTo');
      const attachment = parseAttachment(a.attachment);
      if (!attachment) return { type: 'post', text: text(a.text, 'text', CHAT_LIMITS.text), replyTo };
      const caption = a.text === undefined ? '' : text(a.text, 'text', CHAT_LIMITS.text, { allowEmpty: true });
      return { type: 'post', text: caption, replyTo, attachment };
    }
    case 'edit':
      return { type: 'edit', target: id(a.target, 'target'), text: text(a.text, 'text', CHAT_LIMITS.text) };
    case 'delete':
      return { type: 'delete', target: id(a.target, 'target') };
    case 'react': {
      const key = text(a.key, 'key', CHAT_LIMITS.reactionKey);
      if (/\s/.test(key)) throw bad('key', 'a reaction is one emoji or short word');
      return { type: 'react', target: id(a.target, 'target'), key, on: a.on !== false };
    }
    case 'read':
      if (!Number.isSafeInteger(a.upTo) || (a.upTo as number) < 0) throw bad('upTo', 'upTo must be a sequence number');
      return { type: 'read', upTo: a.upTo as number };
    case 'update': {
      const out: ChatAction = { type: 'update' };
      if (a.name !== undefined) out.name = text(a.name, 'name', CHAT_LIMITS.name);
      if (a.topic !== undefined) out.topic = text(a.topic, 'topic', CHAT_LIMITS.topic, { allowEmpty: true });
      if (out.name === undefined && out.topic === undefined) throw bad('name', 'update needs a name or a topic');
      return out;
    }
    case 'addMember':
      return {
        type: 'addMember',
        address: text(a.address, 'address', 300),
        ...(a.role !== undefined ? { role: role(a.role) } : {}),
      };
    case 'removeMember':
      return { type: 'removeMember', address: text(a.address, 'address', 300) };
    case 'setRole':
      return { type: 'setRole', address: text(a.address, 'address', 300), role: role(a.role) };
    case 'leave':
      return { type: 'leave' };
    case 'call':
      if (!opts.calls) throw bad('type', 'calls are started and joined through the calls API');
      return { type: 'call', call: parseCallAction(a.call) };
    default:
      throw bad('type', 'unknown action type');
  }
}

/**
 * The members a message mentions: `@id@host` names an exact address, a bare `@id` the one member
 * with that identifier (ambiguous bare names mention nobody).
 */
export function findMentions(body: string, members: readonly string[]): string[] {
  const found = new Set<string>();
  for (const m of body.matchAll(MENTION)) {
    const token = (m[2] ?? '').replace(/[.:-]+$/, '');
    if (token.includes('@')) {
      const exact = members.find((a) => a.toLowerCase() === token.toLowerCase());
      if (exact) found.add(exact);
      continue;
    }
    const byId = members.filter((a) => a.slice(0, a.lastIndexOf('@')).toLowerCase() === token.toLowerCase());
    if (byId.length === 1) found.add(byId[0] as string);
  }
  return [...found];
}
