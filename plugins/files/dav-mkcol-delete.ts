/** MKCOL (create a collection) and DELETE (recursive). */
import { promises as fs } from 'node:fs';
import { badRequest, conflict, DavError, forbidden, notFound, parentOf } from '#dav';
import {
  checkHttpConditions,
  checkIfHeader,
  checkLocks,
  fsOf,
  isPinned,
  isVirtual,
  requireWrite,
  statOf,
  type DavRequest,
} from './dav-context.ts';
import { hasBody } from './dav-body.ts';
import { fsError, removeEntry } from './file-store.ts';

/** MKCOL. */
export async function handleMkcol(d: DavRequest): Promise<void> {
  requireWrite(d);
  // RFC 4918 §9.3: a body we do not understand (we understand none) is 415.
  if (hasBody(d)) throw new DavError(415, 'MKCOL with a body is not supported', 'DAV_UNSUPPORTED_MEDIA_TYPE');
  if (isVirtual(d) || (await statOf(d)))
    throw new DavError(405, 'the resource already exists', 'DAV_METHOD_NOT_ALLOWED');
  const parent = parentOf(d.path);
  const p = await statOf(d, parent);
  if (!p?.collection || isPinned(d, d.path)) throw conflict('the parent collection does not exist');
  await checkIfHeader(d, null);
  checkLocks(d, [{ path: d.path }, { path: parent }]);
  await fs.mkdir(fsOf(d)).catch((err: unknown) => {
    throw fsError(err);
  });
  await d.svc.tree.removeTree(d.scope.owner, d.path);
  d.res.statusCode = 201;
  d.res.end();
}

/** DELETE (collections recursively; Depth must be infinity when given). */
export async function handleDelete(d: DavRequest): Promise<void> {
  requireWrite(d);
  if (isVirtual(d)) throw forbidden('this entry cannot be deleted here');
  const info = await statOf(d);
  if (!info) throw notFound();
  if (isPinned(d, d.path)) throw forbidden('the root of this tree cannot be deleted');
  const depth = d.req.headers.depth;
  if (info.collection && depth !== undefined && String(depth).toLowerCase() !== 'infinity')
    throw badRequest('DELETE of a collection needs Depth: infinity');
  checkHttpConditions(d, info);
  await checkIfHeader(d, info);
  checkLocks(d, [{ path: d.path, deep: true }, { path: parentOf(d.path) }]);
  await removeEntry(fsOf(d));
  await d.svc.tree.removeTree(d.scope.owner, d.path);
  d.svc.locks.removeTree(d.scope.owner, d.path);
  d.res.statusCode = 204;
  d.res.end();
}
