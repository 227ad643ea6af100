/** Member listings kept sorted by URI (JavaScript's order), updated in place as writes carry them forward. */
import type { MemberMeta } from './member-spec.ts';

/** Orders members by URI. */
export const byUri = (a: MemberMeta, b: MemberMeta): number => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0);

/** Where `uri` is, or would go, in a listing sorted by URI. */
export function indexOf(items: readonly MemberMeta[], uri: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid]!.uri < uri) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Puts `meta` into a listing sorted by URI, replacing the member of that URI. */
export function upsert<M extends MemberMeta>(items: M[], meta: M): void {
  const i = indexOf(items, meta.uri);
  if (items[i]?.uri === meta.uri) items[i] = meta;
  else items.splice(i, 0, meta);
}

/** Takes the member `uri` out of a listing sorted by URI. */
export function remove(items: MemberMeta[], uri: string): void {
  const i = indexOf(items, uri);
  if (items[i]?.uri === uri) items.splice(i, 1);
}
