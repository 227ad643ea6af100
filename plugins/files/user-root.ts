/**
 * The root of a user's tree: their folder on disk plus the virtual, read-only `Shared with me` entry (requests below
 * it are answered by the share proxy before they reach the DAV server, so here it only appears in listings and as
 * a Destination, which is another store: 502).
 */
import {
  DavError,
  forbidden,
  methodNotAllowed,
  type DavCollection,
  type DavNode,
  type WriteInput,
  type WriteResult,
} from '#dav';
import { DiskCollection, type DiskStore } from './disk-nodes.ts';
import { SHARED_FOLDER } from './share-mounts.ts';

/** What the virtual folder shows. */
export interface VirtualInfo {
  etag: string;
  mtimeMs: number;
}

function otherStore(): DavError {
  return new DavError(502, 'the destination is in another store', 'DAV_CROSS_SERVER');
}

/** A read-only folder that exists only in listings (e.g. Shared with me). */
export class VirtualFolder implements DavCollection {
  readonly collection = true as const;
  readonly lockable = false;
  readonly contentType = null;
  readonly size = null;
  readonly name: string;
  readonly etag: string;
  readonly lastModified: number;
  readonly createdAt: number;

  constructor(name: string, info: VirtualInfo) {
    this.name = name;
    this.etag = info.etag;
    this.lastModified = info.mtimeMs;
    this.createdAt = info.mtimeMs;
  }

  async child(): Promise<DavNode | null> {
    return null;
  }
  async children(): Promise<DavNode[]> {
    return [];
  }
  async createFile(): Promise<WriteResult> {
    throw otherStore();
  }
  async createCollection(): Promise<void> {
    throw otherStore();
  }
  async moveInto(): Promise<boolean> {
    throw otherStore();
  }
  async copyInto(): Promise<boolean> {
    throw otherStore();
  }
  async delete(): Promise<void> {
    throw otherStore();
  }
}

/** A stand-in for a share whose owner did not answer: name, type and date only. */
export class VirtualEntry implements DavNode {
  readonly lockable = false;
  readonly etag = null;
  readonly contentType = null;
  readonly size = null;
  readonly name: string;
  readonly collection: boolean;
  readonly lastModified: number;
  readonly createdAt: number;

  constructor(name: string, collection: boolean, mtimeMs: number) {
    this.name = name;
    this.collection = collection;
    this.lastModified = mtimeMs;
    this.createdAt = mtimeMs;
  }

  async delete(): Promise<void> {
    throw otherStore();
  }
}

/** A user's root folder with the virtual Shared with me entry. */
export class UserRoot extends DiskCollection {
  readonly #shared: () => Promise<VirtualInfo>;

  constructor(base: DiskCollection, shared: () => Promise<VirtualInfo>) {
    super(base.store, base.full, base.name, base.info);
    this.#shared = shared;
  }

  /** The user's root folder, or null when it is missing. */
  static async openUser(
    store: DiskStore,
    full: string,
    userId: string,
    shared: () => Promise<VirtualInfo>,
  ): Promise<UserRoot | null> {
    const base = await DiskCollection.open(store, full, userId);
    return base ? new UserRoot(base, shared) : null;
  }

  override async child(name: string): Promise<DavNode | null> {
    // Only a placeholder: its real ETag costs a share lookup that only listings need.
    if (name === SHARED_FOLDER) return new VirtualFolder(SHARED_FOLDER, { etag: '""', mtimeMs: 0 });
    return super.child(name);
  }

  override async children(): Promise<DavNode[]> {
    const [own, shared] = await Promise.all([super.children(), this.#shared()]);
    return [...own.filter((n) => n.name !== SHARED_FOLDER), new VirtualFolder(SHARED_FOLDER, shared)];
  }

  override async createFile(name: string, input: WriteInput): Promise<WriteResult> {
    if (name === SHARED_FOLDER) throw forbidden('this name is reserved');
    return super.createFile(name, input);
  }

  override async createCollection(name: string): Promise<void> {
    if (name === SHARED_FOLDER) throw methodNotAllowed('the resource already exists');
    return super.createCollection(name);
  }
}
