/**
 * Shares bind to the resource, not to a path. A share root records the path and the identity of the shared object;
 * - a MOVE through WebDAV takes the share along (same object, new path);
 * - a DELETE through WebDAV, or a COPY/MOVE that overwrites the shared object, ends the share at once (the core's
 *   revoke: access stops, the recipient's server is told);
 * - every access checks that the path still names the same object, so a folder deleted or moved away on disk and a
 *   new one created in its place is never served; such a share is answered 404 at once and ended once a second look
 *   a moment later confirms it (so an owner's rename caught mid-flight never ends a share by mistake), and a
 *   periodic sweep finds the ones nobody asks for;
 * - a PUT that replaces a shared file's body keeps the share: the new object's identity is recorded before it is
 *   renamed into place and both are accepted while that happens (on one app node these replacements are serialized
 *   per file; two nodes racing PUTs on one shared file at the same instant could still leave the share ended).
 */
import type { PluginContext } from '#core';
import type { DavExtension } from '#dav';
import { DiskCollection, resolveDiskPath, type DiskFile, type DiskStore } from './disk-nodes.ts';
import { statEntrySync } from './file-store.ts';
import type { ShareRoot, ShareRoots } from './share-roots.ts';

/** Delay before a share whose resource looked gone is checked again and ended. */
export const CONFIRM_MS = 1_000;
/** How often every share root is checked (resources deleted on disk while nobody used the share). */
export const SWEEP_MS = 10 * 60_000;

/** The share checks the files plugin applies on its DAV server and its share mount. */
export class ShareBinding {
  readonly #ctx: Pick<PluginContext, 'shares' | 'logger'>;
  readonly #roots: ShareRoots;
  readonly #home: (owner: string) => Promise<DiskCollection | null>;
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Replacements in flight, per file path (see diskHooks). */
  readonly #replacing = new Map<string, Promise<void>>();
  #stopped = false;

  constructor(
    ctx: Pick<PluginContext, 'shares' | 'logger'>,
    roots: ShareRoots,
    home: (owner: string) => Promise<DiskCollection | null>,
  ) {
    this.#ctx = ctx;
    this.#roots = roots;
    this.#home = home;
  }

  /** The object at a root's path when it is still the shared one, else null. */
  async #current(root: ShareRoot): Promise<DiskFile | DiskCollection | null> {
    const home = await this.#home(root.owner);
    const node = home && (await resolveDiskPath(home, root.path));
    if (!node || node.collection !== (root.kind === 'folder')) return null;
    const id = node.info.fileId;
    if (root.fileId === null) await this.#roots.adopt(root.providerId, id);
    else if (id !== root.fileId && id !== root.nextFileId) return null;
    return node;
  }

  /** The shared object of a share, or null (never another object that took its path; the share is then ended). */
  async resolve(root: ShareRoot): Promise<DiskFile | DiskCollection | null> {
    const node = await this.#current(root);
    if (!node) this.#confirmLater(root.providerId);
    return node;
  }

  #confirmLater(providerId: string): void {
    if (this.#stopped) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      void this.#confirm(providerId);
    }, CONFIRM_MS);
    t.unref();
    this.#timers.add(t);
  }

  async #confirm(providerId: string): Promise<void> {
    try {
      const root = await this.#roots.get(providerId);
      if (root && !(await this.#current(root))) await this.end([providerId]);
    } catch (err) {
      if (!this.#stopped) this.#ctx.logger.warn({ err, providerId }, 'share root check failed');
    }
  }

  /** Ends shares whose resource is gone: forgets their roots and revokes them (the recipients are told). */
  async end(providerIds: string[]): Promise<void> {
    for (const id of providerIds) {
      await this.#roots.remove(id);
      try {
        const share = await this.#ctx.shares.findOutgoingByProviderId(id);
        if (share && share.state !== 'unshared') {
          await this.#ctx.shares.revokeOutgoing(share.ownerId, share.id);
          this.#ctx.logger.info({ providerId: id }, 'share ended: its resource is gone');
        }
      } catch (err) {
        this.#ctx.logger.warn({ err, providerId: id }, 'ending a share whose resource is gone failed');
      }
    }
  }

  /** Checks every share root; ends (after confirmation) those whose resource is gone. */
  async sweep(): Promise<void> {
    for (const root of await this.#roots.all()) {
      if (this.#stopped) return;
      if (!(await this.#current(root))) this.#confirmLater(root.providerId);
    }
  }

  /** Starts the periodic sweep (and one now). */
  start(): void {
    const run = (): void =>
      void this.sweep().catch((err: unknown) => {
        if (!this.#stopped) this.#ctx.logger.warn({ err }, 'share root sweep failed');
      });
    const t = setInterval(run, SWEEP_MS);
    t.unref();
    this.#timers.add(t);
    run();
  }

  /** Stops timers (plugin shutdown). */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  /**
   * The disk store's replace hook: a shared file replaced by PUT stays shared. Replacements of one path run one at a
   * time here, and the file's identity is read fresh inside, so two PUTs racing on a shared file cannot leave the
   * share pointing at a body that lost the race.
   */
  diskHooks(): Pick<DiskStore, 'replace'> {
    return {
      replace: (full, next, rename) =>
        this.#serially(full, async () => {
          const current = statEntrySync(full);
          // Most files are not shared: one indexed read spares them two writes.
          const shared = current !== null && (await this.#roots.isShared(current.fileId));
          if (shared) await this.#roots.replacing(current.fileId, next.fileId);
          await rename();
          if (shared) await this.#roots.replaced(current.fileId, next.fileId);
        }),
    };
  }

  async #serially(key: string, fn: () => Promise<void>): Promise<void> {
    const run = (this.#replacing.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => {});
    this.#replacing.set(key, tail);
    try {
      await run;
    } finally {
      if (this.#replacing.get(key) === tail) this.#replacing.delete(key);
    }
  }

  /** The DAV extension: shares follow MOVEs and end with DELETE (or an overwriting COPY/MOVE). */
  extension(): DavExtension {
    return {
      name: 'files-share-binding',
      setup: (server) => {
        server.on('afterMove', (d, from, to) => this.#roots.move(d.mount.space, d.key(from), d.key(to)));
        server.on('afterUnbind', async (d, p) => {
          const gone = await this.#roots.within(d.mount.space, d.key(p));
          await this.end(gone.map((r) => r.providerId));
        });
      },
    };
  }
}

/** Opens an owner's home folder for the binding checks. */
export function homeOpener(store: DiskStore, dirOf: (owner: string) => string) {
  return (owner: string): Promise<DiskCollection | null> => DiskCollection.open(store, dirOf(owner), owner);
}
