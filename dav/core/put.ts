/** PUT: replaces a file's body or creates a file in an existing collection; the backend stores the stream. */
import { checkHttpConditions, checkIfHeader, guardWrite } from '../conditions.ts';
import { badRequest, conflict, methodNotAllowed } from '../errors.ts';
import { baseName, parentOf } from '../paths.ts';
import type { DavServer, MethodHandler } from '../server.ts';
import { isCollection, type DavCollection, type DavFile } from '../tree.ts';

/** PUT. */
export function putHandler(server: DavServer): MethodHandler {
  return async (d) => {
    if (d.header('content-range') !== undefined) throw badRequest('partial PUT (Content-Range) is not supported');
    const existing = await d.node();
    if (existing?.collection) throw methodNotAllowed('cannot PUT over a collection');
    if (!existing && d.trailingSlash) throw conflict('a file name cannot end with a slash');
    const parentPath = parentOf(d.path);
    const parent = existing || d.path === '/' ? null : await d.node(parentPath);
    if (!existing) {
      if (d.path === '/') throw conflict('the resource no longer exists');
      if (!isCollection(parent)) throw conflict('the parent collection does not exist');
    }
    checkHttpConditions(d, existing);
    await checkIfHeader(server, d, existing);
    await guardWrite(server, d, existing ? [{ path: d.path }] : [{ path: d.path }, { path: parentPath }]);
    const input = d.writeInput();
    const result = existing
      ? await (existing as DavFile).write(input)
      : await (parent as DavCollection).createFile(baseName(d.path), input);
    d.forget();
    await server.emit(existing ? 'afterWrite' : 'afterCreate', d, d.path);
    for (const [k, v] of Object.entries(result.headers ?? {})) d.res.setHeader(k, v);
    if (result.etag) d.res.setHeader('ETag', result.etag);
    d.res.statusCode = existing ? 204 : 201;
    d.res.end();
  };
}
