/** `addressbook-query` (RFC 6352 §8.6) and `addressbook-multiget` (§8.7). */
import {
  baseName,
  child,
  clark,
  DAV_NS,
  DavRequest,
  elements,
  escapeXml,
  isCollection,
  parentOf,
  propNames,
  statusResponse,
  textOf,
  type DavNode,
  type DavServer,
  type ReportHandler,
  type ReportSpec,
} from '#dav';
import { reportProp, rememberAddressData } from './address-data.ts';
import { filterProbes, matchesFilter, parseFilter } from './addressbook-filter.ts';
import { CARDDAV_NS } from './carddav-errors.ts';
import { BookNode, CardNode, toDavError } from './carddav-nodes.ts';
import { parseLines } from './vcard-lines.ts';

const GETETAG = clark(DAV_NS, 'getetag');

function names(body: Parameters<ReportHandler>[1]): string[] {
  const prop = reportProp(body);
  return prop ? propNames(prop) : [GETETAG];
}

function parseLimit(body: Parameters<ReportHandler>[1]): number | null {
  const limit = child(body, CARDDAV_NS, 'limit');
  const n = limit ? child(limit, CARDDAV_NS, 'nresults') : undefined;
  if (!n) return null;
  const v = textOf(n).trim();
  return /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : null;
}

function query(server: DavServer): ReportHandler {
  return async (d, body, node) => {
    const book = node instanceof BookNode ? node : node instanceof CardNode ? node.book : null;
    if (!book) return d.sendMultistatus([]);
    try {
      rememberAddressData(d, reportProp(body));
      const filter = parseFilter(child(body, CARDDAV_NS, 'filter'));
      const limit = parseLimit(body);
      const rows = await book.ctx.cards.candidates([book.book.id], filterProbes(filter));
      const hits: CardNode[] = [];
      let truncated = false;
      for (const r of rows) {
        if (node instanceof CardNode && r.uri !== node.name) continue;
        if (!matchesFilter(parseLines(r.data.toString('utf8')), filter)) continue;
        if (limit !== null && hits.length >= limit) {
          truncated = true;
          break;
        }
        hits.push(new CardNode(book, r));
      }
      const base = node instanceof CardNode ? parentOf(d.path) : d.path;
      const targets = hits.map((c) => ({ path: DavRequest.childPath(base, c.name), node: c as DavNode }));
      const props = await server.propFind(d, targets, { kind: 'prop', names: names(body) });
      const responses = props.map((p) => p.render(d.wantsMinimal()));
      if (truncated)
        responses.push(
          `<d:response><d:href>${escapeXml(d.href(d.path, true))}</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status><d:error><d:number-of-matches-within-limits/></d:error></d:response>`,
        );
      d.sendMultistatus(responses);
    } catch (err) {
      throw toDavError(err, book.href);
    }
  };
}

function multiget(server: DavServer): ReportHandler {
  return async (d, body) => {
    rememberAddressData(d, reportProp(body));
    const paths = elements(body)
      .filter((e) => e.ns === DAV_NS && e.local === 'href')
      .map((e) => ({ href: textOf(e).trim(), path: d.pathFromUrl(textOf(e).trim()) }));
    // One query per address book named (clients ask for one book's cards at a time).
    const byParent = new Map<string, string[]>();
    for (const p of paths)
      if (p.path) byParent.set(parentOf(p.path), [...(byParent.get(parentOf(p.path)) ?? []), p.path]);
    const found = new Map<string, DavNode>();
    for (const [parent, list] of byParent) {
      const coll = await d.node(parent);
      if (!isCollection(coll)) continue;
      const nodes = coll.childrenNamed
        ? await coll.childrenNamed(list.map(baseName))
        : (await Promise.all(list.map((p) => coll.child(baseName(p))))).filter((n): n is DavNode => n !== null);
      for (const n of nodes) if (!n.collection) found.set(DavRequest.childPath(parent, n.name), n);
    }
    const targets = [...found].map(([path, node]) => ({ path, node }));
    const props = await server.propFind(d, targets, { kind: 'prop', names: names(body) });
    const responses = props.map((p) => p.render(d.wantsMinimal()));
    for (const p of paths) if (!p.path || !found.has(p.path)) responses.push(statusResponse(p.href, 404));
    d.sendMultistatus(responses);
  };
}

/** The two CardDAV reports (on address books; query also on a single card). */
export function carddavReports(server: DavServer): ReportSpec[] {
  const onBooks = (n: DavNode) => n instanceof BookNode || n instanceof CardNode;
  return [
    { name: clark(CARDDAV_NS, 'addressbook-query'), handler: query(server), appliesTo: onBooks },
    { name: clark(CARDDAV_NS, 'addressbook-multiget'), handler: multiget(server), appliesTo: onBooks },
  ];
}
