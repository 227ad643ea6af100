/**
 * Test-only backends for the toolkit's own tests (never imported by production code): an in-memory tree whose
 * collections keep a change log (so sync-collection can be exercised), an in-memory lock backend and an in-memory
 * dead-property store. They are deliberately small and show what a backend has to provide.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DavError } from '../errors.ts';
import type { DavLock, LockBackend } from '../locks/lock-backend.ts';
import type { DeadPropertyStore } from '../dead-props.ts';
import { isWithin } from '../paths.ts';
import type { DavNode, DavSyncCollection, SyncChanges, WriteInput, WriteResult } from '../tree.ts';

interface Entry {
  body: Buffer | null; // null: a collection
  contentType: string;
  modified: number;
}

async function readAll(input: WriteInput): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of input.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A validation a test backend may apply to every stored body (throw a DavError to refuse it). */
export type BodyCheck = (name: string, body: Buffer) => void;

/** A whole in-memory tree: entries by path, and one change log (path, change number, removed?) for everything. */
export class MemoryStore {
  readonly entries = new Map<string, Entry>([['/', { body: null, contentType: '', modified: Date.now() }]]);
  readonly log: Array<{ path: string; n: number; removed: boolean }> = [];
  /** Oldest change number still in the log (tokens before it are rejected). */
  oldest = 0;
  counter = 0;
  check: BodyCheck | null = null;
  /** When true, collections give the change counter as their response-cache version. */
  versioned = false;

  /** Records a change. */
  touch(path: string, removed = false): void {
    this.log.push({ path, n: ++this.counter, removed });
  }

  /** The node at a path. */
  node(path: string): DavNode | null {
    const e = this.entries.get(path);
    if (!e) return null;
    return e.body === null ? new MemoryCollection(this, path) : new MemoryFile(this, path);
  }

  /** Paths directly below a collection. */
  childPaths(path: string): string[] {
    const prefix = path === '/' ? '/' : `${path}/`;
    return [...this.entries.keys()]
      .filter((p) => p !== path && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
      .sort();
  }

  put(path: string, body: Buffer, contentType = 'text/plain'): void {
    this.check?.(path.slice(path.lastIndexOf('/') + 1), body);
    this.entries.set(path, { body, contentType, modified: Date.now() });
    this.touch(path);
  }

  remove(path: string): void {
    for (const p of [...this.entries.keys()])
      if (isWithin(p, path)) {
        this.entries.delete(p);
        this.touch(p, true);
      }
  }
}

abstract class MemoryNode implements DavNode {
  readonly store: MemoryStore;
  readonly path: string;
  abstract readonly collection: boolean;

  constructor(store: MemoryStore, path: string) {
    this.store = store;
    this.path = path;
  }

  get name(): string {
    return this.path.slice(this.path.lastIndexOf('/') + 1);
  }
  get entry(): Entry {
    const e = this.store.entries.get(this.path);
    if (!e) throw new DavError(404, 'gone', 'DAV_NOT_FOUND');
    return e;
  }
  get etag(): string | null {
    const e = this.entry;
    return e.body === null ? null : `"${createHash('sha256').update(e.body).digest('hex').slice(0, 16)}"`;
  }
  get lastModified(): number {
    return this.entry.modified;
  }
  get contentType(): string | null {
    return this.entry.body === null ? null : this.entry.contentType;
  }
  get size(): number | null {
    return this.entry.body?.length ?? null;
  }

  async delete(): Promise<void> {
    this.store.remove(this.path);
  }
}

/** A file in memory. */
export class MemoryFile extends MemoryNode {
  readonly collection = false as const;

  async read(range?: { start: number; end: number }): Promise<Readable> {
    const body = this.entry.body ?? Buffer.alloc(0);
    return Readable.from([range ? body.subarray(range.start, range.end + 1) : body]);
  }

  async write(input: WriteInput): Promise<WriteResult> {
    this.store.put(this.path, await readAll(input), input.contentType);
    return { etag: this.etag };
  }
}

/** A collection in memory, with the store's change log filtered to its members. */
export class MemoryCollection extends MemoryNode implements DavSyncCollection {
  readonly collection = true as const;

  #child(name: string): string {
    return this.path === '/' ? `/${name}` : `${this.path}/${name}`;
  }

  async child(name: string): Promise<DavNode | null> {
    return this.store.node(this.#child(name));
  }

  async children(): Promise<DavNode[]> {
    return this.store.childPaths(this.path).map((p) => this.store.node(p) as DavNode);
  }

  async childrenNamed(names: readonly string[]): Promise<DavNode[]> {
    return names.map((n) => this.store.node(this.#child(n))).filter((n): n is DavNode => n !== null);
  }

  async createFile(name: string, input: WriteInput): Promise<WriteResult> {
    const p = this.#child(name);
    this.store.put(p, await readAll(input), input.contentType);
    return { etag: (this.store.node(p) as MemoryFile).etag };
  }

  async createCollection(name: string): Promise<void> {
    const p = this.#child(name);
    this.store.entries.set(p, { body: null, contentType: '', modified: Date.now() });
    this.store.touch(p);
  }

  async syncToken(): Promise<number> {
    return this.store.counter;
  }

  responseVersion(): string | null {
    return this.store.versioned ? `${this.path}:${this.store.counter}` : null;
  }

  async changesSince(token: number | null, opts: { level: '1' | 'infinite'; limit: number | null }) {
    if (token !== null && (token < this.store.oldest || token > this.store.counter)) return null;
    const prefix = this.path === '/' ? '/' : `${this.path}/`;
    const member = (p: string): string | null => {
      if (!p.startsWith(prefix)) return null;
      const rel = p.slice(prefix.length);
      return opts.level === '1' && rel.includes('/') ? null : rel;
    };
    const latest = new Map<string, boolean>();
    if (token === null)
      for (const p of this.store.entries.keys()) {
        const rel = member(p);
        if (rel) latest.set(rel, false);
      }
    else
      for (const c of this.store.log) {
        const rel = c.n > token ? member(c.path) : null;
        if (rel) latest.set(rel, c.removed);
      }
    let entries = [...latest];
    const truncated = opts.limit !== null && entries.length > opts.limit;
    if (truncated) entries = entries.slice(0, opts.limit as number);
    const out: SyncChanges = {
      token: this.store.counter,
      changed: entries.filter(([, r]) => !r).map(([p]) => p),
      deleted: token === null ? [] : entries.filter(([, r]) => r).map(([p]) => p),
      truncated,
    };
    return out;
  }
}

/** Locks in memory. */
export class MemoryLocks implements LockBackend {
  readonly locks = new Map<string, DavLock>();

  async find(space: string, path: string, descendants: boolean): Promise<DavLock[]> {
    const now = Date.now();
    return [...this.locks.values()].filter(
      (l) =>
        l.space === space && l.expiresAt > now && (isWithin(path, l.path) || (descendants && isWithin(l.path, path))),
    );
  }
  async byToken(token: string): Promise<DavLock | null> {
    const l = this.locks.get(token);
    return l && l.expiresAt > Date.now() ? l : null;
  }
  async create(lock: DavLock, conflicting: (existing: DavLock[]) => DavLock[]): Promise<DavLock[]> {
    const clash = conflicting(await this.find(lock.space, lock.path, true));
    if (clash.length === 0) this.locks.set(lock.token, lock);
    return clash;
  }
  async refresh(token: string, timeoutSeconds: number, expiresAt: number): Promise<void> {
    const l = this.locks.get(token);
    if (l) Object.assign(l, { timeoutSeconds, expiresAt });
  }
  async remove(token: string): Promise<boolean> {
    return this.locks.delete(token);
  }
  async removeTree(space: string, path: string): Promise<void> {
    for (const l of [...this.locks.values()])
      if (l.space === space && isWithin(l.path, path)) this.locks.delete(l.token);
  }
  async removePrincipal(principal: string): Promise<void> {
    for (const l of [...this.locks.values()]) if (l.principal === principal) this.locks.delete(l.token);
  }
}

/** Dead properties in memory. */
export class MemoryProps implements DeadPropertyStore {
  readonly props = new Map<string, Map<string, string>>();
  #key = (space: string, path: string): string => `${space}\u0000${path}`;

  async get(space: string, paths: readonly string[]) {
    const out = new Map<string, Map<string, string>>();
    for (const p of paths) {
      const m = this.props.get(this.#key(space, p));
      if (m) out.set(p, new Map(m));
    }
    return out;
  }
  async patch(space: string, path: string, ops: ReadonlyArray<{ name: string; value: string | null }>) {
    const m = this.props.get(this.#key(space, path)) ?? new Map<string, string>();
    for (const o of ops)
      if (o.value === null) m.delete(o.name);
      else m.set(o.name, o.value);
    this.props.set(this.#key(space, path), m);
  }
  async removeTree(space: string, path: string) {
    for (const k of [...this.props.keys()]) {
      const [s, p] = k.split('\u0000') as [string, string];
      if (s === space && isWithin(p, path)) this.props.delete(k);
    }
  }
  async moveTree(space: string, from: string, to: string) {
    await this.copyTree(space, from, to, true);
    await this.removeTree(space, from);
  }
  async copyTree(space: string, from: string, to: string, deep: boolean) {
    await this.removeTree(space, to);
    for (const [k, v] of [...this.props]) {
      const [s, p] = k.split('\u0000') as [string, string];
      if (s !== space || !(deep ? isWithin(p, from) : p === from)) continue;
      this.props.set(this.#key(space, p === from ? to : `${to}${p.slice(from.length)}`), new Map(v));
    }
  }
}

/** Quiet logger that remembers errors. */
export function testLogger(): { errors: unknown[]; error(o: object): void; warn(): void } {
  const errors: unknown[] = [];
  return { errors, error: (o) => errors.push(o), warn: () => {} };
}
