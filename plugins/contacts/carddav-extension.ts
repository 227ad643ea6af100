/**
 * The CardDAV extension of the `#dav` server: extended MKCOL (RFC 5689) for address books, GET with vCard version
 * negotiation, the two CardDAV reports, CardDAV properties and PROPPATCH of an address book's name and description.
 */
import {
  baseName,
  child,
  DAV_NS,
  DavError,
  elements,
  forbidden,
  methodNotAllowed,
  parentOf,
  textOf,
  type DavExtension,
  type MethodHandler,
} from '#dav';
import { addressDataProvider } from './address-data.ts';
import { CARDDAV_NS } from './carddav-errors.ts';
import { ADDRESSBOOK_TYPE, CardNode, HomeNode, toDavError } from './carddav-nodes.ts';
import { bookPropPatch, carddavProps, PROTECTED_PROPS } from './carddav-props.ts';
import { carddavReports } from './carddav-reports.ts';
import { convertCard, type VCardVersion } from './vcard-convert.ts';

/** MKCOL with a `DAV:mkcol` body creating an address book in the home (RFC 5689 §3, RFC 6352 §6.3.1). */
function extendedMkcol(): MethodHandler {
  return async (d, next) => {
    const parent = await d.node(parentOf(d.path));
    if (!(parent instanceof HomeNode)) {
      if (d.hasBody()) throw forbidden('address books are created in the address-book home');
      return next();
    }
    if (await d.node()) throw methodNotAllowed('the resource already exists');
    const body = await d.readXml();
    const props: { displayName?: string | null; description?: string | null } = {};
    if (body) {
      if (body.ns !== DAV_NS || body.local !== 'mkcol')
        throw new DavError(415, 'MKCOL body must be DAV:mkcol', 'DAV_UNSUPPORTED_MEDIA_TYPE');
      for (const set of elements(body).filter((e) => e.ns === DAV_NS && e.local === 'set')) {
        const prop = child(set, DAV_NS, 'prop');
        for (const p of prop ? elements(prop) : []) {
          if (p.ns === DAV_NS && p.local === 'resourcetype') {
            const types = elements(p).map((t) => `{${t.ns}}${t.local}`);
            if (types.some((t) => t !== '{DAV:}collection' && t !== ADDRESSBOOK_TYPE))
              throw new DavError(
                403,
                'only address books can be created here',
                'DAV_FORBIDDEN',
                '{DAV:}valid-resourcetype',
              );
          } else if (p.ns === DAV_NS && p.local === 'displayname') props.displayName = textOf(p).slice(0, 2000);
          else if (p.ns === CARDDAV_NS && p.local === 'addressbook-description')
            props.description = textOf(p).slice(0, 2000);
        }
      }
    }
    try {
      await parent.createCollection(baseName(d.path), props);
    } catch (err) {
      throw toDavError(err, parent.href);
    }
    d.forget();
    d.res.statusCode = 201;
    d.res.setHeader('Content-Length', 0);
    d.res.end();
  };
}

/** The vCard version an Accept header asks for, when it names one. */
export function acceptedVersion(accept: string | undefined): VCardVersion | null {
  if (!accept) return null;
  for (const part of accept.split(',')) {
    if (!/^\s*text\/(vcard|\*)/i.test(part)) continue;
    const m = /;\s*version\s*=\s*"?([34]\.0)"?/i.exec(part);
    if (m) return m[1] as VCardVersion;
  }
  return null;
}

/** GET/HEAD of a card in another vCard version than stored, when the client's Accept asks (RFC 6352 §6.3.2.2). */
function negotiatedGet(): MethodHandler {
  return async (d, next) => {
    const want = acceptedVersion(d.header('accept'));
    const node = want ? await d.node() : null;
    if (!want || !(node instanceof CardNode) || node.meta.version === want) return next();
    const text = convertCard((await node.data()).toString('utf8'), want);
    const body = Buffer.from(text, 'utf8');
    d.res.statusCode = 200;
    d.res.setHeader('Content-Type', `text/vcard; charset=utf-8; version=${want}`);
    d.res.setHeader('Content-Length', body.length);
    d.res.setHeader('Vary', 'Accept');
    d.res.end(d.method === 'HEAD' ? undefined : body);
  };
}

/** Creates the CardDAV extension. */
export function carddavExtension(opts: { maxBytes: number }): DavExtension {
  return {
    name: 'carddav',
    setup(server) {
      server.addFeature('3', 'access-control', 'addressbook', 'extended-mkcol');
      server.addMethod('MKCOL', extendedMkcol(), { write: true });
      server.addMethod('GET', negotiatedGet());
      server.addMethod('HEAD', negotiatedGet());
      for (const r of carddavReports(server)) server.addReport(r);
      server.addPropertyProvider(carddavProps(opts.maxBytes), 90);
      server.addPropertyProvider(addressDataProvider(), 91);
      server.addPropPatchHandler(bookPropPatch(), 100);
      server.protect(...PROTECTED_PROPS);
    },
  };
}
