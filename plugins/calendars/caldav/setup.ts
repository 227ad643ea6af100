/** Builds the CalDAV layer of the calendars plugin and mounts its routes. */
import { userFromRequest, type PluginContext } from '#core';
import { sharedPrincipals } from '#dav';
import type { CalendarStore } from '../calendar-store.ts';
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
  ctx: Pick<PluginContext<CalendarsTables>, 'mount' | 'logger' | 'requireUser' | 'accounts' | 'identity' | 'db'>,
  stores: { calendars: CalendarStore; objects: ObjectStore },
  opts: { maxResourceSize?: number } = {},
): CaldavServices {
  const policy = new CalendarAccessPolicy();
  const context: CaldavContext = {
    ...stores,
    policy,
    writers: { local: localWriter(stores), remote: null },
    maxResourceSize: opts.maxResourceSize ?? DEFAULT_MAX_RESOURCE_SIZE,
    async userInfo(userId) {
      const u = await ctx.accounts.findUser(userId);
      return u ? { displayName: u.displayName, email: u.email } : null;
    },
    host: ctx.identity.host,
  };
  const auth = new CaldavAuth(accountResolver(ctx));
  const server = createCaldavServer(ctx.logger, calendarPropStore(ctx.db));
  const calendars = calendarsHandler(server, context, auth, ctx.logger);
  ctx.mount(CALENDARS_PREFIX, (req, res) => void calendars(req, res));
  // The principal is shared with CardDAV: whichever plugin comes first mounts it, both contribute properties.
  sharedPrincipals(ctx.identity, {
    authenticate: (req, res) => userFromRequest(ctx.requireUser, req, res),
    logger: ctx.logger,
    mount: (path, handler) => ctx.mount(path, handler),
  }).contribute(caldavPrincipal(context.userInfo, context.host));
  ctx.mount('/.well-known/caldav', wellKnownHandler());
  return { context, policy, auth };
}
