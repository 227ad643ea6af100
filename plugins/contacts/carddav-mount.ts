/**
 * Where CardDAV lives: `/dav/addressbooks/<user>/` (the home; it was the principal URL before the shared
 * `/dav/principals/<user>/` and still answers as one) and `/.well-known/carddav` (RFC 6764) redirecting to the
 * shared principals. Clients authenticate as on `/dav/files` (Basic or a bearer session, throttled by the
 * core); a user sees only their own home.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginContext, User } from '#core';
import {
  createDavServer,
  DavError,
  deadPropertiesExtension,
  PRINCIPALS_PATH,
  ResponseCache,
  responseCacheExtension,
  sendFailure,
  syncExtension,
  type DavMount,
  type DavServer,
  type DeadPropertyStore,
} from '#dav';
import { AddressbooksRoot, type CardDavContext } from './carddav-nodes.ts';
import { carddavExtension } from './carddav-extension.ts';

/** URL prefix of the CardDAV tree. */
export const CARDDAV_BASE = '/dav/addressbooks';

/** Resolves the request's user (null when credentials are missing or wrong). */
export type Authenticate = (req: IncomingMessage, res: ServerResponse) => Promise<User | null>;

/** Builds the DAV server of the contacts plugin (dead properties in `props`: what the plugin does not store itself). */
export function createCardDav(
  ctx: Pick<PluginContext, 'logger'>,
  maxBytes: number,
  props: DeadPropertyStore,
  cache: ResponseCache = new ResponseCache(),
): DavServer {
  return createDavServer({
    logger: ctx.logger,
    extensions: [
      syncExtension(),
      carddavExtension({ maxBytes }),
      deadPropertiesExtension(props),
      responseCacheExtension(cache),
    ],
  });
}

/** The handler mounted at `/dav/addressbooks`. `ensureBooks` prepares a user's default books on first use. */
export function carddavHandler(
  ctx: Pick<PluginContext, 'logger'>,
  server: DavServer,
  dav: CardDavContext,
  auth: Authenticate,
  ensureBooks: (userId: string) => Promise<void>,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      const user = await auth(req, res);
      if (!user) throw new DavError(401, 'authentication required', 'UNAUTHENTICATED');
      const raw = (req.url ?? '/').replace(/[?#].*$/, '') || '/';
      const first = /^\/([^/]+)/.exec(raw)?.[1];
      if (first !== undefined && decodeURIComponentSafe(first) !== user.id)
        throw new DavError(403, 'you may only access your own address books', 'DAV_FORBIDDEN', '{DAV:}need-privileges');
      await ensureBooks(user.id);
      const mount: DavMount = {
        root: new AddressbooksRoot(dav, user.id, CARDDAV_BASE),
        hrefPrefix: CARDDAV_BASE,
        space: `contacts:${user.id}`,
        basePath: '/',
        principal: `user:${user.id}`,
        canWrite: true,
      };
      await server.handle(req, res, mount, raw);
    } catch (err) {
      sendFailure(res, err, method, ctx.logger);
    }
  };
}

function decodeURIComponentSafe(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * `/.well-known/carddav`: a redirect for every method (tsdav asks with PROPFIND) to the principal collection shared
 * with CalDAV, whose `current-user-principal` leads to the one principal carrying both home sets.
 */
export function wellKnownCardDav(req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 301;
  res.setHeader('Location', `${PRINCIPALS_PATH}/`);
  res.setHeader('Content-Length', 0);
  res.end();
  void req;
}
