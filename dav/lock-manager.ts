/**
 * WebDAV write locks (RFC 4918 §6-7), exclusive and shared, depth 0 or infinity, with timeouts. Held in memory per
 * server process: locks are advisory and short-lived (desktop clients refresh them), so a restart dropping them is
 * what most DAV servers do; a multi-node deployment needs sticky sessions for LOCK (see README).
 */
import { randomUUID } from 'node:crypto';
import { isWithin } from './paths.ts';

/** One active lock. */
export interface DavLock {
  token: string;
  /** Tree owner (locks live in the owner's namespace, so a share's recipient and the owner see the same locks). */
  owner: string;
  /** Tree path of the lock root. */
  path: string;
  depth: '0' | 'infinity';
  scope: 'exclusive' | 'shared';
  /** The client's `<d:owner>` content as XML, echoed in lockdiscovery. */
  ownerXml: string;
  /** Who created it: only they may use the token. */
  principal: string;
  timeoutSeconds: number;
  expiresAt: number;
}

export const MAX_LOCK_SECONDS = 86_400;
const DEFAULT_LOCK_SECONDS = 3_600;

/** Parses `Timeout: Second-600, Infinite` into granted seconds (capped). */
export function parseTimeout(header: string | undefined): number {
  if (!header) return DEFAULT_LOCK_SECONDS;
  for (const part of header.split(',').map((s) => s.trim().toLowerCase())) {
    if (part === 'infinite') return MAX_LOCK_SECONDS;
    const m = /^second-(\d{1,12})$/.exec(part);
    if (m) return Math.max(1, Math.min(Number(m[1]), MAX_LOCK_SECONDS));
  }
  return DEFAULT_LOCK_SECONDS;
}

/** Active locks, looked up by token or by the paths they cover. */
export class LockManager {
  readonly #locks = new Map<string, DavLock>();

  #sweep(): void {
    const now = Date.now();
    for (const [t, l] of this.#locks) if (l.expiresAt <= now) this.#locks.delete(t);
  }

  /** Locks whose scope includes `path`: on it, or depth-infinity on an ancestor. */
  covering(owner: string, path: string): DavLock[] {
    this.#sweep();
    return [...this.#locks.values()].filter(
      (l) => l.owner === owner && (l.path === path || (l.depth === 'infinity' && isWithin(path, l.path))),
    );
  }

  /** Locks rooted at `path` or anywhere below it. */
  within(owner: string, path: string): DavLock[] {
    this.#sweep();
    return [...this.#locks.values()].filter((l) => l.owner === owner && isWithin(l.path, path));
  }

  /** A live lock by token. */
  get(token: string): DavLock | undefined {
    this.#sweep();
    return this.#locks.get(token);
  }

  /** Locks that would conflict with a new lock of this scope and depth (empty: it may be granted). */
  conflicts(owner: string, path: string, scope: DavLock['scope'], depth: DavLock['depth']): DavLock[] {
    const touching = new Set([
      ...this.covering(owner, path),
      ...(depth === 'infinity' ? this.within(owner, path) : []),
    ]);
    return [...touching].filter((l) => scope === 'exclusive' || l.scope === 'exclusive');
  }

  /** Grants a lock (the caller has checked conflicts). */
  create(input: Omit<DavLock, 'token' | 'expiresAt'>): DavLock {
    const lock: DavLock = {
      ...input,
      token: `urn:uuid:${randomUUID()}`,
      expiresAt: Date.now() + input.timeoutSeconds * 1000,
    };
    this.#locks.set(lock.token, lock);
    return lock;
  }

  /** Extends a lock's lifetime. */
  refresh(lock: DavLock, timeoutSeconds: number): DavLock {
    lock.timeoutSeconds = timeoutSeconds;
    lock.expiresAt = Date.now() + timeoutSeconds * 1000;
    return lock;
  }

  /** Releases a lock. */
  remove(token: string): boolean {
    return this.#locks.delete(token);
  }

  /** Drops every lock a principal holds (e.g. a share that ended). */
  removePrincipal(principal: string): void {
    for (const [t, l] of this.#locks) if (l.principal === principal) this.#locks.delete(t);
  }

  /** Drops every lock rooted at or below a path (the resources were deleted or moved away). */
  removeTree(owner: string, path: string): void {
    for (const l of this.within(owner, path)) this.#locks.delete(l.token);
  }
}
