/**
 * COPY and MOVE within one mount: Destination parsing, Overwrite (412), Depth, guards on both ends, 201 vs 204.
 * Backends move or copy natively (`moveInto`/`copyInto`); otherwise the server copies node by node.
 */
import { checkHttpConditions, checkIfHeader, guardWrite } from '../conditions.ts';
import { badRequest, conflict, DavError, forbidden, notFound, preconditionFailed } from '../errors.ts';
import { baseName, isWithin, parentOf } from '../paths.ts';
import type { DavRequest } from '../request.ts';
import type { DavServer, MethodHandler } from '../server.ts';
import { isCollection, type DavCollection, type DavFile, type DavNode } from '../tree.ts';

/** Copies a node into a collection member by member (for backends without a native copy). */
async function copyGeneric(source: DavNode, parent: DavCollection, name: string, deep: boolean): Promise<void> {
  if (!isCollection(source)) {
    const file = source as DavFile;
    await parent.createFile(name, {
      body: await file.read(),
      length: file.size,
      contentType: file.contentType ?? undefined,
      headers: {},
    });
    return;
  }
  await parent.createCollection(name);
  if (!deep) return;
  const target = await parent.child(name);
  if (!isCollection(target)) throw new DavError(500, 'the copied collection vanished', 'DAV_INTERNAL');
  for (const c of await source.children()) await copyGeneric(c, target, c.name, true);
}

function destinationOf(d: DavRequest): string {
  const raw = d.header('destination')?.trim();
  if (!raw) throw badRequest('Destination header is required');
  try {
    new URL(raw, 'http://placeholder');
  } catch {
    throw badRequest('Destination is not a URL');
  }
  const dest = d.pathFromUrl(raw);
  if (dest === null)
    throw new DavError(502, 'the destination is on another server or outside this tree', 'DAV_CROSS_SERVER');
  return dest;
}

/** COPY or MOVE. */
export function copyMoveHandler(server: DavServer): MethodHandler {
  return async (d) => {
    const move = d.method === 'MOVE';
    const dest = destinationOf(d);
    const src = await d.node();
    if (!src) throw notFound();
    if (dest === d.path) throw forbidden('source and destination are the same');
    if (src.collection && isWithin(dest, d.path)) throw forbidden('cannot copy or move a collection into itself');
    if (dest === '/' || (move && d.path === '/')) throw forbidden('the root of this tree cannot be replaced or moved');
    const depthRaw = (d.header('depth') ?? 'infinity').trim().toLowerCase();
    if (src.collection && (move ? depthRaw !== 'infinity' : depthRaw !== 'infinity' && depthRaw !== '0'))
      throw badRequest(`Depth ${depthRaw} is not allowed here`);
    const deep = depthRaw === 'infinity';
    const destParentPath = parentOf(dest);
    const destParent = await d.node(destParentPath);
    if (!isCollection(destParent)) throw conflict('the destination parent collection does not exist');
    const existing = await d.node(dest);
    const overwrite = (d.header('overwrite') ?? 'T').trim().toUpperCase();
    if (overwrite !== 'T' && overwrite !== 'F') throw badRequest('Overwrite must be T or F');
    if (existing && overwrite === 'F') throw preconditionFailed('the destination exists and Overwrite is F');
    checkHttpConditions(d, src);
    await checkIfHeader(server, d, src);
    await guardWrite(server, d, [
      ...(move ? [{ path: d.path, deep: true }, { path: parentOf(d.path) }] : []),
      { path: dest, deep: true },
      { path: destParentPath },
    ]);
    if (existing) {
      await existing.delete();
      await server.emit('afterUnbind', d, dest);
    }
    const name = baseName(dest);
    if (move) {
      if (!(await destParent.moveInto?.(name, src))) {
        await copyGeneric(src, destParent, name, true);
        // Side data keyed to the source (dead properties in a table whose rows go with their resource) is copied
        // while the source still exists; afterMove then finds nothing left to move.
        d.forget();
        await server.emit('afterCopy', d, d.path, dest, true);
        await src.delete();
      }
      d.forget();
      await server.emit('afterMove', d, d.path, dest);
    } else {
      if (!(await destParent.copyInto?.(name, src, deep))) await copyGeneric(src, destParent, name, deep);
      d.forget();
      await server.emit('afterCopy', d, d.path, dest, deep || !src.collection);
    }
    d.res.statusCode = existing ? 204 : 201;
    d.res.end();
  };
}
