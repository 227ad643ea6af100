/** PUT: the body is streamed to a temp file on the same file system and renamed over the target atomically. */
import { randomUUID } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { badRequest, conflict, DavError, forbidden, parentOf } from '#dav';
import {
  checkHttpConditions,
  checkIfHeader,
  checkLocks,
  fsOf,
  isVirtual,
  requireWrite,
  statOf,
  type DavRequest,
} from './dav-context.ts';
import { fsError } from './file-store.ts';

/** PUT. */
export async function handlePut(d: DavRequest): Promise<void> {
  requireWrite(d);
  if (isVirtual(d)) throw forbidden('this name is reserved');
  if (d.req.headers['content-range'] !== undefined) throw badRequest('partial PUT (Content-Range) is not supported');
  const existing = await statOf(d);
  if (existing?.collection) throw new DavError(405, 'cannot PUT over a collection', 'DAV_METHOD_NOT_ALLOWED');
  if (!existing && d.trailingSlash) throw conflict('a file name cannot end with a slash');
  const parent = parentOf(d.path);
  if (!existing) {
    if (d.path === d.scope.base) throw conflict('the shared file no longer exists');
    const p = await statOf(d, parent);
    if (!p?.collection) throw conflict('the parent collection does not exist');
  }
  checkHttpConditions(d, existing);
  await checkIfHeader(d, existing);
  checkLocks(d, existing ? [{ path: d.path }] : [{ path: d.path }, { path: parent }]);

  const tmp = path.join(d.svc.uploadDir, `${randomUUID()}.part`);
  const expected = d.req.headers['content-length'] !== undefined ? Number(d.req.headers['content-length']) : null;
  let written = 0;
  d.req.on('data', (c: Buffer) => {
    written += c.length;
  });
  try {
    await pipeline(d.req, createWriteStream(tmp, { flags: 'wx', highWaterMark: 256 * 1024 }));
    if (expected !== null && written !== expected) throw badRequest('body shorter than Content-Length');
    const mtime = Number(d.req.headers['x-oc-mtime']);
    if (Number.isFinite(mtime) && mtime > 0) {
      await fs.utimes(tmp, new Date(), new Date(mtime * 1000));
      d.res.setHeader('X-OC-MTime', 'accepted');
    }
    await fs.rename(tmp, fsOf(d)).catch((err: unknown) => {
      throw fsError(err);
    });
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  if (!existing) await d.svc.tree.removeTree(d.scope.owner, d.path); // stale properties of an earlier resource
  const now = await statOf(d);
  if (now) d.res.setHeader('ETag', now.etag);
  d.res.statusCode = existing ? 204 : 201;
  d.res.end();
}
