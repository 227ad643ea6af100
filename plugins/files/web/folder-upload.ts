/**
 * Files picked or dropped together with the folders they sit in: a folder chosen with `<input webkitdirectory>`
 * (each file's `webkitRelativePath`) or dropped (walked with `webkitGetAsEntry`, which Chromium, Firefox and Safari
 * all ship despite the prefix). Each file keeps its path relative to the upload target, so the folders can be made
 * (MKCOL, parents first) before the files are put in them.
 */
import type { DavClient } from './dav-client.ts';

/** A file and where it goes, relative to the folder it is uploaded to (`Photos/2024/a.jpg`). */
export interface TreeFile {
  file: File;
  path: string;
}

/** What was picked or dropped: files with their relative paths, and every folder (empty ones too). */
export interface UploadTree {
  files: TreeFile[];
  folders: string[];
}

function parentsOf(p: string): string[] {
  const segs = p.split('/').slice(0, -1);
  return segs.map((_, i) => segs.slice(0, i + 1).join('/'));
}

/** The tree of files chosen in a file input (a folder input gives relative paths; plain files have none). */
export function treeFromInput(list: ArrayLike<File>): UploadTree {
  const files = Array.from(list).map((file) => ({ file, path: file.webkitRelativePath || file.name }));
  return { files, folders: [...new Set(files.flatMap((f) => parentsOf(f.path)))] };
}

function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  // readEntries answers in batches (100 in Chromium) until it answers an empty one.
  const reader = dir.createReader();
  const out: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(out);
        out.push(...batch);
        next();
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/**
 * The entries of a drop, taken at once: a DataTransfer's items are only readable during the drop event, so this
 * runs synchronously in the handler and the walk (`walkDrop`) happens afterwards.
 */
export function dropEntries(dt: DataTransfer): Array<FileSystemEntry | File> {
  const items = Array.from(dt.items ?? []).filter((i) => i.kind === 'file');
  if (items.length === 0) return Array.from(dt.files);
  return items
    .map((item) => (typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null) ?? item.getAsFile())
    .filter((x): x is FileSystemEntry | File => x !== null);
}

/** Walks dropped entries into an upload tree (folders depth-first, every file with its relative path). */
export async function walkDrop(entries: Array<FileSystemEntry | File>): Promise<UploadTree> {
  const tree: UploadTree = { files: [], folders: [] };
  const visit = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    const p = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) {
      tree.folders.push(p);
      for (const child of await readAllEntries(entry as FileSystemDirectoryEntry)) await visit(child, p);
    } else if (entry.isFile) {
      tree.files.push({ file: await fileOf(entry as FileSystemFileEntry), path: p });
    }
  };
  for (const e of entries) {
    if (e instanceof File) tree.files.push({ file: e, path: e.name });
    else await visit(e, '');
  }
  return tree;
}

/** Makes the tree's folders under `base` (parents first; existing ones are fine). */
export async function createFolders(dav: DavClient, base: string, folders: readonly string[]): Promise<void> {
  const ordered = [...new Set(folders)].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  for (const f of ordered) await dav.ensureFolder(base === '/' ? `/${f}` : `${base}/${f}`);
}

/** The top-level names a tree adds to the target folder (for the "already exists" question). */
export function topNames(tree: UploadTree): string[] {
  return [...new Set([...tree.files.map((f) => f.path), ...tree.folders].map((p) => p.split('/')[0] as string))];
}
