/**
 * CardDAV properties (RFC 6352 §6, RFC 5397, RFC 3744's privilege set, CalendarServer's getctag) and the PROPPATCH
 * handler for an address book's displayname and description.
 */
import {
  clark,
  DAV_NS,
  DavError,
  escapeXml,
  forbidden,
  formatSyncToken,
  principalHref,
  PRINCIPALS_PATH,
  textOf,
  type DavRequest,
  type PropertyProvider,
  type PropPatchHandler,
} from '#dav';
import { AddressbooksRoot, BookNode, CardNode, HomeNode } from './carddav-nodes.ts';
import { CARDDAV_NS } from './carddav-errors.ts';
import { CONTACTS_ERRORS } from './error-codes.ts';

const C = (local: string) => clark(CARDDAV_NS, local);
const D = (local: string) => clark(DAV_NS, local);
const CS_NS = 'http://calendarserver.org/ns/';

/** Property names this extension serves. */
export const CARDDAV_PROPS = {
  currentUserPrincipal: D('current-user-principal'),
  principalUrl: D('principal-URL'),
  principalCollectionSet: D('principal-collection-set'),
  owner: D('owner'),
  privileges: D('current-user-privilege-set'),
  homeSet: C('addressbook-home-set'),
  description: C('addressbook-description'),
  supportedData: C('supported-address-data'),
  maxSize: C('max-resource-size'),
  addressData: C('address-data'),
  getctag: clark(CS_NS, 'getctag'),
  displayname: D('displayname'),
} as const;

/** Properties no client may set. */
export const PROTECTED_PROPS = [
  CARDDAV_PROPS.currentUserPrincipal,
  CARDDAV_PROPS.principalUrl,
  CARDDAV_PROPS.principalCollectionSet,
  CARDDAV_PROPS.owner,
  CARDDAV_PROPS.privileges,
  CARDDAV_PROPS.homeSet,
  CARDDAV_PROPS.supportedData,
  CARDDAV_PROPS.maxSize,
  CARDDAV_PROPS.addressData,
  CARDDAV_PROPS.getctag,
];

/**
 * The caller's principal, home and principal collection: the shared `/dav/principals/<user>/` and the user's home;
 * or the mount itself when it serves one shared book to a peer (federation), which has no local principal.
 */
function placesOf(d: DavRequest): { principal: string; home: string; principals: string } {
  const root = d.mount.root;
  if (root instanceof AddressbooksRoot)
    return { principal: principalHref(root.home.name), home: `${root.home.href}/`, principals: `${PRINCIPALS_PATH}/` };
  const own = `${d.mount.hrefPrefix}/`;
  return { principal: own, home: own, principals: own };
}

const href = (h: string) => `<d:href>${escapeXml(h)}</d:href>`;

function privileges(writable: boolean): string {
  const names = writable
    ? ['read', 'write', 'write-properties', 'write-content', 'bind', 'unbind', 'read-current-user-privilege-set']
    : ['read', 'read-current-user-privilege-set'];
  return names.map((n) => `<d:privilege><d:${n}/></d:privilege>`).join('');
}

/** The provider of CardDAV's live properties (address-data is rendered by the reports' provider). */
export function carddavProps(maxBytes: number): PropertyProvider {
  return {
    async propFind(batch, d) {
      const { principal, home, principals } = placesOf(d);
      for (const pf of batch) {
        const n = pf.node;
        // RFC 4918 §9.1: allprop is the dead and RFC 4918 live properties; these only when asked by name.
        pf.handle(CARDDAV_PROPS.currentUserPrincipal, href(principal), false);
        pf.handle(CARDDAV_PROPS.principalCollectionSet, href(principals), false);
        // The home was the principal before the shared one existed: it still answers what clients configured with
        // it ask (principal-URL, addressbook-home-set), pointing to the shared principal and to itself.
        if (n instanceof HomeNode || n instanceof AddressbooksRoot || home === principal) {
          pf.handle(CARDDAV_PROPS.principalUrl, href(principal), false);
          pf.handle(CARDDAV_PROPS.homeSet, href(home), false);
        }
        const writable = n instanceof BookNode ? !n.readOnly : n instanceof CardNode ? !n.book.readOnly : true;
        pf.handle(
          CARDDAV_PROPS.privileges,
          () => privileges(writable && d.mount.canWrite && !(n instanceof AddressbooksRoot)),
          false,
        );
        if (n instanceof HomeNode) pf.handle(CARDDAV_PROPS.displayname, escapeXml(n.name));
        if (!(n instanceof BookNode)) continue;
        pf.handle(CARDDAV_PROPS.owner, href(principal), false);
        pf.handle(CARDDAV_PROPS.description, () =>
          n.book.description === null ? undefined : escapeXml(n.book.description),
        );
        pf.handle(
          CARDDAV_PROPS.supportedData,
          '<x:address-data-type content-type="text/vcard" version="3.0"/><x:address-data-type content-type="text/vcard" version="4.0"/>',
          false,
        );
        pf.handle(CARDDAV_PROPS.maxSize, String(maxBytes), false);
        if (pf.wants(CARDDAV_PROPS.getctag)) pf.set(CARDDAV_PROPS.getctag, formatSyncToken(await n.syncToken()));
      }
    },
  };
}

/** PROPPATCH of an address book's displayname and addressbook-description. */
export function bookPropPatch(): PropPatchHandler {
  return {
    claims: (name, node) =>
      node instanceof BookNode && (name === CARDDAV_PROPS.displayname || name === CARDDAV_PROPS.description),
    async apply(_d, node, ops) {
      const book = node as BookNode;
      if (book.readOnly) {
        const e = forbidden('Federated contacts is kept by Meshwork', 'need-privileges');
        throw new DavError(e.status, e.message, CONTACTS_ERRORS.ADDRESSBOOK_READ_ONLY, e.condition);
      }
      const props: { displayName?: string | null; description?: string | null } = {};
      for (const op of ops) {
        const value = op.element ? textOf(op.element).slice(0, 2000) : null;
        if (op.name === CARDDAV_PROPS.displayname) props.displayName = value;
        else props.description = value;
      }
      await book.ctx.books.update(book.book.id, props);
      book.ctx.changed?.(book.book.ownerId);
    },
  };
}
