/**
 * The on-disk side of a user's tree: stat with strong ETags and a stable identity, recursive copy, media types, and
 * the mapping of file-system errors to DAV statuses. Symlinks are never followed: lstat treats them as absent.
 */
import { constants as fsc, lstatSync, promises as fs, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { DavError } from '#dav';

/** What PROPFIND, GET and the preconditions need to know about one entry. */
export interface EntryInfo {
  collection: boolean;
  size: number;
  mtimeMs: number;
  /** Strong ETag, quoted: changes whenever the content (or, for collections, the membership) changes. */
  etag: string;
  createdMs: number;
  /**
   * Identity of the file-system object: device, inode and birth time. A folder deleted and created again at the
   * same path gets a new identity even when the file system reuses the inode number (ext4 does, at once).
   */
  readonly fileId: string;
}

/** Stats an entry without following symlinks (a symlink planted on disk is treated as absent); null if missing. */
export async function statEntry(full: string): Promise<EntryInfo | null> {
  let st;
  try {
    st = await fs.lstat(full, { bigint: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
  return toEntry(st);
}

/**
 * The same, synchronously: for listing a folder, a direct lstat costs a few microseconds while a
 * thread-pool round trip per entry costs several times that (callers stat in bounded chunks).
 */
export function statEntrySync(full: string): EntryInfo | null {
  let st;
  try {
    st = lstatSync(full, { bigint: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
  return toEntry(st);
}

/** The entry of a stat result; null for anything but a regular file or a directory. */
export function toEntry(st: BigIntStats): EntryInfo | null {
  const dir = st.isDirectory();
  return dir || st.isFile() ? new StatEntry(st, dir) : null;
}

/**
 * An EntryInfo made from a stat. A folder listing makes one per member and only share bookkeeping reads `fileId`,
 * so that one is formatted when first read (three BigInt-to-string conversions less per member).
 */
class StatEntry implements EntryInfo {
  readonly collection: boolean;
  readonly size: number;
  readonly mtimeMs: number;
  readonly etag: string;
  readonly createdMs: number;
  readonly #dev: bigint;
  readonly #ino: string;
  readonly #birth: bigint;
  #fileId: string | undefined;

  constructor(st: BigIntStats, dir: boolean) {
    const ino = st.ino.toString(36);
    this.collection = dir;
    this.size = dir ? 0 : Number(st.size);
    this.mtimeMs = Number(st.mtimeMs);
    // Inode + size + nanosecond mtime: an atomic-rename PUT always yields a new inode, so equal bytes written twice
    // still get a new ETag (strong ETags only promise "same tag implies same bytes").
    this.etag = `"${ino}-${st.size.toString(36)}-${st.mtimeNs.toString(36)}"`;
    this.createdMs = Number(st.birthtimeMs) || Number(st.ctimeMs);
    this.#dev = st.dev;
    this.#ino = ino;
    this.#birth = st.birthtimeNs;
  }

  get fileId(): string {
    return (this.#fileId ??= `${this.#dev.toString(36)}.${this.#ino}.${this.#birth.toString(36)}`);
  }
}

/** Copies a file, or a directory (depth 0: the directory only; infinity: everything below it). */
export async function copyEntry(src: string, dst: string, deep: boolean): Promise<void> {
  const st = await fs.lstat(src);
  if (st.isDirectory()) {
    await fs.mkdir(dst);
    if (!deep) return;
    for (const name of await fs.readdir(src)) await copyEntry(path.join(src, name), path.join(dst, name), true);
  } else if (st.isFile()) {
    await fs.copyFile(src, dst, fsc.COPYFILE_FICLONE);
  }
}

/** A media type from the file extension; the few types desktop clients and browsers care about. */
export function mimeOf(name: string): string {
  const ext = path.extname(name).toLowerCase().slice(1);
  return MIME[ext] ?? 'application/octet-stream';
}

const MIME: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  csv: 'text/csv',
  js: 'text/javascript',
  mjs: 'text/javascript',
  json: 'application/json',
  xml: 'application/xml',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  webm: 'video/webm',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  ics: 'text/calendar',
  vcf: 'text/vcard',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** Maps file-system errors that bad input can cause to DAV statuses, so they never surface as 500. */
export function fsError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new DavError(409, 'a parent collection does not exist', 'DAV_CONFLICT');
    case 'ENOTDIR':
      return new DavError(409, 'a parent is not a collection', 'DAV_CONFLICT');
    case 'EEXIST':
    case 'ENOTEMPTY':
      return new DavError(409, 'the target exists', 'DAV_CONFLICT');
    case 'EISDIR':
      return new DavError(409, 'the target is a collection', 'DAV_CONFLICT');
    case 'ENAMETOOLONG':
      return new DavError(400, 'name too long', 'DAV_NAME_TOO_LONG');
    case 'ENOSPC':
    case 'EDQUOT':
      return new DavError(507, 'insufficient storage', 'DAV_INSUFFICIENT_STORAGE');
    case 'EINVAL':
      return new DavError(400, 'invalid name', 'DAV_PATH_INVALID');
    default:
      return err;
  }
}
