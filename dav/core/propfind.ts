/** PROPFIND (Depth 0 and 1; infinity refused with `propfind-finite-depth`) and PROPPATCH. */
import { checkIfHeader, guardWrite } from '../conditions.ts';
import { forbidden, notFound } from '../errors.ts';
import { parsePropfind } from '../prop-find.ts';
import { applyPropPatch, parsePropertyUpdate, propPatchResponse } from '../prop-patch.ts';
import { DavRequest } from '../request.ts';
import type { DavServer, MethodHandler } from '../server.ts';
import { isCollection } from '../tree.ts';

/** PROPFIND. A missing Depth is treated as 1 (clients that omit it never mean a whole tree). */
export function propfindHandler(server: DavServer): MethodHandler {
  return async (d) => {
    const depth = d.depth('1');
    if (depth === 'infinity')
      throw forbidden('Depth: infinity is not supported; use Depth 0 or 1', 'propfind-finite-depth');
    const want = parsePropfind(await d.readXml());
    const node = await d.node();
    if (!node) throw notFound();
    const targets = [{ path: d.path, node }];
    if (depth === '1' && isCollection(node))
      for (const c of await node.children()) targets.push({ path: DavRequest.childPath(d.path, c.name), node: c });
    const found = await server.propFind(d, targets, want);
    const minimal = d.wantsMinimal();
    d.sendMultistatus(found.map((p) => p.render(minimal)));
  };
}

/** PROPPATCH: protected properties fail with 403 and everything else with 424; handlers store the rest. */
export function proppatchHandler(server: DavServer): MethodHandler {
  return async (d) => {
    const ops = parsePropertyUpdate(await d.readXml());
    const node = await d.node();
    if (!node) throw notFound();
    await checkIfHeader(server, d, node);
    await guardWrite(server, d, [{ path: d.path }]);
    const propstats = await applyPropPatch(d, node, ops, server.propPatchHandlers, (n) => server.isProtected(n));
    d.sendMultistatus([propPatchResponse(d.href(d.path, node.collection), propstats)]);
  };
}
