/**
 * A recipient's write into a synced copy goes to the owner first (next-capabilities.md §2.5, done better): `PUT` or
 * `DELETE` on the owner's collection with `If-Match` on the owner's ETag (or `If-None-Match: *` for a new member), so
 * a concurrent change on the owner is a 412, not a lost update; only when the owner took it does the caller write
 * its copy (with the owner's new ETag). Whatever else the owner answers is an {@link OwnerWriteError} the resource
 * type turns into its own error: an owner that cannot be reached fails the write at once (nothing is queued or
 * silently lost; the copy stays readable); 401 ends the share (`shares.endedBySender`); 403 means the share is
 * read-only now.
 */
import type { IncomingShare, PluginContext } from '#core';
import { ownerRequest, OwnerUnreachable, unquoteEtag, type OwnerAccess } from './owner-request.ts';

/** Why the owner did not take a write. */
export type OwnerWriteFailure = 'unreachable' | 'revoked' | 'read-only' | 'changed' | 'refused';

/** A write the owner did not take; `status` is the owner's answer (0 when it could not be reached). */
export class OwnerWriteError extends Error {
  constructor(
    readonly reason: OwnerWriteFailure,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One write to the owner's member `uri`. */
export interface OwnerWrite {
  method: 'PUT' | 'DELETE';
  contentType?: string;
  body?: Buffer;
  /** The copy holds the member (a PUT replaces it; else `If-None-Match: *`). */
  exists: boolean;
  /** The owner's ETag of the member as the copy last saw it (sent as `If-Match`). */
  ownerEtag: string | null;
}

/**
 * Sends a write to the owner; resolves with the owner's new ETag (unquoted; null for a DELETE or when none was sent)
 * when it took it. `onReadOnly` runs when the owner refused with 403 (the copy should become read-only).
 */
export async function writeToOwner(
  ctx: PluginContext,
  share: IncomingShare,
  access: OwnerAccess,
  collectionUrl: string,
  uri: string,
  w: OwnerWrite,
  onReadOnly?: () => Promise<void>,
): Promise<{ etag: string | null }> {
  const headers: Record<string, string> = w.contentType ? { 'content-type': w.contentType } : {};
  if (w.method === 'PUT' && !w.exists) headers['if-none-match'] = '*';
  else if (w.ownerEtag) headers['if-match'] = `"${w.ownerEtag}"`;
  let res;
  try {
    res = await ownerRequest(ctx, share, access, collectionUrl + encodeURIComponent(uri), {
      method: w.method,
      headers,
      ...(w.body ? { body: w.body } : {}),
    });
  } catch (err) {
    if (err instanceof OwnerUnreachable) throw new OwnerWriteError('unreachable', 0, err.message);
    throw err;
  }
  const ok = w.method === 'PUT' ? [200, 201, 204] : [200, 204, 404];
  if (ok.includes(res.status)) return { etag: w.method === 'PUT' ? unquoteEtag(res.headers.etag) : null };
  if (res.status === 401) {
    await ctx.shares.endedBySender(share.id);
    throw new OwnerWriteError('revoked', 401, 'the owner ended this share');
  }
  if (res.status === 403) {
    await onReadOnly?.();
    throw new OwnerWriteError('read-only', 403, 'the owner refused the write: the share is read-only');
  }
  if (res.status === 412) throw new OwnerWriteError('changed', 412, "the member changed on the owner's server");
  throw new OwnerWriteError('refused', res.status, `the owner's server answered ${res.status} to ${w.method}`);
}
