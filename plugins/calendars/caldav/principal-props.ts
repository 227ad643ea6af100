/**
 * What CalDAV adds to the shared principal (`#dav` principals, RFC 4791 §6.2.1, RFC 6638 §2.4.1): the calendar home
 * set, the user's calendar addresses and type, and the `calendar-access` feature in the principals' `DAV:` header.
 */
import { escapeXml, principalHref, PrincipalNode, type PrincipalContribution } from '#dav';
import { homeHref } from './context.ts';
import { P } from './props.ts';

const href = (h: string) => `<d:href>${escapeXml(h)}</d:href>`;

/** The contribution; `userInfo` gives the e-mail address, `host` the server's OCM host. */
export function caldavPrincipal(
  userInfo: (userId: string) => Promise<{ displayName: string; email: string | null } | null>,
  host: string,
): PrincipalContribution {
  return {
    name: 'caldav',
    features: ['calendar-access'],
    protect: [P.calendarHomeSet, P.userAddressSet, P.userType],
    provider: {
      async propFind(batch) {
        for (const pf of batch) {
          const n = pf.node;
          if (!(n instanceof PrincipalNode)) continue;
          pf.handle(P.calendarHomeSet, href(homeHref(n.userId)), false);
          pf.handle(P.userType, 'INDIVIDUAL', false);
          if (pf.wants(P.userAddressSet, false)) {
            const addresses = [`mailto:${n.userId}@${host}`, principalHref(n.userId)];
            const email = (await userInfo(n.userId))?.email;
            if (email) addresses.unshift(`mailto:${email}`);
            pf.set(P.userAddressSet, addresses.map(href).join(''));
          }
        }
      },
    },
  };
}
