/**
 * `/dav/remote-addressbooks/<providerId>/…`: the owner's side of a federated address book. The recipient's server
 * proves the share on every request with the share's secret, as the Basic password (the user part is ignored) or as
 * `Bearer <secret>`, exactly as for calendars. A revoked share answers 401. The book is served with the CardDAV nodes
 * of the local tree (sync-collection, addressbook-multiget, If-Match on writes); read-only shares refuse writes with
 * 403 `DAV:need-privileges`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginContext } from '#core';
import { createDavServer, DavError, decodeSegments, encodeSegment, notFound, sendFailure, syncExtension } from '#dav';
import type { DavMount } from '#dav';
import { carddavExtension } from '../carddav-extension.ts';
import { BookNode, type CardDavContext } from '../carddav-nodes.ts';
import { REMOTE_ADDRESSBOOKS_PATH } from './protocol.ts';

/** The share credential of an Authorization header: Bearer value, or Basic password (else user). */
export function shareCredential(header: string | undefined): string | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (!value) return null;
  if (scheme === 'bearer') return value;
  if (scheme !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return decoded || null;
  return decoded.slice(colon + 1) || decoded.slice(0, colon) || null;
}

/** The request handler mounted at `/dav/remote-addressbooks`. */
export function ownerDavHandler(ctx: PluginContext, dav: CardDavContext) {
  const server = createDavServer({
    logger: ctx.logger,
    extensions: [syncExtension(), carddavExtension({ maxBytes: dav.limits.maxBytes })],
  });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      decodeSegments(req.url ?? '/');
      const m = /^\/([A-Za-z0-9._~-]{1,128})(\/.*)?$/.exec((req.url ?? '/').replace(/[?#].*$/, ''));
      if (!m) throw notFound('no such address book');
      const providerId = m[1] as string;
      const credential = shareCredential(req.headers.authorization);
      const access = credential ? await ctx.shares.verifyAccess(credential, 'addressbook') : null;
      if (!access || access.share.providerId !== providerId) {
        res.setHeader('WWW-Authenticate', 'Basic realm="meshwork remote address books"');
        throw new DavError(401, 'invalid or revoked share credential', 'UNAUTHENTICATED');
      }
      const share = access.share;
      const book = await dav.books.getById(share.resourceId);
      if (!book || book.ownerId !== share.ownerId || book.kind !== 'local')
        throw notFound('the shared address book no longer exists');
      const hrefPrefix = `${REMOTE_ADDRESSBOOKS_PATH}/${encodeSegment(providerId)}`;
      const mount: DavMount = {
        root: new BookNode(dav, book, hrefPrefix),
        hrefPrefix,
        space: `contacts-book:${book.id}`,
        basePath: '/',
        principal: `ocm:${providerId}`,
        canWrite: share.permissions.includes('write'),
      };
      await server.handle(req, res, mount, (req.url ?? '/').slice(providerId.length + 1));
    } catch (err) {
      sendFailure(res, err, method, ctx.logger);
    }
  };
}
