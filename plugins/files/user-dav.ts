/**
 * `/dav/files/<user>/`: a user's own tree (served from disk by the files DAV server) plus the virtual
 * `Shared with me/` folder whose entries are the user's accepted incoming shares, each proxied to its owner.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginContext } from '#core';
import {
  decodeSegments,
  DavError,
  encodeSegment,
  forbidden,
  methodNotAllowed,
  notFound,
  sendFailure,
  type DavMount,
  type DavRequest,
} from '#dav';
import type { DavAuthenticator } from './dav-auth.ts';
import { userDir, WRITE_METHODS, type FilesDav } from './files-dav.ts';
import { listMounts, SHARED_FOLDER, type ShareMount } from './share-mounts.ts';
import { previewSize, type Previews } from './previews/previews.ts';
import { proxyToOwner } from './share-proxy.ts';
import { sharedFolderPropfind } from './shared-folder.ts';
import { UserRoot, VirtualFolder, type VirtualInfo } from './user-root.ts';

/** The Shared with me folder's ETag and date, derived from the accepted shares it lists. */
function sharedInfo(mounts: ShareMount[]): VirtualInfo {
  const h = createHash('sha256');
  for (const m of mounts) h.update(`${m.share.id}:${m.name}:${m.share.updatedAt}\n`);
  const mtimeMs = mounts.reduce((t, m) => Math.max(t, m.share.updatedAt), 0) || Date.UTC(2020, 0, 1);
  return { etag: `"s-${h.digest('base64url').slice(0, 22)}"`, mtimeMs };
}

/** The request handler mounted at /dav/files. */
export function userDavHandler(ctx: PluginContext, dav: FilesDav, auth: DavAuthenticator, previews: Previews) {
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
      const dir = userDir(dav.filesDir, user.id);
      if (!created.has(user.id)) {
        mkdirSync(dir, { recursive: true });
        created.add(user.id);
      }
      const rest = m[2] as string;
      const prefix = `/dav/files/${encodeSegment(user.id)}`;
      const segs = decodeSegments(rest);
      // The user's root is stat'ed for requests it serves; one into a share goes to the owner without it.
      const ownMount = async (): Promise<DavMount> => {
        const root = await UserRoot.openUser(dav.store, dir, user.id, async () =>
          sharedInfo(await listMounts(ctx, user.id)),
        );
        if (!root) throw notFound('the home folder is missing');
        return {
          root,
          hrefPrefix: prefix,
          space: user.id,
          basePath: '/',
          principal: `user:${user.id}`,
          canWrite: true,
        };
      };
      const preview = method === 'GET' ? previewSize(url) : null;
      if (segs[0] !== SHARED_FOLDER) {
        const mount = await ownMount();
        if (preview !== null) return await previews.serve(dav.server.request(req, res, mount, rest), user.id, preview);
        return await dav.server.handle(req, res, mount, rest);
      }
      const mounts = await listMounts(ctx, user.id);
      if (segs.length === 1)
        return await sharedFolder(dav.server.request(req, res, await ownMount(), rest), dav, mounts, ctx);
      const share = mounts.find((x) => x.name === segs[1]);
      if (!share) {
        if (WRITE_METHODS.has(method) && segs.length === 2)
          throw forbidden('only accepted shares live in Shared with me');
        throw notFound('no such share');
      }
      if (method === 'DELETE' && segs.length === 2) {
        // Deleting the share's entry in Shared with me means "leave this share", never "delete the owner's data".
        await ctx.shares.leaveIncoming(user.id, share.share.id);
        res.writeHead(204).end();
        return;
      }
      const mountHref = `${prefix}/${encodeSegment(SHARED_FOLDER)}/${encodeSegment(share.name)}`;
      const after = rest.replace(/^\/+[^/?#]+\/+[^/?#]+/, '');
      return await proxyToOwner(ctx, req, res, share, after, mountHref);
    } catch (err) {
      sendFailure(res, err, method, ctx.logger);
    }
  };
}

/** Requests on `Shared with me/` itself: listing and properties; every change is refused. */
async function sharedFolder(d: DavRequest, dav: FilesDav, mounts: ShareMount[], ctx: PluginContext): Promise<void> {
  d.res.setHeader('DAV', dav.server.davHeader);
  const self = new VirtualFolder(SHARED_FOLDER, sharedInfo(mounts));
  if (d.method === 'OPTIONS') return dav.server.sendOptions(d.res);
  if (d.method === 'PROPFIND') return sharedFolderPropfind(ctx, d, dav.server, mounts, self);
  if (d.method === 'GET' || d.method === 'HEAD') {
    const href = d.href(d.path, false);
    const items = mounts
      .map(
        (m) =>
          `<li><a href="${href}/${encodeSegment(m.name)}${m.collection ? '/' : ''}">${m.name.replace(/[<>&"]/g, '')}</a></li>`,
      )
      .join('');
    const body = `<!doctype html><meta charset="utf-8"><title>${SHARED_FOLDER}</title><ul>${items}</ul>`;
    d.res.setHeader('Content-Type', 'text/html; charset=utf-8');
    d.res.setHeader('ETag', self.etag);
    d.res.setHeader('Content-Length', Buffer.byteLength(body));
    d.res.end(d.method === 'HEAD' ? undefined : body);
    return;
  }
  if (d.method === 'MKCOL') throw methodNotAllowed('the resource already exists');
  if (WRITE_METHODS.has(d.method))
    throw forbidden('Shared with me is managed by Meshwork: accept or leave shares in the app');
  throw methodNotAllowed(`${d.method.slice(0, 32)} is not supported here`);
}
