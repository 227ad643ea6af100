/**
 * Conditional requests: If-Match / If-None-Match / If-(Un)Modified-Since (RFC 9110), the WebDAV If header
 * (RFC 4918 §10.4, evaluated against ETags and the state tokens extensions contribute), and the write guard that
 * lets extensions (locks) refuse a change.
 */
import { DavError } from './errors.ts';
import { evaluateIf, parseIfHeader, type IfGroup } from './if-header.ts';
import type { DavRequest } from './request.ts';
import type { DavServer, WriteTarget } from './server.ts';
import type { DavNode } from './tree.ts';

/** The parsed If header of a request (empty when absent). */
export function ifGroups(d: DavRequest): IfGroup[] {
  const h = d.header('if');
  return h !== undefined && h.trim() ? parseIfHeader(h) : [];
}

function etagList(h: string): string[] {
  return h
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/**
 * If-Match / If-None-Match / If-(Un)Modified-Since against the target's current state (null = unmapped).
 * Returns 304 for reads that may use a cached copy; throws 412 when a write's precondition fails.
 */
export function checkHttpConditions(d: DavRequest, node: DavNode | null): 304 | null {
  const read = d.method === 'GET' || d.method === 'HEAD';
  const ifMatch = d.header('if-match');
  const ifNoneMatch = d.header('if-none-match');
  const etag = node?.etag ?? null;
  const modified = node?.lastModified ?? null;
  if (ifMatch !== undefined) {
    const tags = etagList(ifMatch);
    // Some clients (Evolution) escape the quotes of the tag they send.
    const ok =
      node !== null && (tags.includes('*') || (etag !== null && tags.some((t) => t.replace(/\\"/g, '"') === etag)));
    if (!ok) throw new DavError(412, 'If-Match failed', 'DAV_PRECONDITION_FAILED');
  } else {
    const since = d.header('if-unmodified-since');
    if (since !== undefined && modified !== null) {
      const t = Date.parse(since);
      if (!Number.isNaN(t) && seconds(modified) > t)
        throw new DavError(412, 'modified since', 'DAV_PRECONDITION_FAILED');
    }
  }
  if (ifNoneMatch !== undefined) {
    const tags = etagList(ifNoneMatch);
    const matches =
      node !== null && (tags.includes('*') || (etag !== null && tags.some((t) => t.replace(/^W\//, '') === etag)));
    if (matches) {
      if (read) return 304;
      throw new DavError(412, 'If-None-Match failed', 'DAV_PRECONDITION_FAILED');
    }
  } else if (read && modified !== null) {
    const since = d.header('if-modified-since');
    if (since !== undefined) {
      const t = Date.parse(since);
      if (!Number.isNaN(t) && seconds(modified) <= t) return 304;
    }
  }
  return null;
}

/** The If header, evaluated against current ETags and state tokens; 412 when it is false. */
export async function checkIfHeader(server: DavServer, d: DavRequest, current: DavNode | null): Promise<void> {
  const groups = ifGroups(d);
  if (groups.length === 0) return;
  const ok = await evaluateIf(groups, async (resource) => {
    const path = resource === null ? d.path : d.pathFromUrl(resource);
    if (path === null) return null;
    const node = path === d.path ? current : await d.node(path);
    return { etag: node?.etag ?? null, lockTokens: await server.stateTokens(d, path) };
  });
  if (!ok) throw new DavError(412, 'the If header conditions are not met', 'DAV_PRECONDITION_FAILED');
}

/** Lets every write guard (locks) inspect a change before it happens. */
export function guardWrite(server: DavServer, d: DavRequest, targets: WriteTarget[]): Promise<void> {
  return server.emit('beforeWrite', d, targets);
}
