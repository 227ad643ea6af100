/** PROPFIND (depth 0 and 1; infinity refused with `propfind-finite-depth`) and PROPPATCH with atomic dead properties. */
import {
  badRequest,
  DavError,
  forbidden,
  notFound,
  baseName,
  joinTree,
  child,
  clark,
  DAV_NS,
  elements,
  propElement,
  serializeNodes,
  statusLine,
  type XmlElement,
} from '#dav';
import {
  checkIfHeader,
  checkLocks,
  depthOf,
  fsOf,
  hrefOf,
  isVirtual,
  requireWrite,
  statOf,
  type DavRequest,
} from './dav-context.ts';
import { readXmlBody } from './dav-body.ts';
import { multistatus, PROTECTED_PROPS, renderResponse, type PropRequest, type PropSource } from './dav-props.ts';
import { listNames, mimeOf, statEntrySync, type EntryInfo } from './file-store.ts';
import path from 'node:path';

function parsePropRequest(body: XmlElement | null): PropRequest {
  if (!body) return { kind: 'allprop', include: [] };
  if (body.ns !== DAV_NS || body.local !== 'propfind') throw badRequest('PROPFIND body must be a DAV:propfind element');
  const prop = child(body, DAV_NS, 'prop');
  if (prop) return { kind: 'prop', names: elements(prop).map((e) => clark(e.ns, e.local)) };
  if (child(body, DAV_NS, 'propname')) return { kind: 'propname' };
  if (child(body, DAV_NS, 'allprop')) {
    const inc = child(body, DAV_NS, 'include');
    return { kind: 'allprop', include: inc ? elements(inc).map((e) => clark(e.ns, e.local)) : [] };
  }
  throw badRequest('PROPFIND body needs prop, propname or allprop');
}

/** Brief: t and Prefer: return=minimal both ask to leave out 404 propstats. */
function wantsMinimal(d: DavRequest): boolean {
  const prefer = String(d.req.headers.prefer ?? '').toLowerCase();
  return (
    prefer.includes('return=minimal') ||
    prefer.includes('return-minimal') ||
    String(d.req.headers.brief ?? '').toLowerCase() === 't'
  );
}

function sourceOf(d: DavRequest, p: string, info: EntryInfo): PropSource {
  const name = p === d.scope.base ? baseName(p) || d.scope.owner : baseName(p);
  return {
    name,
    collection: info.collection,
    size: info.size,
    mtimeMs: info.mtimeMs,
    createdMs: info.createdMs,
    etag: info.etag,
    contentType: info.collection ? null : mimeOf(name),
    locks: d.svc.locks.covering(d.scope.owner, p),
    lockable: true,
  };
}

const STAT_CHUNK = 256;

/** Stats a folder's entries in synchronous chunks, yielding to the event loop between chunks so a huge folder never stalls other requests for long. */
async function statAll(dir: string, names: string[]): Promise<Array<EntryInfo | null>> {
  const out: Array<EntryInfo | null> = [];
  for (let i = 0; i < names.length; i += STAT_CHUNK) {
    if (i > 0) await new Promise<void>((r) => setImmediate(r));
    for (const n of names.slice(i, i + STAT_CHUNK)) out.push(statEntrySync(path.join(dir, n)));
  }
  return out;
}

/** PROPFIND. */
export async function handlePropfind(d: DavRequest): Promise<void> {
  const depth = depthOf(d, '1');
  if (depth === 'infinity')
    throw forbidden('Depth: infinity is not supported; use Depth 0 or 1', 'propfind-finite-depth');
  const want = parsePropRequest(await readXmlBody(d));
  const info = await statOf(d);
  if (!info || isVirtual(d)) throw notFound();
  const lockRoot = (l: { path: string }): string => hrefOf(d.scope, l.path, false);
  const entries: Array<{ p: string; info: EntryInfo }> = [{ p: d.path, info }];
  const virtual = d.rel === '/' && depth === '1' ? (d.scope.virtualRoot ?? []) : [];
  if (info.collection && depth === '1') {
    const names = (await listNames(fsOf(d))).filter((n) => !virtual.some((v) => v.name === n));
    const stats = await statAll(fsOf(d), names);
    names.forEach((n, i) => {
      const s = stats[i];
      if (s) entries.push({ p: joinTree(d.path, `/${n}`), info: s });
    });
  }
  const dead = await d.svc.tree.props(
    d.scope.owner,
    entries.map((e) => e.p),
  );
  const minimal = wantsMinimal(d);
  const responses = entries.map((e) =>
    renderResponse(
      hrefOf(d.scope, e.p, e.info.collection),
      sourceOf(d, e.p, e.info),
      dead.get(e.p) ?? new Map(),
      want,
      minimal,
      lockRoot,
    ),
  );
  for (const v of virtual) {
    const src: PropSource = {
      name: v.name,
      collection: v.collection,
      size: 0,
      mtimeMs: v.mtimeMs,
      createdMs: v.mtimeMs,
      etag: v.etag,
      contentType: null,
      locks: [],
      lockable: false,
    };
    responses.push(
      renderResponse(
        hrefOf(d.scope, joinTree(d.path, `/${v.name}`), v.collection),
        src,
        new Map(),
        want,
        minimal,
        lockRoot,
      ),
    );
  }
  sendMultistatus(d, responses);
}

/** Writes a 207 multistatus. */
export function sendMultistatus(d: DavRequest, responses: string[]): void {
  const body = multistatus(responses);
  d.res.statusCode = 207;
  d.res.setHeader('Content-Type', 'application/xml; charset=utf-8');
  d.res.setHeader('Content-Length', Buffer.byteLength(body));
  d.res.end(body);
}

/** PROPPATCH: all-or-nothing; protected live properties fail with 403 and everything else with 424. */
export async function handleProppatch(d: DavRequest): Promise<void> {
  requireWrite(d);
  const body = await readXmlBody(d);
  if (!body || body.ns !== DAV_NS || body.local !== 'propertyupdate')
    throw badRequest('PROPPATCH body must be a DAV:propertyupdate element');
  const info = await statOf(d);
  if (!info || isVirtual(d)) throw notFound();
  await checkIfHeader(d, info);
  checkLocks(d, [{ path: d.path }]);
  const ops: Array<{ name: string; value: string | null }> = [];
  for (const action of elements(body)) {
    if (action.ns !== DAV_NS || (action.local !== 'set' && action.local !== 'remove'))
      throw badRequest('propertyupdate may hold only set and remove');
    const prop = child(action, DAV_NS, 'prop');
    if (!prop) throw badRequest(`${action.local} needs a prop element`);
    for (const p of elements(prop))
      ops.push({ name: clark(p.ns, p.local), value: action.local === 'set' ? serializeNodes(p.children) : null });
  }
  if (ops.length === 0) throw badRequest('PROPPATCH changes nothing');
  const refused = ops.filter((o) => PROTECTED_PROPS.has(o.name));
  const seen = [...new Set(ops.map((o) => o.name))];
  const row = (names: string[], status: number, cond = ''): string =>
    `<d:propstat><d:prop>${names.map((n) => propElement(n, '')).join('')}</d:prop><d:status>${statusLine(status)}</d:status>${cond}</d:propstat>`;
  let propstats: string;
  if (refused.length) {
    const bad = [...new Set(refused.map((o) => o.name))];
    const rest = seen.filter((n) => !bad.includes(n));
    propstats =
      row(bad, 403, '<d:error><d:cannot-modify-protected-property/></d:error>') + (rest.length ? row(rest, 424) : '');
  } else {
    if (ops.some((o) => o.value !== null && Buffer.byteLength(o.value) > 64 * 1024))
      throw new DavError(507, 'property values are limited to 64 KiB', 'DAV_PROP_TOO_LARGE');
    await d.svc.tree.patch(d.scope.owner, d.path, ops);
    propstats = row(seen, 200);
  }
  sendMultistatus(d, [
    `<d:response><d:href>${hrefOf(d.scope, d.path, info.collection)}</d:href>${propstats}</d:response>`,
  ]);
}
