/**
 * Member listings of collections kept by their change counter. A backend whose every member change bumps a
 * collection's counter in the same transaction (calendars, address books) can answer a Depth 1 PROPFIND or an
 * initial sync of an unchanged collection without reading every row again: the counter read with the request is
 * the key, so a change on any app node makes the next request read afresh. Bounded by collections and members.
 *
 * A change made through this cache's owner can carry a listing forward ({@link ListingCache.advance}): the listing
 * at the counter just before the change's own increment, with that change applied, is the listing at the new
 * counter. Only from exactly that predecessor: a change elsewhere (another app node, a property change) moved the
 * counter past it, and the next request reads afresh.
 */
export class ListingCache<T> {
  readonly #entries = new Map<string, { token: number; items: readonly T[] }>();
  #members = 0;

  constructor(
    private readonly maxMembers = 200_000,
    private readonly maxCollections = 64,
  ) {}

  /** The listing of `id` at change counter `token`, or undefined. Items are shared: callers must not change them. */
  get(id: string, token: number): readonly T[] | undefined {
    const e = this.#entries.get(id);
    if (!e || e.token !== token) return undefined;
    this.#entries.delete(id);
    this.#entries.set(id, e);
    return e.items;
  }

  /** Whether the listing of `id` at `token` is kept (without counting as a use). */
  has(id: string, token: number): boolean {
    return this.#entries.get(id)?.token === token;
  }

  /** Remembers the listing of `id` read at (or after) change counter `token`; the cache owns `items` from then on. */
  set(id: string, token: number, items: readonly T[]): void {
    this.forget(id);
    if (items.length > this.maxMembers) return;
    while (
      this.#entries.size &&
      (this.#entries.size >= this.maxCollections || this.#members + items.length > this.maxMembers)
    ) {
      const [oldest] = this.#entries.keys();
      this.forget(oldest!);
    }
    this.#entries.set(id, { token, items });
    this.#members += items.length;
  }

  /**
   * Carries the listing of `id` from counter `from` to `to` by applying `change` to its items (which only this cache
   * holds: `get` callers copy them). Does nothing unless the listing kept is the one at `from`.
   */
  advance(id: string, from: number, to: number, change: (items: T[]) => void): void {
    const e = this.#entries.get(id);
    if (!e || e.token !== from) return;
    const items = e.items as T[];
    const before = items.length;
    change(items);
    this.#members += items.length - before;
    this.#entries.delete(id);
    if (items.length > this.maxMembers) {
      this.#members -= items.length;
      return;
    }
    this.#entries.set(id, { token: to, items });
  }

  /** Drops the listing of `id`. */
  forget(id: string): void {
    const e = this.#entries.get(id);
    if (!e) return;
    this.#entries.delete(id);
    this.#members -= e.items.length;
  }
}
