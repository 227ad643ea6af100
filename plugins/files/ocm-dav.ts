/**
 * `/dav/ocm/<providerId>/...`: the owner's side of a federated share. The caller proves the share with
 * `Authorization: Bearer <sharedSecret | exchanged token>` (or legacy `Basic base64(secret:)`); access is checked on
 * every request, so a revoked or declined share stops working at once. Write methods need the `write` permission.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginContext } from '#core';
import { DavError, decodeSegments, encodeSegment, notFound, sendFailure, type DavMount } from '#dav';
import type { FilesDav } from './files-dav.ts';
import { previewSize, type Previews } from './previews/previews.ts';

/** Path of the OCM WebDAV endpoint advertised in discovery. */
export const OCM_DAV_PATH = '/dav/ocm/';

/** The share credential in an Authorization header, or null. */
export function shareCredential(header: string | undefined): string | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && value) return value;
  if (scheme === 'basic' && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon === -1 ? decoded : decoded.slice(0, colon);
    return user || (colon === -1 ? null : decoded.slice(colon + 1) || null);
  }
  return null;
}

/** The request handler mounted at /dav/ocm. */
export function ocmDavHandler(ctx: PluginContext, dav: FilesDav, previews: Previews) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      decodeSegments(req.url ?? '/'); // malformed percent-encoding anywhere is a 400, before anything else
      const m = /^\/([A-Za-z0-9._~-]{1,128})(\/.*)?$/.exec((req.url ?? '/').replace(/[?#].*$/, ''));
      if (!m) throw notFound('no such share');
      const providerId = m[1] as string;
      const credential = shareCredential(req.headers.authorization);
      const access = credential ? await ctx.shares.verifyAccess(credential, ['file', 'folder']) : null;
      if (!access || access.share.providerId !== providerId)
        throw new DavError(401, 'invalid or revoked share credential', 'UNAUTHENTICATED');
      const share = access.share;
      // The shared object itself, never whatever took its path since (then the share is ended).
      const root = await dav.roots.get(providerId);
      if (!root) await dav.binding.end([providerId]);
      const node = root && (await dav.binding.resolve(root));
      if (!root || !node) throw notFound('the shared resource no longer exists');
      const rest = (req.url ?? '/').slice(providerId.length + 1);
      const mount: DavMount = {
        root: node,
        hrefPrefix: `${OCM_DAV_PATH}${encodeSegment(providerId)}`,
        space: root.owner,
        basePath: root.path,
        principal: `ocm:${providerId}`,
        canWrite: share.permissions.includes('write'),
      };
      const preview = method === 'GET' ? previewSize(req.url) : null;
      if (preview !== null) await previews.serve(dav.server.request(req, res, mount, rest), root.owner, preview);
      else await dav.server.handle(req, res, mount, rest);
    } catch (err) {
      sendFailure(res, err, method, ctx.logger);
    }
  };
}
