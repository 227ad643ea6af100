/** MKCOL (create a collection) and DELETE (recursive). */
import { checkHttpConditions, checkIfHeader, guardWrite } from '../conditions.ts';
import { badRequest, conflict, DavError, forbidden, methodNotAllowed, notFound } from '../errors.ts';
import { baseName, parentOf } from '../paths.ts';
import type { DavServer, MethodHandler } from '../server.ts';
import { isCollection } from '../tree.ts';

/**
 * MKCOL without a body. RFC 4918 §9.3: a body we do not understand is 415; an extension that understands one
 * (extended MKCOL, RFC 5689) registers its own MKCOL handler and calls `next()` for plain requests.
 */
export function mkcolHandler(server: DavServer): MethodHandler {
  return async (d) => {
    if (d.hasBody()) throw new DavError(415, 'MKCOL with a body is not supported here', 'DAV_UNSUPPORTED_MEDIA_TYPE');
    if (await d.node()) throw methodNotAllowed('the resource already exists');
    const parentPath = parentOf(d.path);
    const parent = await d.node(parentPath);
    if (!isCollection(parent)) throw conflict('the parent collection does not exist');
    await checkIfHeader(server, d, null);
    await guardWrite(server, d, [{ path: d.path }, { path: parentPath }]);
    await parent.createCollection(baseName(d.path));
    d.forget();
    await server.emit('afterCreate', d, d.path);
    d.res.statusCode = 201;
    d.res.end();
  };
}

/** DELETE (collections recursively; Depth must be infinity when given). The mount root is never deleted. */
export function deleteHandler(server: DavServer): MethodHandler {
  return async (d) => {
    const node = await d.node();
    if (!node) throw notFound();
    if (d.path === '/') throw forbidden('the root of this tree cannot be deleted');
    const depth = d.header('depth');
    if (node.collection && depth !== undefined && depth.trim().toLowerCase() !== 'infinity')
      throw badRequest('DELETE of a collection needs Depth: infinity');
    checkHttpConditions(d, node);
    await checkIfHeader(server, d, node);
    await guardWrite(server, d, [{ path: d.path, deep: true }, { path: parentOf(d.path) }]);
    await node.delete();
    d.forget();
    await server.emit('afterUnbind', d, d.path);
    d.res.statusCode = 204;
    d.res.end();
  };
}
