/**
 * PROPFIND on the virtual `Shared with me/` folder: the folder itself plus, at depth 1, one entry per accepted share
 * whose properties come from the owner (a depth-0 PROPFIND, in parallel, short timeout), with a minimal local
 * fallback when an owner is unreachable so one dead peer never breaks the listing.
 */
import type { PluginContext } from '#core';
import {
  child,
  DAV_NS,
  DavError,
  DavRequest,
  decodeUtf8,
  elements,
  escapeXml,
  forbidden,
  parsePropfind,
  parseXml,
  serializeNodes,
  type DavServer,
} from '#dav';
import { remoteTarget, SHARED_FOLDER, type ShareMount } from './share-mounts.ts';
import { VirtualEntry, type VirtualFolder } from './user-root.ts';

const OWNER_TIMEOUT_MS = 4_000;
const MAX_BODY = 1 << 20;

async function readAll(stream: AsyncIterable<Buffer>, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += c.length;
    if (size > max) throw new DavError(413, `bodies are limited to ${max} bytes`, 'DAV_BODY_TOO_LARGE');
    chunks.push(c);
  }
  return decodeUtf8(Buffer.concat(chunks));
}

/** Asks the owner for the share root's properties; returns the `<d:response>` with a local href, or null. */
async function ownerEntry(
  ctx: Pick<PluginContext, 'remote' | 'shares'>,
  m: ShareMount,
  href: string,
  body: string,
): Promise<string | null> {
  try {
    const target = await remoteTarget(ctx, m.share);
    const res = await ctx.remote.stream(target.base, {
      method: 'PROPFIND',
      timeoutMs: OWNER_TIMEOUT_MS,
      headers: { authorization: target.authorization, depth: '0', 'content-type': 'application/xml; charset=utf-8' },
      ...(body.trim() ? { body: Buffer.from(body) } : {}),
    });
    if (res.statusCode !== 207) {
      res.resume();
      return null;
    }
    const doc = parseXml(await readAll(res, MAX_BODY));
    const first = doc.ns === DAV_NS && doc.local === 'multistatus' ? child(doc, DAV_NS, 'response') : undefined;
    if (!first) return null;
    const rest = elements(first).filter((e) => !(e.ns === DAV_NS && e.local === 'href'));
    // The entry is named as in the recipient's tree (the owner's name may have gained a collision suffix).
    for (const ps of rest) {
      const name = child(child(ps, DAV_NS, 'prop') ?? ps, DAV_NS, 'displayname');
      if (name) name.children = [{ kind: 'text', text: m.name }];
    }
    return `<d:response><d:href>${escapeXml(href)}</d:href>${serializeNodes(rest, '', true)}</d:response>`;
  } catch {
    return null;
  }
}

/** Answers PROPFIND on `Shared with me/`: its own properties, and at depth 1 each share's root as its owner sees it. */
export async function sharedFolderPropfind(
  ctx: Pick<PluginContext, 'remote' | 'shares'>,
  d: DavRequest,
  server: DavServer,
  mounts: ShareMount[],
  self: VirtualFolder,
): Promise<void> {
  const depth = d.depth('1');
  if (depth === 'infinity') throw forbidden('Depth: infinity is not supported', 'propfind-finite-depth');
  const body = await readAll(d.req as AsyncIterable<Buffer>, MAX_BODY);
  const want = parsePropfind(body.trim() ? parseXml(body) : null);
  const folder = `/${SHARED_FOLDER}`;
  const [own] = await server.propFind(d, [{ path: folder, node: self }], want);
  const responses = [own!.render(false)];
  if (depth === '1') {
    const entries = await Promise.all(
      mounts.map(async (m) => {
        const p = DavRequest.childPath(folder, m.name);
        const remote = await ownerEntry(ctx, m, d.href(p, m.collection), body);
        if (remote) return remote;
        const local = new VirtualEntry(m.name, m.collection, m.share.updatedAt);
        const [pf] = await server.propFind(d, [{ path: p, node: local }], want);
        return pf!.render(false);
      }),
    );
    responses.push(...entries);
  }
  d.sendMultistatus(responses);
}
