/**
 * What CardDAV adds to the shared principal (`#dav` principals, RFC 6352 §7.1.1): the address-book home set and
 * the `addressbook` feature in the principals' `DAV:` header.
 */
import { encodeSegment, escapeXml, PrincipalNode, type PrincipalContribution } from '#dav';
import { CARDDAV_PROPS } from './carddav-props.ts';

/** The contribution; homes live under `base` (`/dav/addressbooks`). */
export function carddavPrincipal(base: string): PrincipalContribution {
  return {
    name: 'carddav',
    features: ['addressbook', 'extended-mkcol'],
    protect: [CARDDAV_PROPS.homeSet],
    provider: {
      propFind(batch) {
        for (const pf of batch) {
          const n = pf.node;
          if (!(n instanceof PrincipalNode)) continue;
          pf.handle(
            CARDDAV_PROPS.homeSet,
            `<d:href>${escapeXml(`${base}/${encodeSegment(n.userId)}/`)}</d:href>`,
            false,
          );
        }
      },
    },
  };
}
