/**
 * CalDAV live properties (RFC 4791 §5.2, §6; RFC 5397; RFC 3744 privileges; Apple's and CalendarServer's
 * extensions clients rely on), contributed to the DAV toolkit as one provider for a whole batch.
 */
import { clark, DAV_NS, escapeXml, type DavRequest, type PropFind, type PropertyProvider } from '#dav';
import { formatSyncToken } from '../sync-token.ts';
import type { CalendarAccess } from './access.ts';
import { CALDAV_NS, CalendarNode } from './calendar-node.ts';
import { principalHref, PRINCIPALS_PREFIX, scopeOf } from './context.ts';
import { calendarDataFor } from './calendar-data.ts';
import { ObjectNode } from './object-node.ts';
import { CalendarsRoot, HomeNode } from './tree-nodes.ts';

export const CS_NS = 'http://calendarserver.org/ns/';
export const ICAL_NS = 'http://apple.com/ns/ical/';
const C = (l: string) => clark(CALDAV_NS, l);
const D = (l: string) => clark(DAV_NS, l);

export const P = {
  currentUserPrincipal: D('current-user-principal'),
  principalUrl: D('principal-URL'),
  principalCollectionSet: D('principal-collection-set'),
  owner: D('owner'),
  privileges: D('current-user-privilege-set'),
  calendarHomeSet: C('calendar-home-set'),
  userAddressSet: C('calendar-user-address-set'),
  userType: C('calendar-user-type'),
  description: C('calendar-description'),
  timezone: C('calendar-timezone'),
  components: C('supported-calendar-component-set'),
  dataTypes: C('supported-calendar-data'),
  maxSize: C('max-resource-size'),
  collations: C('supported-collation-set'),
  calendarData: C('calendar-data'),
  ctag: clark(CS_NS, 'getctag'),
  color: clark(ICAL_NS, 'calendar-color'),
  order: clark(ICAL_NS, 'calendar-order'),
  displayname: D('displayname'),
} as const;

const href = (h: string) => `<d:href>${escapeXml(h)}</d:href>`;

function privileges(access: CalendarAccess): string {
  const names = ['read', 'read-current-user-privilege-set'];
  if (access === 'read-write') names.push('write', 'write-properties', 'write-content', 'bind', 'unbind');
  const own = names.map((n) => `<d:privilege><d:${n}/></d:privilege>`).join('');
  return `${own}<d:privilege><read-free-busy xmlns="${CALDAV_NS}"/></d:privilege>`;
}

function calendarProps(pf: PropFind, n: CalendarNode): void {
  const c = n.calendar;
  const owner = c.remote ? undefined : href(principalHref(c.ownerId));
  pf.handle(P.owner, owner);
  pf.handle(P.privileges, () => privileges(n.access));
  pf.handle(P.displayname, escapeXml(n.displayName));
  pf.handle(P.description, c.description === null ? undefined : escapeXml(c.description));
  pf.handle(P.timezone, c.timezone === null ? undefined : escapeXml(c.timezone));
  pf.handle(P.color, c.color === null ? undefined : escapeXml(c.color));
  pf.handle(P.order, c.order === null ? undefined : String(c.order));
  pf.handle(P.ctag, () => escapeXml(formatSyncToken(c.syncToken)));
  pf.handle(P.components, () => c.components.map((x) => `<comp xmlns="${CALDAV_NS}" name="${x}"/>`).join(''));
  pf.handle(P.dataTypes, `<calendar-data xmlns="${CALDAV_NS}" content-type="text/calendar" version="2.0"/>`);
  pf.handle(P.maxSize, String(n.ctx.maxResourceSize));
  pf.handle(
    P.collations,
    ['i;ascii-casemap', 'i;octet', 'i;unicode-casemap']
      .map((x) => `<supported-collation xmlns="${CALDAV_NS}">${x}</supported-collation>`)
      .join(''),
    false,
  );
}

/** The provider (priority 90: before the core's generic values, e.g. DAV:displayname). */
export function caldavProperties(): PropertyProvider {
  return {
    async propFind(batch: readonly PropFind[], d: DavRequest) {
      const scope = scopeOf(d);
      const who = scope.who;
      const me = who.kind === 'user' ? href(principalHref(who.userId)) : '<d:unauthenticated/>';
      const principals = href(`${PRINCIPALS_PREFIX}/`);
      // Built once per batch: a listing runs this loop for every member.
      let objectPrivileges: string | undefined;
      let objectAccess: CalendarAccess | undefined;
      for (const pf of batch) {
        const n = pf.node;
        pf.handle(P.currentUserPrincipal, me);
        pf.handle(P.principalCollectionSet, principals);
        if (n instanceof CalendarsRoot) {
          pf.handle(P.privileges, () => privileges('read'));
        } else if (n instanceof HomeNode) {
          pf.handle(P.owner, href(principalHref(n.ownerId)));
          pf.handle(P.privileges, () => privileges(n.own ? 'read-write' : 'read'));
        } else if (n instanceof CalendarNode) {
          calendarProps(pf, n);
        } else if (n instanceof ObjectNode) {
          if (pf.wants(P.privileges)) {
            // Members of one calendar share its access; a batch spans one calendar (or a few, each asked once).
            const access = n.parent.access;
            if (objectPrivileges === undefined || objectAccess !== access)
              [objectPrivileges, objectAccess] = [privileges(access), access];
            pf.set(P.privileges, objectPrivileges);
          }
        }
      }
      await calendarDataFor(batch, scope);
    },
  };
}
