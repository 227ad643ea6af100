/**
 * The owner's side of a shared DAV collection: `<path>/<providerId>/…` served to the recipient's server, which proves
 * the share on every request with the share's secret or an exchanged token, as Nextcloud does (`Basic
 * base64(base64(cloudId) ":" secret)`: only the password counts, next-capabilities.md §2.4 — the user part is the
 * recipient's cloud id as *its* server rebuilds it) or as `Bearer <credential>`. A revoked share (or one of
 * another resource type or providerId) answers 401 at once, which is how Nextcloud learns of an unshare. A read-only
 * share refuses writes with 403 `DAV:need-privileges` (the mount's `canWrite`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OutgoingShare, PluginContext } from '#core';
import {
  createDavServer,
  DavError,
  decodeSegments,
  encodeSegment,
  notFound,
  sendFailure,
  type DavExtension,
  type DavNode,
} from '#dav';

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

/** What a resource type serves at its owner endpoint. */
export interface OwnerDavOptions {
  /** The OCM resource type whose shares the credential must prove. */
  resourceType: string;
  /** The absolute mount path, e.g. `/dav/remote-calendars`. */
  path: string;
  /** The Basic realm of 401 answers. */
  realm: string;
  /** The DAV extensions of the collection (sync-collection, the type's multiget, …). */
  extensions: DavExtension[];
  /**
   * The collection of a live share (its `resourceId`), or null when it no longer exists (404). `basePath` is its
   * storage path (default `/`): dead properties and locks keyed by it are the ones the owner's own mount sees.
   */
  open(share: OutgoingShare, hrefPrefix: string): Promise<{ root: DavNode; space: string; basePath?: string } | null>;
}

/** The request handler to mount at `opts.path` (`ctx.mount(opts.path, (req, res) => void handler(req, res))`). */
export function ownerDavHandler(ctx: PluginContext, opts: OwnerDavOptions) {
  const server = createDavServer({ logger: ctx.logger, extensions: opts.extensions });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      decodeSegments(req.url ?? '/');
      const m = /^\/([A-Za-z0-9._~-]{1,128})(\/.*)?$/.exec((req.url ?? '/').replace(/[?#].*$/, ''));
      if (!m) throw notFound('no such collection');
      const providerId = m[1] as string;
      const credential = shareCredential(req.headers.authorization);
      const access = credential ? await ctx.shares.verifyAccess(credential, opts.resourceType) : null;
      if (!access || access.share.providerId !== providerId) {
        res.setHeader('WWW-Authenticate', `Basic realm="${opts.realm}"`);
        throw new DavError(401, 'invalid or revoked share credential', 'UNAUTHENTICATED');
      }
      const hrefPrefix = `${opts.path}/${encodeSegment(providerId)}`;
      const opened = await opts.open(access.share, hrefPrefix);
      if (!opened) throw notFound('the shared collection no longer exists');
      await server.handle(
        req,
        res,
        {
          root: opened.root,
          hrefPrefix,
          space: opened.space,
          basePath: opened.basePath ?? '/',
          principal: `ocm:${providerId}`,
          canWrite: access.share.permissions.includes('write'),
        },
        (req.url ?? '/').slice(providerId.length + 1),
      );
    } catch (err) {
      sendFailure(res, err, method, ctx.logger);
    }
  };
}
