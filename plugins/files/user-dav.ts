/**
 * `/dav/files/<user>/`: a user's own tree (served from disk) plus the virtual `Shared with me/` folder whose entries
 * are the user's accepted incoming shares, each proxied to its owner.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginContext } from '#core';
import { DavError, forbidden, notFound, decodeSegments, encodeSegment } from '#dav';
import type { DavScope, DavServices, VirtualEntry } from './dav-context.ts';
import type { DavAuthenticator } from './dav-auth.ts';
import { sendFailure, sendOptions, serveDav, WRITE_METHODS } from './dav-handler.ts';
import { listMounts, SHARED_FOLDER, type ShareMount } from './share-mounts.ts';
import { proxyToOwner } from './share-proxy.ts';
import { sharedFolderPropfind } from './shared-folder.ts';

/** Directory of a user's tree. */
export function userRoot(filesDir: string, userId: string): string {
  return path.join(filesDir, userId);
}

function virtualShared(mounts: ShareMount[]): VirtualEntry {
  const h = createHash('sha256');
  for (const m of mounts) h.update(`${m.share.id}:${m.name}:${m.share.updatedAt}\n`);
  const mtimeMs = mounts.reduce((t, m) => Math.max(t, m.share.updatedAt), 0) || Date.UTC(2020, 0, 1);
  return { name: SHARED_FOLDER, collection: true, etag: `"s-${h.digest('base64url').slice(0, 22)}"`, mtimeMs };
}

/** The request handler mounted at /dav/files. */
export function userDavHandler(ctx: PluginContext, svc: DavServices, filesDir: string, auth: DavAuthenticator) {
  const created = new Set<string>();
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      const url = req.url ?? '/';
      const m = /^\/([^/?#]+)(.*)$/.exec(url);
      if (!m) throw notFound('use /dav/files/<user>/');
      const userSeg = decodeSegments(m[1] as string)[0] as string;
      const user = await auth(req, res);
      if (!user) throw new DavError(401, 'authentication required', 'UNAUTHENTICATED');
      if (user.id !== userSeg) throw forbidden('you may only access your own files');
      const root = userRoot(filesDir, user.id);
      if (!created.has(user.id)) {
        mkdirSync(root, { recursive: true });
        created.add(user.id);
      }
      const rest = m[2] as string;
      const prefix = `/dav/files/${encodeSegment(user.id)}`;
      const segs = decodeSegments(rest);
      if (segs[0] === SHARED_FOLDER) {
        const mounts = await listMounts(ctx, user.id);
        const folderHref = `${prefix}/${encodeSegment(SHARED_FOLDER)}`;
        if (segs.length === 1)
          return await sharedFolder(req, res, method, mounts, folderHref, virtualShared(mounts), ctx);
        const mount = mounts.find((x) => x.name === segs[1]);
        if (!mount) {
          if (WRITE_METHODS.has(method) && segs.length === 2)
            throw forbidden('only accepted shares live in Shared with me');
          throw notFound('no such share');
        }
        if (method === 'DELETE' && segs.length === 2) {
          // Deleting the share's entry in Shared with me means "leave this share", never "delete the owner's data".
          await ctx.shares.leaveIncoming(user.id, mount.share.id);
          res.writeHead(204).end();
          return;
        }
        const mountHref = `${folderHref}/${encodeSegment(mount.name)}`;
        const after = rest.replace(/^\/+[^/?#]+\/+[^/?#]+/, '');
        return await proxyToOwner(ctx, req, res, mount, after, mountHref);
      }
      const needsVirtual = method === 'PROPFIND' && segs.length === 0;
      const scope: DavScope = {
        owner: user.id,
        fsRoot: root,
        base: '/',
        hrefPrefix: prefix,
        canWrite: true,
        principal: `user:${user.id}`,
        virtualRoot: [
          needsVirtual
            ? virtualShared(await listMounts(ctx, user.id))
            : { name: SHARED_FOLDER, collection: true, etag: '""', mtimeMs: 0 },
        ],
      };
      await serveDav(req, res, scope, svc, rest, ctx.logger);
    } catch (err) {
      sendFailure(res, err, method, ctx.logger);
    }
  };
}

async function sharedFolder(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  mounts: ShareMount[],
  href: string,
  self: VirtualEntry,
  ctx: PluginContext,
): Promise<void> {
  res.setHeader('DAV', '1, 2');
  if (method === 'OPTIONS') return sendOptions(res);
  if (method === 'PROPFIND') return sharedFolderPropfind(ctx, req, res, mounts, href, self);
  if (method === 'GET' || method === 'HEAD') {
    const items = mounts
      .map(
        (m) =>
          `<li><a href="${href}/${encodeSegment(m.name)}${m.collection ? '/' : ''}">${m.name.replace(/[<>&"]/g, '')}</a></li>`,
      )
      .join('');
    const body = `<!doctype html><meta charset="utf-8"><title>${SHARED_FOLDER}</title><ul>${items}</ul>`;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('ETag', self.etag);
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(method === 'HEAD' ? undefined : body);
    return;
  }
  if (method === 'MKCOL') throw new DavError(405, 'the resource already exists', 'DAV_METHOD_NOT_ALLOWED');
  if (WRITE_METHODS.has(method))
    throw forbidden('Shared with me is managed by Meshwork: accept or leave shares in the app');
  throw new DavError(405, `${method} is not supported here`, 'DAV_METHOD_NOT_ALLOWED');
}
