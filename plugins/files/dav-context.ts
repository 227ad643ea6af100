/**
 * What every DAV method handler works with: the scope (whose tree, which part of it, under which URL, with which
 * rights) and the request resolved against it, plus the shared checks (write permission, locks, conditions).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DavError,
  forbidden,
  evaluateIf,
  parseIfHeader,
  submittedTokens,
  type IfGroup,
  decodeSegments,
  hrefFor,
  isWithin,
  joinTree,
  treePath,
  type LockManager,
} from '#dav';
import { fsPathOf, statEntry, type EntryInfo } from './file-store.ts';
import type { TreeStore } from './tree-store.ts';

/** A virtual child shown in a collection listing (e.g. "Shared with me" in a user's root). */
export interface VirtualEntry {
  name: string;
  collection: boolean;
  etag: string;
  mtimeMs: number;
}

/** A view of one owner's tree served under one URL prefix. */
export interface DavScope {
  /** Owner of the tree: dead properties and locks live in this namespace. */
  owner: string;
  /** Directory holding the owner's whole tree. */
  fsRoot: string;
  /** Tree path the scope's URL prefix maps to ('/' for a user's own mount, the share root for OCM access). */
  base: string;
  /** Encoded URL path of the scope root, no trailing slash (`/dav/files/alice`). */
  hrefPrefix: string;
  canWrite: boolean;
  /** Lock principal of the caller. */
  principal: string;
  /** Extra read-only children of the scope root, and names there nobody may create. */
  virtualRoot?: VirtualEntry[];
}

/** Shared services of the DAV layer. */
export interface DavServices {
  locks: LockManager;
  tree: TreeStore;
  /** Largest accepted XML request body. */
  maxXmlBytes: number;
  /** Directory for in-flight uploads (same file system as the trees, for atomic rename). */
  uploadDir: string;
}

/** One request resolved against its scope. */
export interface DavRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  scope: DavScope;
  svc: DavServices;
  /** Tree path relative to the scope root ('/' = the root). */
  rel: string;
  /** Tree path in the owner's tree. */
  path: string;
  /** Whether the request URL ended with '/'. */
  trailingSlash: boolean;
}

/** Resolves the raw request path (relative to the scope prefix) into a DavRequest. */
export function resolveRequest(
  req: IncomingMessage,
  res: ServerResponse,
  scope: DavScope,
  svc: DavServices,
  rawRel: string,
): DavRequest {
  const segs = decodeSegments(rawRel);
  const rel = treePath(segs);
  const q = rawRel.search(/[?#]/);
  const p = q === -1 ? rawRel : rawRel.slice(0, q);
  return {
    req,
    res,
    method: (req.method ?? 'GET').toUpperCase(),
    scope,
    svc,
    rel,
    path: joinTree(scope.base, rel),
    trailingSlash: p.endsWith('/'),
  };
}

/** Absolute file-system path of an owner-tree path. */
export function fsOf(d: DavRequest, path = d.path): string {
  return fsPathOf(d.scope.fsRoot, path);
}

/** Tree path relative to the scope for an owner-tree path. */
export function relOf(scope: DavScope, path: string): string {
  if (scope.base === '/') return path;
  return path === scope.base ? '/' : path.slice(scope.base.length);
}

/** Href of an owner-tree path inside this scope. */
export function hrefOf(scope: DavScope, path: string, collection: boolean): string {
  return hrefFor(scope.hrefPrefix, relOf(scope, path), collection);
}

/** Stat of an owner-tree path. */
export function statOf(d: DavRequest, path = d.path): Promise<EntryInfo | null> {
  return statEntry(fsPathOf(d.scope.fsRoot, path));
}

/** True when a path names a virtual root child (never a real file). */
export function isVirtual(d: DavRequest, rel = d.rel): boolean {
  const top = rel.split('/')[1];
  return rel !== '/' && d.scope.virtualRoot?.some((v) => v.name === top) === true;
}

/** 403 unless the scope grants write access. */
export function requireWrite(d: DavRequest): void {
  if (!d.scope.canWrite) throw forbidden('this share is read-only', 'need-privileges');
}

/** Maps a Destination or If-header URL to an owner-tree path of this scope; null when it points elsewhere. */
export function pathFromUrl(d: DavRequest, raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw, `http://${d.req.headers.host ?? 'localhost'}`);
  } catch {
    return null;
  }
  if (url.host.toLowerCase() !== String(d.req.headers.host ?? '').toLowerCase()) return null;
  const prefix = d.scope.hrefPrefix;
  if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return null;
  return joinTree(d.scope.base, treePath(decodeSegments(url.pathname.slice(prefix.length))));
}

function ifGroups(d: DavRequest): IfGroup[] {
  const h = d.req.headers.if;
  return typeof h === 'string' && h.trim() ? parseIfHeader(h) : [];
}

/**
 * Lock check for a write: every lock covering `paths` (and, for `deep` paths, every lock below them) must have its
 * token submitted in the If header by the principal who holds it; otherwise 423 with `lock-token-submitted`.
 */
export function checkLocks(d: DavRequest, targets: Array<{ path: string; deep?: boolean }>): void {
  const tokens = submittedTokens(ifGroups(d));
  for (const t of targets) {
    const relevant = [
      ...d.svc.locks.covering(d.scope.owner, t.path),
      ...(t.deep ? d.svc.locks.within(d.scope.owner, t.path) : []),
    ];
    for (const l of relevant) {
      if (!tokens.has(l.token) || l.principal !== d.scope.principal) {
        throw new DavError(423, 'the resource is locked', 'DAV_LOCKED', 'lock-token-submitted', [
          hrefOf(d.scope, l.path, false),
        ]);
      }
    }
  }
}

/** The If header, evaluated against current ETags and locks; 412 when it is false. */
export async function checkIfHeader(d: DavRequest, current: EntryInfo | null): Promise<void> {
  const groups = ifGroups(d);
  if (groups.length === 0) return;
  const ok = await evaluateIf(groups, async (resource) => {
    const path = resource === null ? d.path : pathFromUrl(d, resource);
    if (path === null) return null;
    const info = path === d.path ? current : await statOf(d, path);
    return { etag: info?.etag ?? null, lockTokens: d.svc.locks.covering(d.scope.owner, path).map((l) => l.token) };
  });
  if (!ok) throw new DavError(412, 'the If header conditions are not met', 'DAV_PRECONDITION_FAILED');
}

function etagList(h: string): string[] {
  return h
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** If-Match / If-None-Match / If-(Un)Modified-Since; returns 304 for reads that may use a cached copy. */
export function checkHttpConditions(d: DavRequest, info: EntryInfo | null): 304 | null {
  const h = d.req.headers;
  const read = d.method === 'GET' || d.method === 'HEAD';
  if (typeof h['if-match'] === 'string') {
    const tags = etagList(h['if-match']);
    if (!info || !(tags.includes('*') || tags.includes(info.etag)))
      throw new DavError(412, 'If-Match failed', 'DAV_PRECONDITION_FAILED');
  } else if (typeof h['if-unmodified-since'] === 'string' && info) {
    const t = Date.parse(h['if-unmodified-since']);
    if (!Number.isNaN(t) && Math.floor(info.mtimeMs / 1000) * 1000 > t)
      throw new DavError(412, 'modified since', 'DAV_PRECONDITION_FAILED');
  }
  if (typeof h['if-none-match'] === 'string') {
    const tags = etagList(h['if-none-match']);
    const matches = info !== null && (tags.includes('*') || tags.some((t) => t.replace(/^W\//, '') === info.etag));
    if (matches) {
      if (read) return 304;
      throw new DavError(412, 'If-None-Match failed', 'DAV_PRECONDITION_FAILED');
    }
  } else if (read && typeof h['if-modified-since'] === 'string' && info) {
    const t = Date.parse(h['if-modified-since']);
    if (!Number.isNaN(t) && Math.floor(info.mtimeMs / 1000) * 1000 <= t) return 304;
  }
  return null;
}

/** Depth header: '0', '1' or 'infinity' (missing = the method's default). */
export function depthOf(d: DavRequest, def: '0' | '1' | 'infinity'): '0' | '1' | 'infinity' {
  const raw = d.req.headers.depth;
  if (raw === undefined) return def;
  const v = String(raw).trim().toLowerCase();
  if (v === '0' || v === '1' || v === 'infinity') return v;
  throw new DavError(400, `invalid Depth: ${v}`, 'DAV_BAD_DEPTH');
}

/** True when `path` is this scope's root or a virtual entry (neither may be deleted, moved or replaced). */
export function isPinned(d: DavRequest, path: string): boolean {
  return path === d.scope.base || !isWithin(path, d.scope.base);
}
