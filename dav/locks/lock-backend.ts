/**
 * WebDAV write locks (RFC 4918 §6-7): the lock record, the backend port that stores them (in a database shared by
 * every app node, so a lock taken through one node holds on all), and the pure rules about coverage and conflicts.
 * Paths here are storage paths (a mount's basePath + the request path), in one `space` per tree.
 */
import { randomUUID } from 'node:crypto';
import { isWithin } from '../paths.ts';

/** One active lock. */
export interface DavLock {
  /** `urn:uuid:…` */
  token: string;
  /** Storage namespace (a tree): a share's recipient and the owner see the same locks. */
  space: string;
  /** Storage path of the lock root. */
  path: string;
  depth: '0' | 'infinity';
  scope: 'exclusive' | 'shared';
  /** The client's `<d:owner>` content as XML, echoed in lockdiscovery. */
  ownerXml: string;
  /** Who created it: only they may use the token. */
  principal: string;
  timeoutSeconds: number;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * Where locks live. Implementations only return live locks (expiresAt in the future) and make `create` atomic
 * against concurrent creates in the same space, also across processes.
 */
export interface LockBackend {
  /** Live locks in `space` rooted at `path` or at an ancestor of it; with `descendants`, also those rooted below it. */
  find(space: string, path: string, descendants: boolean): Promise<DavLock[]>;
  /** A live lock by token. */
  byToken(token: string): Promise<DavLock | null>;
  /**
   * Stores `lock` unless `conflicting(find(lock.space, lock.path, true))` is non-empty; returns the conflicts
   * (empty when granted). The find and the insert form one atomic step.
   */
  create(lock: DavLock, conflicting: (existing: DavLock[]) => DavLock[]): Promise<DavLock[]>;
  /** Extends a lock's lifetime. */
  refresh(token: string, timeoutSeconds: number, expiresAt: number): Promise<void>;
  remove(token: string): Promise<boolean>;
  /** Drops every lock rooted at or below a path (the resources were deleted or moved away). */
  removeTree(space: string, path: string): Promise<void>;
  /** Drops every lock a principal holds (e.g. a share that ended). */
  removePrincipal(principal: string): Promise<void>;
}

export const MAX_LOCK_SECONDS = 86_400;
const DEFAULT_LOCK_SECONDS = 3_600;

/** Parses `Timeout: Second-600, Infinite` into granted seconds (capped at a day). */
export function parseTimeout(header: string | undefined): number {
  if (!header) return DEFAULT_LOCK_SECONDS;
  for (const part of header.split(',').map((s) => s.trim().toLowerCase())) {
    if (part === 'infinite') return MAX_LOCK_SECONDS;
    const m = /^second-(\d{1,12})$/.exec(part);
    if (m) return Math.max(1, Math.min(Number(m[1]), MAX_LOCK_SECONDS));
  }
  return DEFAULT_LOCK_SECONDS;
}

/** A fresh lock token. */
export function newLockToken(): string {
  return `urn:uuid:${randomUUID()}`;
}

/** True when the lock's scope includes `path`: rooted there, or depth-infinity on an ancestor. */
export function lockCovers(lock: DavLock, path: string): boolean {
  return lock.path === path || (lock.depth === 'infinity' && isWithin(path, lock.path));
}

/** The locks among `existing` that a new lock of this scope and depth at `path` would conflict with. */
export function lockConflicts(existing: DavLock[], candidate: Pick<DavLock, 'path' | 'scope' | 'depth'>): DavLock[] {
  return existing.filter(
    (l) =>
      (lockCovers(l, candidate.path) || (candidate.depth === 'infinity' && isWithin(l.path, candidate.path))) &&
      (candidate.scope === 'exclusive' || l.scope === 'exclusive'),
  );
}
