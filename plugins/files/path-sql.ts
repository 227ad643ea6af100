/** SQL helpers for tables keyed by tree paths (dead properties, share roots, locks). */
import { sql } from 'kysely';

/** Rows whose `path` is `path` itself or lies below it (no LIKE, so `%` and `_` in names are harmless). */
export function subtree(path: string) {
  const prefix = path === '/' ? '/' : `${path}/`;
  const len = Array.from(prefix).length;
  return sql<boolean>`(path = ${path} or substr(path, 1, ${len}) = ${prefix})`;
}

/** `p` moved from below `from` to below `to`. */
export function rebase(p: string, from: string, to: string): string {
  return p === from ? to : `${to === '/' ? '' : to}${p.slice(from === '/' ? 0 : from.length)}`;
}

/** A path and all its ancestors, root first (`/a/b` → `/`, `/a`, `/a/b`). */
export function selfAndAncestors(path: string): string[] {
  const segs = path.split('/').filter(Boolean);
  const out = ['/'];
  for (let i = 1; i <= segs.length; i++) out.push(`/${segs.slice(0, i).join('/')}`);
  return out;
}
