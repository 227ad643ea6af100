/**
 * The CalDAV routes: `/dav/calendars/…` (homes, calendars, objects) and the `/.well-known/caldav` redirect
 * (RFC 6764) to the shared principals. Every request but the redirect is authenticated; what the caller may
 * reach and change is the access policy's decision (`access.ts`), applied per request through the mount.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeSegments, DavError, sendFailure, type DavLogger, type DavServer } from '#dav';
import type { DavPrincipal } from './access.ts';
import { canWrite } from './access.ts';
import type { CaldavAuth } from './auth.ts';
import { CALENDARS_PREFIX, PRINCIPALS_PREFIX, type CaldavContext, type CaldavMount } from './context.ts';
import { CalendarsRoot, HomeNode } from './tree-nodes.ts';

/** Whether writes are possible at a path of the calendars tree (the server refuses write methods otherwise). */
async function writableAt(root: CalendarsRoot, segs: string[]): Promise<boolean> {
  if (segs.length === 0) return false;
  const home = await root.child(segs[0]!);
  if (!(home instanceof HomeNode)) return false;
  if (segs.length === 1) return home.own;
  const cal = await home.child(segs[1]!);
  if (!cal) return home.own; // MKCALENDAR / extended MKCOL of a new calendar
  return canWrite(cal.access);
}

async function caller(auth: CaldavAuth, req: IncomingMessage, res: ServerResponse): Promise<DavPrincipal> {
  const who = await auth.principal(req, res);
  if (!who) throw new DavError(401, 'authentication required', 'UNAUTHENTICATED');
  return who;
}

/** The handler mounted at `/dav/calendars`. */
export function calendarsHandler(server: DavServer, ctx: CaldavContext, auth: CaldavAuth, log: DavLogger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const who = await caller(auth, req, res);
      if (who.kind === 'user') await ctx.ensureDefault(who.userId);
      const raw = req.url ?? '/';
      const root = new CalendarsRoot(ctx, who);
      const segs = decodeSegments(raw);
      const mount: CaldavMount = {
        root,
        hrefPrefix: CALENDARS_PREFIX,
        space: 'calendars',
        basePath: '/',
        principal: who.kind === 'user' ? `user:${who.userId}` : `remote:${who.id}`,
        canWrite: await writableAt(root, segs),
        scope: { who, ctx },
      };
      await server.handle(req, res, mount, raw);
    } catch (err) {
      sendFailure(res, err, req.method ?? 'GET', log);
    }
  };
}

/**
 * `/.well-known/caldav` (any method, RFC 6764 §5): 301 to the principal collection, shared with CardDAV, whose
 * `current-user-principal` leads to the one principal carrying both home sets.
 */
export function wellKnownHandler() {
  return (_req: IncomingMessage, res: ServerResponse): void => {
    res.statusCode = 301;
    res.setHeader('Location', `${PRINCIPALS_PREFIX}/`);
    res.setHeader('Content-Length', 0);
    res.end();
  };
}
