import type { DavEntry } from './dav-multistatus.ts';
import { SHARED_FOLDER } from './files-paths.ts';

/** What the list is sorted by. */
export interface SortOrder {
  key: 'name' | 'size' | 'modified';
  dir: 'asc' | 'desc';
}

const STORE = 'meshwork.files.sort';
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The order the user chose last time (name, ascending at first). */
export function savedOrder(): SortOrder {
  try {
    const v = JSON.parse(localStorage.getItem(STORE) ?? '') as SortOrder;
    if (['name', 'size', 'modified'].includes(v.key) && ['asc', 'desc'].includes(v.dir)) return v;
  } catch {
    // nothing saved
  }
  return { key: 'name', dir: 'asc' };
}

/** Remembers the order for the next visit. */
export function saveOrder(o: SortOrder): void {
  try {
    localStorage.setItem(STORE, JSON.stringify(o));
  } catch {
    // private mode: the order lasts for this page only
  }
}

/** Entries in an order: "Shared with me" first, then folders, then files; ties broken by name. */
export function sortEntries(entries: readonly DavEntry[], o: SortOrder): DavEntry[] {
  const pinned = (e: DavEntry) => Number(e.path === `/${SHARED_FOLDER}`);
  const sign = o.dir === 'asc' ? 1 : -1;
  const by = (a: DavEntry, b: DavEntry): number => {
    if (o.key === 'size') return ((a.isFolder ? 0 : (a.size ?? 0)) - (b.isFolder ? 0 : (b.size ?? 0))) * sign;
    if (o.key === 'modified') return ((a.modified ?? 0) - (b.modified ?? 0)) * sign;
    return collator.compare(a.name, b.name) * sign;
  };
  return [...entries].sort(
    (a, b) =>
      pinned(b) - pinned(a) || Number(b.isFolder) - Number(a.isFolder) || by(a, b) || collator.compare(a.name, b.name),
  );
}

/** The entries whose name contains the query (case- and accent-insensitive). */
export function filterEntries(entries: readonly DavEntry[], query: string): DavEntry[] {
  const q = fold(query.trim());
  return q ? entries.filter((e) => fold(e.name).includes(q)) : [...entries];
}

/** Lower case without accents. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}
