/**
 * Files on disk as a backend of the DAV toolkit: a folder is a DavCollection, a file a DavFile. Every lookup goes
 * one segment at a time with lstat, so a symlink anywhere in a path (planted on disk; WebDAV cannot create one) is
 * simply absent: no request ever follows it out of the tree. Bodies are streamed to a temporary file on the same
 * file system and renamed into place, so readers never see half a file.
 */
import { randomUUID } from 'node:crypto';
import { constants as fsc, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { isValidName, type DavCollection, type DavFile, type DavNode, type WriteInput, type WriteResult } from '#dav';
import { closeFd, openForRead, openForWrite, receiveBody, sendRange, statFd, touchFd } from './disk-io.ts';
import { copyEntry, fsError, mimeOf, statEntrySync, toEntry, type EntryInfo } from './file-store.ts';

/** What every node of one disk tree shares. */
export interface DiskStore {
  /** Directory for in-flight uploads (same file system as the trees, for atomic rename). */
  uploadDir: string;
  /**
   * Wraps renaming a new body (whose identity is `next`: a rename keeps inode and birth time) over an existing file
   * at `full`; the wrapper must call `rename` once.
   */
  replace?(full: string, next: EntryInfo, rename: () => Promise<void>): Promise<void>;
}

const STAT_CHUNK = 256;

async function fsCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fsError(err);
  }
}

/**
 * Writes a body into a new temporary file and renames it over `target` (no fsync: see the README's Limits); returns
 * the stored entry. Its identity and ETag come from the open file: a rename keeps inode, size and times.
 */
async function storeBody(store: DiskStore, target: string, input: WriteInput, existing: EntryInfo | null) {
  const tmp = path.join(store.uploadDir, `${randomUUID()}.part`);
  const headers: Record<string, string> = {};
  let fd: number | null = null;
  try {
    fd = openForWrite(tmp);
    await receiveBody(input.body, fd);
    // Nextcloud/ownCloud clients send the file's own mtime in seconds; anything no Date can hold is ignored.
    const mtime = new Date(Number(input.headers['x-oc-mtime']) * 1000);
    if (mtime.getTime() > 0) {
      touchFd(fd, mtime);
      headers['X-OC-MTime'] = 'accepted';
    }
    const info = toEntry(statFd(fd));
    closeFd(fd);
    fd = null;
    // On the thread pool, unlike the other metadata calls: ext4 (auto_da_alloc) starts writing the new body back when
    // it replaces a file by rename, which held a synchronous rename for some 2 ms.
    const rename = (): Promise<void> => fsCall(() => fs.rename(tmp, target));
    if (existing && store.replace && info) await store.replace(target, info, rename);
    else await rename();
    return { info, headers };
  } catch (err) {
    if (fd !== null) closeFd(fd);
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw fsError(err); // a full disk while streaming is 507, not 500
  }
}

/** A file or folder on disk. */
abstract class DiskNode implements DavNode {
  abstract readonly collection: boolean;
  readonly name: string;
  readonly etag: string;
  readonly lastModified: number;
  readonly createdAt: number;
  readonly store: DiskStore;
  /** Absolute file-system path. */
  readonly full: string;
  readonly info: EntryInfo;

  constructor(store: DiskStore, full: string, name: string, info: EntryInfo) {
    this.store = store;
    this.full = full;
    this.name = name;
    this.info = info;
    this.etag = info.etag;
    this.lastModified = info.mtimeMs;
    this.createdAt = info.createdMs;
  }

  abstract readonly contentType: string | null;
  abstract readonly size: number | null;

  async delete(): Promise<void> {
    await fsCall(() => fs.rm(this.full, { recursive: true, force: true }));
  }
}

/** A file on disk. */
export class DiskFile extends DiskNode implements DavFile {
  readonly collection = false as const;
  readonly contentType: string;
  readonly size: number;

  constructor(store: DiskStore, full: string, name: string, info: EntryInfo) {
    super(store, full, name, info);
    this.contentType = mimeOf(name);
    this.size = info.size;
  }

  async read(range?: { start: number; end: number }): Promise<Readable> {
    // O_NOFOLLOW: even if the name was swapped for a symlink since the lookup, the open refuses it.
    const handle = await fsCall(() => fs.open(this.full, fsc.O_RDONLY | fsc.O_NOFOLLOW));
    return handle.createReadStream({ ...(range ?? {}), highWaterMark: 256 * 1024 });
  }

  /** GET's path: the bytes straight from reused buffers to the response (see disk-io.ts). */
  async send(out: Writable, range: { start: number; end: number }): Promise<void> {
    const fd = await fsCall(async () => openForRead(this.full));
    try {
      await sendRange(fd, out, range.start, range.end);
    } finally {
      closeFd(fd);
    }
  }

  async write(input: WriteInput): Promise<WriteResult> {
    const { info, headers } = await storeBody(this.store, this.full, input, this.info);
    return { etag: info?.etag ?? null, headers };
  }
}

/** A folder on disk. */
export class DiskCollection extends DiskNode implements DavCollection {
  readonly collection = true as const;
  readonly contentType = null;
  readonly size = null;

  /** The folder at an absolute path (itself not checked for symlinks: it is the trusted root), or null. */
  static async open(store: DiskStore, full: string, name: string): Promise<DiskCollection | null> {
    const info = await fsCall(async () => statEntrySync(full));
    return info?.collection ? new DiskCollection(store, full, name, info) : null;
  }

  /** Wraps one entry of this folder (`full`: its path, this folder's path + `/` + name). */
  protected nodeFor(name: string, info: EntryInfo, full = `${this.full}/${name}`): DiskFile | DiskCollection {
    return info.collection
      ? new DiskCollection(this.store, full, name, info)
      : new DiskFile(this.store, full, name, info);
  }

  /**
   * One member, looked up with a direct (synchronous) lstat: paths are walked a segment at a time, and a local lstat
   * costs microseconds where a thread-pool round trip per segment would cost several times that.
   */
  async child(name: string): Promise<DavNode | null> {
    if (!isValidName(name)) return null;
    const full = `${this.full}/${name}`;
    const info = await fsCall(async () => statEntrySync(full));
    return info ? this.nodeFor(name, info, full) : null;
  }

  /**
   * All entries, stat'ed synchronously in bounded chunks with a yield between chunks: a direct lstat costs a few
   * microseconds while a thread-pool round trip per entry costs several times that, and a huge folder never stalls
   * other requests for long.
   */
  async children(): Promise<DavNode[]> {
    const names = (await fsCall(() => fs.readdir(this.full))).sort();
    const out: DavNode[] = [];
    for (let i = 0; i < names.length; i += STAT_CHUNK) {
      if (i > 0) await new Promise<void>((r) => setImmediate(r));
      const stop = Math.min(names.length, i + STAT_CHUNK);
      for (let k = i; k < stop; k++) {
        const n = names[k] as string;
        const full = `${this.full}/${n}`; // a member name never holds a slash: no path.join (a good part of a listing)
        const info = statEntrySync(full);
        if (info) out.push(this.nodeFor(n, info, full));
      }
    }
    return out;
  }

  async createFile(name: string, input: WriteInput): Promise<WriteResult> {
    const { info, headers } = await storeBody(this.store, path.join(this.full, name), input, null);
    return { etag: info?.etag ?? null, headers };
  }

  async createCollection(name: string): Promise<void> {
    await fsCall(() => fs.mkdir(path.join(this.full, name)));
  }

  async moveInto(name: string, source: DavNode): Promise<boolean> {
    if (!(source instanceof DiskNode)) return false;
    const from = source.full;
    await fsCall(() => fs.rename(from, path.join(this.full, name)));
    return true;
  }

  async copyInto(name: string, source: DavNode, deep: boolean): Promise<boolean> {
    if (!(source instanceof DiskNode)) return false;
    const from = source.full;
    await fsCall(() => copyEntry(from, path.join(this.full, name), deep));
    return true;
  }
}

/** Walks a tree path from a folder one segment at a time (never through a symlink); null when absent. */
export async function resolveDiskPath(
  root: DiskCollection,
  treePath: string,
): Promise<DiskFile | DiskCollection | null> {
  let node: DavNode | null = root;
  for (const seg of treePath.split('/').filter(Boolean)) {
    if (!(node instanceof DiskCollection)) return null;
    node = await node.child(seg);
  }
  return node as DiskFile | DiskCollection | null;
}
