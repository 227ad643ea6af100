/**
 * `/dav/remote-calendars/<providerId>/…`: the owner's side of a federated calendar. The recipient's server proves the
 * share on every request with the share's secret or an exchanged token, as Nextcloud does (`Basic
 * base64(base64(cloudId) ":" secret)`: only the password counts, §2.4 — the user part is the recipient's cloud id as
 * *its* server rebuilds it) or as `Bearer <credential>`. A revoked share answers 401 at once, which is how Nextcloud
 * learns of an unshare. Read-only shares refuse writes with 403 `DAV:need-privileges`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginContext } from '#core';
import {
  createDavServer,
  DavError,
  decodeSegments,
  encodeSegment,
  notFound,
  sendFailure,
  syncExtension,
  type DavMount,
} from '#dav';
import type { CalendarStore } from '../calendar-store.ts';
import type { ObjectStore } from '../object-store.ts';
import { ownerMultigetExtension } from './owner-multiget.ts';
import { SharedCalendarNode } from './owner-nodes.ts';
import { REMOTE_CALENDARS_PATH } from './protocol.ts';

/** The share credential of an Authorization header: Bearer value, or Basic password (else user). */
export function calendarCredential(header: string | undefined): string | null {
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

/** The request handler mounted at `/dav/remote-calendars`. */
export function ownerDavHandler(ctx: PluginContext, stores: { calendars: CalendarStore; objects: ObjectStore }) {
  const server = createDavServer({
    logger: ctx.logger,
    extensions: [syncExtension(), ownerMultigetExtension(stores.objects)],
  });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      decodeSegments(req.url ?? '/');
      const m = /^\/([A-Za-z0-9._~-]{1,128})(\/.*)?$/.exec((req.url ?? '/').replace(/[?#].*$/, ''));
      if (!m) throw notFound('no such calendar');
      const providerId = m[1] as string;
      const credential = calendarCredential(req.headers.authorization);
      const access = credential ? await ctx.shares.verifyAccess(credential, 'calendar') : null;
      if (!access || access.share.providerId !== providerId) {
        res.setHeader('WWW-Authenticate', 'Basic realm="meshwork remote calendars"');
        throw new DavError(401, 'invalid or revoked share credential', 'UNAUTHENTICATED');
      }
      const share = access.share;
      const cal = await stores.calendars.getById(share.resourceId);
      if (!cal || cal.ownerId !== share.ownerId || cal.remote) throw notFound('the shared calendar no longer exists');
      const hrefPrefix = `${REMOTE_CALENDARS_PATH}/${encodeSegment(providerId)}`;
      const mount: DavMount = {
        root: new SharedCalendarNode({ ...stores, hrefOf: (uri) => `${hrefPrefix}/${encodeSegment(uri)}` }, cal),
        hrefPrefix,
        space: `calendar:${cal.id}`,
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
