import { InputError } from '#sdk';
import { isPositionKey } from './positions.ts';
import { DECK_LIMITS, type DeckAction } from './shared.ts';

/** Ids chosen by clients and peers: UUID-like, short, no separators that matter anywhere. */
const ID = /^[A-Za-z0-9_-]{8,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function bad(field: string, message = 'INVALID'): never {
  throw new InputError(`invalid action: ${field}`, [{ name: `action.${field}`, message }]);
}
function id(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== 'string' || !ID.test(v)) bad(k);
  return v;
}
function text(o: Record<string, unknown>, k: string, max: number, min = 0): string {
  const v = o[k];
  if (typeof v !== 'string' || v.trim().length < min || v.length > max) bad(k);
  return min > 0 ? v.trim() : v;
}
function position(o: Record<string, unknown>, k = 'position'): string {
  const v = o[k];
  if (!isPositionKey(v)) bad(k);
  return v;
}
/** `after`: an id, or null (the start); undefined when absent. */
function anchor(o: Record<string, unknown>): { after?: string | null } {
  if (o.after === undefined) return {};
  return { after: o.after === null ? null : id(o, 'after') };
}
function opt<T>(o: Record<string, unknown>, k: string, read: () => T): T | undefined {
  return o[k] === undefined ? undefined : read();
}
function stringList(o: Record<string, unknown>, k: string, maxItems: number, maxLen: number): string[] {
  const v = o[k];
  if (!Array.isArray(v) || v.length > maxItems) bad(k);
  const out = v.map((s) => (typeof s === 'string' && s.trim() && s.length <= maxLen ? s.trim() : bad(k)));
  return [...new Set(out)];
}
function due(o: Record<string, unknown>): string | null {
  const v = o.due;
  if (v === null) return null;
  if (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(Date.parse(v))) bad('due');
  return v;
}

function attachment(o: Record<string, unknown>) {
  const a = o.attachment;
  if (!a || typeof a !== 'object' || Array.isArray(a)) bad('attachment');
  const f = a as Record<string, unknown>;
  const size = f.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) bad('attachment.size');
  return {
    name: text(f, 'name', DECK_LIMITS.fileName, 1),
    size,
    mime: text(f, 'mime', 200, 1),
    owner: text(f, 'owner', 300, 3),
    path: text(f, 'path', 4096, 2),
    folder: text(f, 'folder', DECK_LIMITS.fileName, 1),
  };
}

/**
 * Parses an untrusted action (a browser's or a peer's): the typed action, or InputError (400) naming the field.
 * `hostEvent`: an event from the board's host, which may carry host-only actions (`rebalance`).
 */
export function parseAction(raw: unknown, opts: { hostEvent?: boolean } = {}): DeckAction {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) bad('', 'MUST_BE_OBJECT');
  const o = raw as Record<string, unknown>;
  const L = DECK_LIMITS;
  switch (o.type) {
    case 'board.rename':
      return { type: 'board.rename', title: text(o, 'title', L.title, 1) };
    case 'list.create':
      return {
        type: 'list.create',
        listId: id(o, 'listId'),
        title: text(o, 'title', L.title, 1),
        position: position(o),
        ...anchor(o),
      };
    case 'list.update': {
      const title = opt(o, 'title', () => text(o, 'title', L.title, 1));
      const pos = opt(o, 'position', () => position(o));
      return {
        type: 'list.update',
        listId: id(o, 'listId'),
        ...(title !== undefined ? { title } : {}),
        ...(pos !== undefined ? { position: pos } : {}),
        ...(pos !== undefined ? anchor(o) : {}),
      };
    }
    case 'list.delete':
      return { type: 'list.delete', listId: id(o, 'listId') };
    case 'card.create':
      return {
        type: 'card.create',
        cardId: id(o, 'cardId'),
        listId: id(o, 'listId'),
        title: text(o, 'title', L.title, 1),
        position: position(o),
        ...anchor(o),
      };
    case 'card.update': {
      const a: DeckAction = { type: 'card.update', cardId: id(o, 'cardId') };
      const title = opt(o, 'title', () => text(o, 'title', L.title, 1));
      const description = opt(o, 'description', () => text(o, 'description', L.description));
      const labels = opt(o, 'labels', () => stringList(o, 'labels', L.labels, L.label));
      const assignees = opt(o, 'assignees', () => stringList(o, 'assignees', L.assignees, 300));
      const d = opt(o, 'due', () => due(o));
      return {
        ...a,
        ...(title !== undefined ? { title } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(labels !== undefined ? { labels } : {}),
        ...(assignees !== undefined ? { assignees } : {}),
        ...(d !== undefined ? { due: d } : {}),
      };
    }
    case 'card.move':
      return {
        type: 'card.move',
        cardId: id(o, 'cardId'),
        listId: id(o, 'listId'),
        position: position(o),
        ...anchor(o),
      };
    case 'card.delete':
      return { type: 'card.delete', cardId: id(o, 'cardId') };
    case 'comment.add':
      return {
        type: 'comment.add',
        commentId: id(o, 'commentId'),
        cardId: id(o, 'cardId'),
        text: text(o, 'text', L.comment, 1),
      };
    case 'card.attach':
      return {
        type: 'card.attach',
        attachmentId: id(o, 'attachmentId'),
        cardId: id(o, 'cardId'),
        attachment: attachment(o),
      };
    case 'card.detach':
      return { type: 'card.detach', attachmentId: id(o, 'attachmentId'), cardId: id(o, 'cardId') };
    case 'board.members':
      if (!opts.hostEvent) return bad('type', 'HOST_ONLY');
      return { type: 'board.members', members: stringList(o, 'members', 1000, 300) };
    case 'rebalance':
      if (!opts.hostEvent) return bad('type', 'HOST_ONLY');
      return { type: 'rebalance', listId: o.listId === null ? null : id(o, 'listId') };
    default:
      return bad('type', 'UNKNOWN');
  }
}

/** Parses an action id (idempotency key). */
export function parseActionId(raw: unknown): string {
  if (typeof raw !== 'string' || !ID.test(raw))
    throw new InputError('invalid actionId', [{ name: 'actionId', message: 'INVALID' }]);
  return raw;
}
