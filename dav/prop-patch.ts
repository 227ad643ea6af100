/**
 * PROPPATCH: the body's set/remove operations are handed to PropPatch handlers (priority-ordered; the first that
 * claims a property stores it). Protected properties, or properties nobody can store, fail the whole request
 * (403 for those, 424 for the rest) before anything is written; each handler applies its share atomically.
 */
import { badRequest } from './errors.ts';
import type { DavRequest } from './request.ts';
import type { DavNode } from './tree.ts';
import {
  child,
  clark,
  DAV_NS,
  elements,
  escapeXml,
  propElement,
  serializeNodes,
  statusLine,
  type XmlElement,
} from './xml.ts';

/** One operation: set (with the value's element and its serialized inner XML) or remove (value null). */
export interface PropOp {
  name: string;
  value: string | null;
  element: XmlElement | null;
}

/** Stores some properties of some nodes. */
export interface PropPatchHandler {
  /** True when this handler stores `name` on `node` (asked in priority order; the first claim wins). */
  claims(name: string, node: DavNode, d: DavRequest): boolean;
  /** Applies this handler's operations, in document order, all or nothing. Throw a DavError to refuse. */
  apply(d: DavRequest, node: DavNode, ops: readonly PropOp[]): Promise<void>;
}

/** Parses a DAV:propertyupdate body into operations in document order. */
export function parsePropertyUpdate(body: XmlElement | null): PropOp[] {
  if (!body || body.ns !== DAV_NS || body.local !== 'propertyupdate')
    throw badRequest('PROPPATCH body must be a DAV:propertyupdate element');
  const ops: PropOp[] = [];
  for (const action of elements(body)) {
    if (action.ns !== DAV_NS || (action.local !== 'set' && action.local !== 'remove'))
      throw badRequest('propertyupdate may hold only set and remove');
    const prop = child(action, DAV_NS, 'prop');
    if (!prop) throw badRequest(`${action.local} needs a prop element`);
    for (const p of elements(prop)) {
      const set = action.local === 'set';
      ops.push({ name: clark(p.ns, p.local), value: set ? serializeNodes(p.children) : null, element: set ? p : null });
    }
  }
  if (ops.length === 0) throw badRequest('PROPPATCH changes nothing');
  return ops;
}

/** Runs a PROPPATCH against the handlers and returns the propstat elements of the answer. */
export async function applyPropPatch(
  d: DavRequest,
  node: DavNode,
  ops: PropOp[],
  handlers: readonly PropPatchHandler[],
  isProtected: (name: string) => boolean,
): Promise<string> {
  const names = [...new Set(ops.map((o) => o.name))];
  const refused = names.filter(isProtected);
  const owner = new Map<string, PropPatchHandler>();
  for (const n of names) {
    if (refused.includes(n)) continue;
    const h = handlers.find((x) => x.claims(n, node, d));
    if (h) owner.set(n, h);
  }
  const unclaimed = names.filter((n) => !refused.includes(n) && !owner.has(n));
  if (refused.length || unclaimed.length) {
    const rest = names.filter((n) => !refused.includes(n) && !unclaimed.includes(n));
    return (
      (refused.length ? row(refused, 403, '<d:error><d:cannot-modify-protected-property/></d:error>') : '') +
      (unclaimed.length ? row(unclaimed, 403) : '') +
      (rest.length ? row(rest, 424) : '')
    );
  }
  for (const h of handlers) {
    const mine = ops.filter((o) => owner.get(o.name) === h);
    if (mine.length) await h.apply(d, node, mine);
  }
  return row(names, 200);
}

function row(names: string[], status: number, extra = ''): string {
  return `<d:propstat><d:prop>${names.map((n) => propElement(n, '')).join('')}</d:prop><d:status>${statusLine(status)}</d:status>${extra}</d:propstat>`;
}

/** The `<d:response>` of a PROPPATCH. */
export function propPatchResponse(href: string, propstats: string): string {
  return `<d:response><d:href>${escapeXml(href)}</d:href>${propstats}</d:response>`;
}
