/** COPY and MOVE within one scope: Destination parsing, Overwrite (412), Depth, locks on both ends, 201 vs 204. */
import { promises as fs } from 'node:fs';
import { badRequest, conflict, DavError, forbidden, notFound, preconditionFailed, isWithin, parentOf } from '#dav';
import {
  checkHttpConditions,
  checkIfHeader,
  checkLocks,
  fsOf,
  isPinned,
  isVirtual,
  pathFromUrl,
  relOf,
  requireWrite,
  statOf,
  type DavRequest,
} from './dav-context.ts';
import { copyEntry, fsError, removeEntry } from './file-store.ts';

/** COPY or MOVE. */
export async function handleCopyMove(d: DavRequest): Promise<void> {
  const move = d.method === 'MOVE';
  requireWrite(d);
  const rawDest = d.req.headers.destination;
  if (typeof rawDest !== 'string' || !rawDest.trim()) throw badRequest('Destination header is required');
  try {
    new URL(rawDest.trim(), 'http://placeholder');
  } catch {
    throw badRequest('Destination is not a URL');
  }
  const dest = pathFromUrl(d, rawDest.trim());
  if (dest === null)
    throw new DavError(502, 'the destination is on another server or outside this tree', 'DAV_CROSS_SERVER');
  if (isVirtual(d)) throw forbidden('this entry cannot be copied or moved');
  if (isVirtual(d, relOf(d.scope, dest)))
    throw new DavError(502, 'the destination is in another store', 'DAV_CROSS_SERVER');
  const src = await statOf(d);
  if (!src) throw notFound();
  if (dest === d.path) throw forbidden('source and destination are the same');
  if (src.collection && isWithin(dest, d.path)) throw forbidden('cannot copy or move a collection into itself');
  if (isPinned(d, dest) || (move && isPinned(d, d.path)))
    throw forbidden('the root of this tree cannot be replaced or moved');
  const depthRaw = d.req.headers.depth === undefined ? 'infinity' : String(d.req.headers.depth).toLowerCase();
  if (src.collection && (move ? depthRaw !== 'infinity' : depthRaw !== 'infinity' && depthRaw !== '0'))
    throw badRequest(`Depth ${depthRaw} is not allowed here`);
  const deep = depthRaw === 'infinity';
  const destParent = parentOf(dest);
  const dp = await statOf(d, destParent);
  if (!dp?.collection) throw conflict('the destination parent collection does not exist');
  const existing = await statOf(d, dest);
  const overwrite = String(d.req.headers.overwrite ?? 'T')
    .trim()
    .toUpperCase();
  if (overwrite !== 'T' && overwrite !== 'F') throw badRequest('Overwrite must be T or F');
  if (existing && overwrite === 'F') throw preconditionFailed('the destination exists and Overwrite is F');
  checkHttpConditions(d, src);
  await checkIfHeader(d, src);
  checkLocks(d, [
    ...(move ? [{ path: d.path, deep: true }, { path: parentOf(d.path) }] : []),
    { path: dest, deep: true },
    { path: destParent },
  ]);
  const { tree, locks } = d.svc;
  const owner = d.scope.owner;
  const target = fsOf(d, dest);
  if (existing) {
    await removeEntry(target);
    await tree.removeTree(owner, dest);
    locks.removeTree(owner, dest);
  }
  try {
    if (move) {
      await fs.rename(fsOf(d), target);
      await tree.moveTree(owner, d.path, dest);
      locks.removeTree(owner, d.path);
    } else {
      await copyEntry(fsOf(d), target, deep);
      await tree.copyProps(owner, d.path, dest, deep || !src.collection);
    }
  } catch (err) {
    throw fsError(err);
  }
  d.res.statusCode = existing ? 204 : 201;
  d.res.end();
}
