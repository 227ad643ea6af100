import { InputError } from '#core';
import type { ChatAttachment } from './shared.ts';

const MAX_NAME = 255;
const MAX_PATH = 2000;

function valid(v: unknown): v is ChatAttachment {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const a = v as Record<string, unknown>;
  const str = (x: unknown, max: number) => typeof x === 'string' && x.length > 0 && x.length <= max;
  return (
    str(a.name, MAX_NAME) &&
    !/[/\\]/.test(a.name as string) &&
    str(a.folder, MAX_NAME) &&
    !/[/\\]/.test(a.folder as string) &&
    str(a.path, MAX_PATH) &&
    (a.path as string).startsWith('/') &&
    str(a.mime, 200) &&
    str(a.owner, 300) &&
    (a.owner as string).lastIndexOf('@') > 0 &&
    Number.isSafeInteger(a.size) &&
    (a.size as number) >= 0
  );
}

/** True when an event's attachment (from a host) is absent or well-formed. */
export function isValidAttachment(v: unknown): boolean {
  return v === undefined || valid(v);
}

/** The attachment of a post action, or undefined; throws InputError when malformed. */
export function parseAttachment(v: unknown): ChatAttachment | undefined {
  if (v === undefined || v === null) return undefined;
  if (!valid(v))
    throw new InputError('attachment must be {name, size, mime, owner, path, folder}', [
      { name: 'attachment', message: 'INVALID' },
    ]);
  const { name, size, mime, owner, path, folder } = v;
  return { name, size, mime, owner, path, folder };
}
