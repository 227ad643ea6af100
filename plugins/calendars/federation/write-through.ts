/**
 * Writes by the recipient into a synced calendar copy: checked against the copy (read-only access, the client's own
 * `If-Match`/`If-None-Match`, the calendar's components), then sent to the owner first (`writeToOwner` in `#sdk`
 * dav-federation: `If-Match` on the owner's ETag, `If-None-Match: *` for a new object) and only then stored in the
 * copy with the owner's new ETag. The owner's refusals become calendar errors: read-only 403 `DAV:need-privileges`,
 * unreachable 503 at once (nothing is queued or silently lost), 412, revoked (the share ends), other answers 502.
 */
import {
  MeshworkError,
  OwnerWriteError,
  writeToOwner,
  type IncomingShare,
  type OwnerWrite,
  type PluginContext,
} from '#sdk';
import { StorePreconditionFailed } from '../caldav-errors.ts';
import type { Calendar } from '../calendar-store.ts';
import { validateCalendarObject } from '../ical-validate.ts';
import type { ObjectStore, WriteCondition } from '../object-store.ts';
import { CALENDAR_ERRORS } from '../error-codes.ts';
import { FEDERATION_ERRORS } from './error-codes.ts';
import { readCalendarShare } from './protocol.ts';

/** A refused write through a synced copy; `condition` is the DAV precondition element, in Clark notation. */
export class FederationWriteError extends MeshworkError {
  constructor(
    code: ConstructorParameters<typeof MeshworkError>[0],
    message: string,
    status: number,
    readonly condition?: string,
  ) {
    super(code, message, status);
  }
}

function readOnly(): FederationWriteError {
  return new FederationWriteError(
    FEDERATION_ERRORS.CALENDAR_READ_ONLY,
    'this calendar is shared with you read-only',
    403,
    '{DAV:}need-privileges',
  );
}

export interface WriteThroughDeps {
  ctx: PluginContext;
  objects: ObjectStore;
  /** Called when the owner answered 403 to a write: the copy becomes read-only. */
  readOnly(copy: Calendar): Promise<void>;
}

/** Sends one write to the owner, with the owner's refusals as calendar errors. */
async function toOwner(
  deps: WriteThroughDeps,
  copy: Calendar,
  share: IncomingShare,
  uri: string,
  w: OwnerWrite,
): Promise<string | null> {
  const info = readCalendarShare(share);
  try {
    return (await writeToOwner(deps.ctx, share, info, info.collectionUrl, uri, w, () => deps.readOnly(copy))).etag;
  } catch (err) {
    if (!(err instanceof OwnerWriteError)) throw err;
    if (err.reason === 'read-only') throw readOnly();
    if (err.reason === 'unreachable')
      throw new FederationWriteError(
        FEDERATION_ERRORS.CALENDAR_OWNER_UNREACHABLE,
        `the calendar's owner server cannot be reached (${err.message}); your change was not saved, try again later`,
        503,
      );
    if (err.reason === 'revoked')
      throw new FederationWriteError(FEDERATION_ERRORS.CALENDAR_SHARE_REVOKED, 'the owner ended this share', 404);
    if (err.reason === 'changed')
      throw new FederationWriteError(
        CALENDAR_ERRORS.CALENDAR_PRECONDITION_FAILED,
        `the event changed on the owner's server meanwhile; sync and try again`,
        412,
      );
    throw new FederationWriteError(FEDERATION_ERRORS.CALENDAR_OWNER_REFUSED, err.message, 502);
  }
}

/** Creates or replaces an object of a synced copy through its owner; returns the copy's new (unquoted) ETag. */
export async function putThrough(
  deps: WriteThroughDeps,
  copy: Calendar,
  share: IncomingShare,
  uri: string,
  body: Buffer,
  cond: WriteCondition = {},
): Promise<{ etag: string; created: boolean }> {
  if (copy.remote?.access !== 'read-write') throw readOnly();
  const v = validateCalendarObject(body, { supportedComponents: copy.components });
  const current = await deps.objects.get(copy.id, uri);
  if (cond.ifNoneMatch === '*' && current) throw new StorePreconditionFailed('the object already exists');
  if (cond.ifMatch !== undefined && (!current || (cond.ifMatch !== '*' && cond.ifMatch !== current.etag)))
    throw new StorePreconditionFailed('the object changed meanwhile');
  const remoteEtag = await toOwner(deps, copy, share, uri, {
    method: 'PUT',
    contentType: 'text/calendar; charset=utf-8',
    body: v.bytes,
    exists: current !== null,
    ownerEtag: current?.remoteEtag ?? null,
  });
  const r = await deps.objects.put(copy.id, uri, v.bytes, v.index, cond, { remoteEtag });
  return { etag: r.etag, created: r.created };
}

/** Deletes an object of a synced copy through its owner. */
export async function deleteThrough(
  deps: WriteThroughDeps,
  copy: Calendar,
  share: IncomingShare,
  uri: string,
  cond: WriteCondition = {},
): Promise<boolean> {
  if (copy.remote?.access !== 'read-write') throw readOnly();
  const current = await deps.objects.get(copy.id, uri);
  if (!current) return false;
  if (cond.ifMatch !== undefined && cond.ifMatch !== '*' && cond.ifMatch !== current.etag)
    throw new StorePreconditionFailed('the object changed meanwhile');
  await toOwner(deps, copy, share, uri, { method: 'DELETE', exists: true, ownerEtag: current.remoteEtag });
  return deps.objects.delete(copy.id, uri, cond);
}
