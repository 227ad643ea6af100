/** Builds the CalDAV layer of the calendars plugin and mounts its routes. */
import { userFromRequest, type PluginContext } from '#core';
import { DAV_READ_METHODS, sharedPrincipals, type ResponseCache } from '#dav';
import type { CalendarStore } from '../calendar-store.ts';
import type { DefaultCollection } from '#dav';
import { DEFAULT_MAX_RESOURCE_SIZE } from '../ical-validate.ts';
import type { ObjectStore } from '../object-store.ts';
import { CalendarAccessPolicy } from './access.ts';
import { accountResolver, CaldavAuth } from './auth.ts';
import { localWriter } from './calendar-node.ts';
import { CALENDARS_PREFIX, type CaldavContext } from './context.ts';
import { calendarPropStore } from './dead-props-schema.ts';
import { createCaldavServer } from './extension.ts';
import { calendarsHandler, wellKnownHandler } from './mount.ts';
import { caldavPrincipal } from './principal-props.ts';
import type { CalendarsTables } from '../tables.ts';

/** The seams other parts of the plugin extend: the access policy, authentication, and the remote writer. */
export interface CaldavServices {
  context: CaldavContext;
  policy: CalendarAccessPolicy;
  auth: CaldavAuth;
}

/**
 * Creates the CalDAV layer and mounts `/dav/calendars` and `/.well-known/caldav`; adds the calendar home set to the
 * shared `/dav/principals` (mounting it when no other plugin did).
 */
export function mountCaldav(
  ctx: Pick<
    PluginContext<CalendarsTables>,
    'mount' | 'mountExact' | 'hotMount' | 'logger' | 'requireUser' | 'accounts' | 'identity' | 'db'
  >,
  stores: { calendars: CalendarStore; objects: ObjectStore; defaults: DefaultCollection },
  opts: { maxResourceSize?: number; responseCache?: ResponseCache } = {},
): CaldavServices {
  const policy = new CalendarAccessPolicy();
  const { defaults, ...rest } = stores;
  const context: CaldavContext = {
    ...rest,
    ensureDefault: (userId) => defaults.ensure(userId),
    policy,
    writers: { local: localWriter(rest), remote: null },
    maxResourceSize: opts.maxResourceSize ?? DEFAULT_MAX_RESOURCE_SIZE,
    async userInfo(userId) {
      const u = await ctx.accounts.findUser(userId);
      return u ? { displayName: u.displayName, email: u.email } : null;
    },
    host: ctx.identity.host,
  };
  const auth = new CaldavAuth(accountResolver(ctx));
  const server = createCaldavServer(ctx.logger, calendarPropStore(ctx.db), opts.responseCache);
  const calendars = calendarsHandler(server, context, auth, ctx.logger);
  ctx.hotMount(CALENDARS_PREFIX, DAV_READ_METHODS, (req, res) => void calendars(req, res));
  // The principal is shared with CardDAV: whichever plugin comes first mounts it, both contribute properties.
  sharedPrincipals(ctx.identity, {
    authenticate: (req, res) => userFromRequest(ctx.requireUser, req, res),
    logger: ctx.logger,
    mount: (path, handler) => ctx.hotMount(path, DAV_READ_METHODS, handler),
    mountExact: (path, handler) => ctx.mountExact(path, handler),
  }).contribute(caldavPrincipal(context.userInfo, context.host));
  ctx.mount('/.well-known/caldav', wellKnownHandler());
  return { context, policy, auth };
}
