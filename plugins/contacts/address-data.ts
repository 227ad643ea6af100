/**
 * `CARDDAV:address-data` in REPORT answers (RFC 6352 §10.4): the stored card, or converted to the version the
 * client asked for, or cut to the properties it named. The REPORT handler records what its body asked for.
 */
import { child, DAV_NS, elements, escapeXml, type DavRequest, type PropertyProvider, type XmlElement } from '#dav';
import { CardNode, toDavError } from './carddav-nodes.ts';
import { CARDDAV_NS, CarddavPreconditionError } from './carddav-errors.ts';
import { CARDDAV_PROPS } from './carddav-props.ts';
import { convertCard, partialCard, type VCardVersion } from './vcard-convert.ts';

/** What an `address-data` element asked for. */
export interface AddressDataSpec {
  version: VCardVersion | null;
  /** Property names (upper case) to keep, or null for all. */
  props: string[] | null;
}

const specs = new WeakMap<DavRequest, AddressDataSpec>();

/** Parses the `address-data` element of a report's `<D:prop>` and remembers it for this request. */
export function rememberAddressData(d: DavRequest, prop: XmlElement | undefined): void {
  const el = prop ? child(prop, CARDDAV_NS, 'address-data') : undefined;
  if (!el) return;
  const type = el.attrs.get('content-type') ?? 'text/vcard';
  const version = el.attrs.get('version') ?? null;
  if (!/^text\/vcard$/i.test(type.trim()) || (version !== null && version !== '3.0' && version !== '4.0'))
    throw toDavError(
      new CarddavPreconditionError('supported-address-data', `address data ${type} ${version ?? ''} is not offered`),
      '',
    );
  const names = elements(el)
    .filter((e) => e.ns === CARDDAV_NS && e.local === 'prop')
    .map((e) => (e.attrs.get('name') ?? '').toUpperCase())
    .filter(Boolean);
  const allprop = elements(el).some((e) => e.ns === CARDDAV_NS && e.local === 'allprop');
  specs.set(d, { version: version as VCardVersion | null, props: names.length && !allprop ? names : null });
}

/** The card text a client asked for. */
export function renderCard(data: Buffer, spec: AddressDataSpec | undefined): string {
  let text = data.toString('utf8');
  if (spec?.version) text = convertCard(text, spec.version);
  if (spec?.props) text = partialCard(text, spec.props);
  return text;
}

/** Fills `address-data` for cards in a batch, loading their bytes in one query per address book. */
export function addressDataProvider(): PropertyProvider {
  return {
    async propFind(batch, d) {
      const want = batch.filter((pf) => pf.node instanceof CardNode && pf.wants(CARDDAV_PROPS.addressData, false));
      const data = new Map<string, Buffer>();
      for (const pf of want) {
        const c = pf.node as CardNode;
        if (c.loaded) data.set(`${c.book.book.id}/${c.name}`, c.loaded);
      }
      if (!want.length) return;
      const byBook = new Map<string, CardNode[]>();
      for (const pf of want) {
        const c = pf.node as CardNode;
        if (c.loaded) continue;
        byBook.set(c.book.book.id, [...(byBook.get(c.book.book.id) ?? []), c]);
      }
      for (const [bookId, nodes] of byBook) {
        const book = (nodes[0] as CardNode).book;
        for (const c of await book.ctx.cards.getMany(
          bookId,
          nodes.map((n) => n.name),
        ))
          data.set(`${bookId}/${c.uri}`, c.data);
      }
      const spec = specs.get(d);
      for (const pf of want) {
        const c = pf.node as CardNode;
        const bytes = data.get(`${c.book.book.id}/${c.name}`);
        // Carriage returns as character references: XML parsers turn literal CRLF into LF, and clients compare bytes.
        if (bytes) pf.set(CARDDAV_PROPS.addressData, escapeXml(renderCard(bytes, spec)).replace(/\r/g, '&#13;'));
      }
    },
  };
}

/** The `<D:prop>` of a report body. */
export function reportProp(body: XmlElement): XmlElement | undefined {
  return child(body, DAV_NS, 'prop');
}
