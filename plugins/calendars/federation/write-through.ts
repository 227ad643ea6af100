/**
 * Writes by the recipient into a synced copy (§2.5, done better): the change goes to the owner first — `PUT` or
 * `DELETE` on the owner's collection with `If-Match` on the owner's ETag (or `If-None-Match: *` for a new object),
 * so a concurrent change on the owner is a 412, not a lost update — and only then into the copy, with the owner's
 * new ETag. A read-only share refuses with 403 `DAV:need-privileges`; an owner that cannot be reached makes the
 * write fail at once with 503 (nothing is queued or silently lost; the copy stays readable).
 */
import { MeshworkError, type IncomingShare, type PluginContext } from '#core';
import { StorePreconditionFailed } from '../caldav-errors.ts';
import type { Calendar } from '../calendar-store.ts';
import { validateCalendarObject } from '../ical-validate.ts';
import type { ObjectStore, WriteCondition } from '../object-store.ts';
import { CALENDAR_ERRORS } from '../error-codes.ts';
import { FEDERATION_ERRORS } from './error-codes.ts';
import { readCalendarShare } from './protocol.ts';
import { collectionUrl, ownerRequest, OwnerUnreachable, unquoteEtag } from './remote-http.ts';

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

function unreachable(detail: string): FederationWriteError {
  return new FederationWriteError(
    FEDERATION_ERRORS.CALENDAR_OWNER_UNREACHABLE,
    `the calendar's owner server cannot be reached (${detail}); your change was not saved, try again later`,
    503,
  );
}

export interface WriteThroughDeps {
  ctx: PluginContext;
  objects: ObjectStore;
  /** Called when the owner answered 401: the share is over. */
  revoked(share: IncomingShare): Promise<void>;
  /** Called when the owner answered 403 to a write: the copy becomes read-only. */
  readOnly(copy: Calendar): Promise<void>;
}

function ownerFailure(status: number, what: string): FederationWriteError {
  if (status === 403) return readOnly();
  if (status === 412)
    return new FederationWriteError(
      CALENDAR_ERRORS.CALENDAR_PRECONDITION_FAILED,
      `the event changed on the owner's server meanwhile; sync and try again`,
      412,
    );
  return new FederationWriteError(
    FEDERATION_ERRORS.CALENDAR_OWNER_REFUSED,
    `the owner's server answered ${status} to ${what}`,
    502,
  );
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
  const info = readCalendarShare(share);
  const headers: Record<string, string> = { 'content-type': 'text/calendar; charset=utf-8' };
  if (!current) headers['if-none-match'] = '*';
  else if (current.remoteEtag) headers['if-match'] = `"${current.remoteEtag}"`;
  let res;
  try {
    res = await ownerRequest(deps.ctx, share, info, collectionUrl(info) + encodeURIComponent(uri), {
      method: 'PUT',
      headers,
      body: v.bytes,
    });
  } catch (err) {
    if (err instanceof OwnerUnreachable) throw unreachable(err.message);
    throw err;
  }
  if (res.status === 401) {
    await deps.revoked(share);
    throw new FederationWriteError(FEDERATION_ERRORS.CALENDAR_SHARE_REVOKED, 'the owner ended this share', 404);
  }
  if (res.status === 403) await deps.readOnly(copy);
  if (res.status !== 201 && res.status !== 204 && res.status !== 200) throw ownerFailure(res.status, 'PUT');
  const remoteEtag = unquoteEtag(res.headers.etag);
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
  const info = readCalendarShare(share);
  let res;
  try {
    res = await ownerRequest(deps.ctx, share, info, collectionUrl(info) + encodeURIComponent(uri), {
      method: 'DELETE',
      headers: current.remoteEtag ? { 'if-match': `"${current.remoteEtag}"` } : {},
    });
  } catch (err) {
    if (err instanceof OwnerUnreachable) throw unreachable(err.message);
    throw err;
  }
  if (res.status === 401) {
    await deps.revoked(share);
    throw new FederationWriteError(FEDERATION_ERRORS.CALENDAR_SHARE_REVOKED, 'the owner ended this share', 404);
  }
  if (res.status === 403) await deps.readOnly(copy);
  if (res.status !== 204 && res.status !== 200 && res.status !== 404) throw ownerFailure(res.status, 'DELETE');
  return deps.objects.delete(copy.id, uri, cond);
}
