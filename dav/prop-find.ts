/**
 * Properties are contributed, not listed: for each resource in a PROPFIND (or a REPORT's answer) the server builds
 * one PropFind, and every registered property provider, in priority order, fills in what it knows. The first value
 * set for a name wins. One provider code path serves `prop`, `allprop` and `propname` requests.
 */
import { badRequest } from './errors.ts';
import type { DavNode } from './tree.ts';
import {
  child,
  clark,
  DAV_NS,
  elements,
  escapeXml,
  propElement,
  statusLine,
  XML_HEAD,
  type XmlElement,
} from './xml.ts';

/** What a PROPFIND asked for. */
export type PropRequest =
  { kind: 'allprop'; include: string[] } | { kind: 'propname' } | { kind: 'prop'; names: string[] };

/** Parses a PROPFIND body (none = allprop); 400 for anything that is not a DAV:propfind. */
export function parsePropfind(body: XmlElement | null): PropRequest {
  if (!body) return { kind: 'allprop', include: [] };
  if (body.ns !== DAV_NS || body.local !== 'propfind') throw badRequest('PROPFIND body must be a DAV:propfind element');
  const prop = child(body, DAV_NS, 'prop');
  if (prop) return { kind: 'prop', names: propNames(prop) };
  if (child(body, DAV_NS, 'propname')) return { kind: 'propname' };
  if (child(body, DAV_NS, 'allprop')) {
    const inc = child(body, DAV_NS, 'include');
    return { kind: 'allprop', include: inc ? propNames(inc) : [] };
  }
  throw badRequest('PROPFIND body needs prop, propname or allprop');
}

/** The Clark names of a `<d:prop>` element's children. */
export function propNames(prop: XmlElement): string[] {
  return elements(prop).map((e) => clark(e.ns, e.local));
}

/** A value provider: a string of inner XML, undefined when the resource does not have the property. */
export type PropValue = string | undefined | (() => string | undefined);

/** The properties of one resource being collected. */
export class PropFind {
  /** Mount path of the resource. */
  readonly path: string;
  readonly href: string;
  readonly node: DavNode;
  readonly request: PropRequest;
  /** Found values: Clark name → inner XML, in the order they were set. */
  readonly found = new Map<string, string>();
  readonly #asked: ReadonlySet<string>;

  constructor(path: string, href: string, node: DavNode, request: PropRequest) {
    this.path = path;
    this.href = href;
    this.node = node;
    this.request = request;
    this.#asked = askedOf(request);
  }

  /**
   * Whether a provider should compute `name` here: asked by name, or (for allprop and propname) any name unless
   * `inAllprop` is false (properties that RFCs keep out of allprop, or that are expensive).
   */
  wants(name: string, inAllprop = true): boolean {
    if (this.found.has(name)) return false;
    if (this.#asked.has(name)) return true;
    return this.request.kind === 'propname' || (this.request.kind === 'allprop' && inAllprop);
  }

  /** Records a value (inner XML) unless one is set already; undefined means "not here". */
  set(name: string, innerXml: string | undefined): void {
    if (innerXml !== undefined && !this.found.has(name)) this.found.set(name, innerXml);
  }

  /** `set` when wanted; a function value is only called then. */
  handle(name: string, value: PropValue, inAllprop = true): void {
    if (!this.wants(name, inAllprop)) return;
    this.set(name, typeof value === 'function' ? value() : value);
  }

  /** Names asked for by name (prop, or allprop's include) that nobody answered. */
  missing(): string[] {
    if (this.#asked.size === 0) return NONE;
    let out: string[] | null = null;
    for (const n of this.#asked) if (!this.found.has(n)) (out ??= []).push(n);
    return out ?? NONE;
  }

  /** The `<d:response>` element; `minimal` leaves out the 404 propstat. */
  render(minimal: boolean): string {
    const names = this.request.kind === 'propname';
    let ok = '';
    for (const [k, v] of this.found) ok += propElement(k, names ? '' : v);
    const missing = this.missing();
    let out = `<d:response><d:href>${escapeXml(this.href)}</d:href>`;
    if (ok !== '') out += propstat(ok, 200);
    if (missing.length && !minimal) out += propstat(missing.map((k) => propElement(k, '')).join(''), 404);
    if (ok === '' && (minimal || !missing.length)) out += propstat('', 200);
    return `${out}</d:response>`;
  }
}

const NONE: string[] = [];

/** The names a request asks for by name, built once per request (a depth-1 PROPFIND makes a PropFind per member). */
const ASKED = new WeakMap<PropRequest, ReadonlySet<string>>();
function askedOf(request: PropRequest): ReadonlySet<string> {
  let set = ASKED.get(request);
  if (!set) {
    set = new Set(request.kind === 'prop' ? request.names : request.kind === 'allprop' ? request.include : []);
    ASKED.set(request, set);
  }
  return set;
}

function propstat(props: string, status: number): string {
  const inner = props !== '' ? `<d:prop>${props}</d:prop>` : '<d:prop/>';
  return `<d:propstat>${inner}<d:status>${statusLine(status)}</d:status></d:propstat>`;
}

/** A `<d:response>` carrying only a status (e.g. a member deleted since a sync token). */
export function statusResponse(href: string, status: number): string {
  return `<d:response><d:href>${escapeXml(href)}</d:href><d:status>${statusLine(status)}</d:status></d:response>`;
}

/** Wraps responses (and trailing elements such as `<d:sync-token>`) in a multistatus document. */
export function multistatus(responses: string[], trailer = ''): string {
  return `${XML_HEAD}<d:multistatus xmlns:d="DAV:">${responses.join('')}${trailer}</d:multistatus>`;
}

const MULTISTATUS_OPEN = `${XML_HEAD}<d:multistatus xmlns:d="DAV:">`;

/**
 * The UTF-8 bytes of `multistatus(responses, trailer)`, written part by part into one buffer of the exact size:
 * joining a large listing into one string first and encoding that costs about half again as much CPU.
 */
export function multistatusBytes(responses: string[], trailer = ''): Buffer {
  let size = Buffer.byteLength(MULTISTATUS_OPEN) + Buffer.byteLength(trailer) + '</d:multistatus>'.length;
  for (const r of responses) size += Buffer.byteLength(r);
  const out = Buffer.allocUnsafe(size);
  let at = out.write(MULTISTATUS_OPEN, 0);
  for (const r of responses) at += out.write(r, at);
  at += out.write(trailer, at);
  out.write('</d:multistatus>', at);
  return out;
}

/** An empty element for a Clark name, self-contained (its namespace declared when it is not DAV:). */
export function emptyElement(name: string): string {
  return propElement(name, '');
}
