/**
 * PROPFIND on the virtual `Shared with me/` folder: the folder itself plus, at depth 1, one entry per accepted share
 * whose properties come from the owner (a depth-0 PROPFIND, in parallel, short timeout), with a minimal local
 * fallback when an owner is unreachable so one dead peer never breaks the listing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginContext } from '#core';
import {
  badRequest,
  forbidden,
  encodeSegment,
  child,
  clark,
  DAV_NS,
  elements,
  escapeXml,
  parseXml,
  serializeNodes,
} from '#dav';
import { multistatus, renderResponse, type PropRequest, type PropSource } from './dav-props.ts';
import { remoteTarget, type ShareMount } from './share-mounts.ts';
import type { VirtualEntry } from './dav-context.ts';

const OWNER_TIMEOUT_MS = 4_000;
const MAX_BODY = 1 << 20;

async function readAll(stream: AsyncIterable<Buffer>, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += c.length;
    if (size > max) throw badRequest('body too large');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function propRequest(body: string): PropRequest {
  if (!body.trim()) return { kind: 'allprop', include: [] };
  const root = parseXml(body);
  if (root.ns !== DAV_NS || root.local !== 'propfind') throw badRequest('PROPFIND body must be a DAV:propfind element');
  const prop = child(root, DAV_NS, 'prop');
  if (prop) return { kind: 'prop', names: elements(prop).map((e) => clark(e.ns, e.local)) };
  return child(root, DAV_NS, 'propname') ? { kind: 'propname' } : { kind: 'allprop', include: [] };
}

function virtualSource(name: string, collection: boolean, etag: string | null, mtimeMs: number): PropSource {
  return {
    name,
    collection,
    size: 0,
    mtimeMs,
    createdMs: mtimeMs,
    etag,
    contentType: null,
    locks: [],
    lockable: false,
  };
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

/** Answers PROPFIND on `Shared with me/`. */
export async function sharedFolderPropfind(
  ctx: Pick<PluginContext, 'remote' | 'shares'>,
  req: IncomingMessage,
  res: ServerResponse,
  mounts: ShareMount[],
  href: string,
  self: VirtualEntry,
): Promise<void> {
  const depth = String(req.headers.depth ?? '1').toLowerCase();
  if (depth === 'infinity') throw forbidden('Depth: infinity is not supported', 'propfind-finite-depth');
  const body = await readAll(req as AsyncIterable<Buffer>, MAX_BODY);
  const want = propRequest(body);
  const lockRoot = (): string => href;
  const responses = [
    renderResponse(
      `${href}/`,
      virtualSource(self.name, true, self.etag, self.mtimeMs),
      new Map(),
      want,
      false,
      lockRoot,
    ),
  ];
  if (depth === '1') {
    const entries = await Promise.all(
      mounts.map(async (m) => {
        const h = `${href}/${encodeSegment(m.name)}${m.collection ? '/' : ''}`;
        return (
          (await ownerEntry(ctx, m, h, body)) ??
          renderResponse(
            h,
            virtualSource(m.name, m.collection, null, m.share.updatedAt),
            new Map(),
            want,
            false,
            lockRoot,
          )
        );
      }),
    );
    responses.push(...entries);
  }
  const xml = multistatus(responses);
  res.statusCode = 207;
  res.setHeader('Content-Type', 'application/xml; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(xml));
  res.end(xml);
}
