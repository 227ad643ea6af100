/**
 * Database collections of members (calendars, address books) as rows of a backend's table: insert with a conflict
 * check that also covers a racing insert, look-ups by id and owner, property updates that bump the change counter,
 * and deletion with the members, their side rows and the change log. What a collection holds and which properties
 * it has are the backend's; the table's shape is `collections(id, owner_id, uri, sync_token, first_token,
 * created_at, updated_at, …)` with members and changes keyed as {@link MemberTable} reads them.
 */
import type { Kysely } from 'kysely';
import type { CollectionCounter } from './collection-counter.ts';

/**
 * Whether `uri` may name a collection: one path segment of at most 200 characters, no dot-segment, no slash,
 * backslash or control character.
 */
export function isCollectionSegment(uri: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !!uri && uri.length <= 200 && uri !== '.' && uri !== '..' && !/[/\\\u0000-\u001f\u007f]/.test(uri);
}

/**
 * The counter and time columns of a new collection. Counters start at the creation time: a token of an earlier
 * collection of the same URI is then below `first_token` (unknown) instead of silently meaning "no changes".
 */
export function newCounters(now: number): {
  sync_token: number;
  first_token: number;
  created_at: number;
  updated_at: number;
} {
  return { sync_token: now, first_token: now, created_at: now, updated_at: now };
}

/** A backend's collection tables. */
export interface CollectionTableSpec<C> {
  /** The collections' counter (it names their table). */
  counter: CollectionCounter;
  /** Maps a row to the backend's collection. */
  toCollection(row: any): C;
  /** The columns an owner's collections are listed by. */
  order: readonly string[];
  /** The members' table and the change log, keyed by `key`. */
  members: string;
  changes: string;
  key: string;
  /** Side tables keyed like the members (a card index), emptied with the collection. */
  side?: readonly string[];
}

export class CollectionTable<C> {
  constructor(
    private readonly db: Kysely<any>,
    private readonly spec: CollectionTableSpec<C>,
  ) {}

  private get table(): string {
    return this.spec.counter.table;
  }

  /**
   * Inserts a collection's row. `conflict` answers the error to throw when the row clashes with another (the same
   * owner and URI, …): asked before the insert and again when the insert fails (a racing insert won), with
   * `afterFailure` telling which; the insert's own error is thrown when it answers null then.
   */
  async insert(
    row: Record<string, unknown>,
    conflict: (afterFailure: boolean) => Promise<Error | null>,
  ): Promise<void> {
    const before = await conflict(false);
    if (before) throw before;
    try {
      await this.db.insertInto(this.table).values(row).execute();
    } catch (err) {
      throw (await conflict(true)) ?? err;
    }
  }

  /** A collection by id, or null. */
  async byId(id: string): Promise<C | null> {
    const row = await this.db.selectFrom(this.table).selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.spec.toCollection(row) : null;
  }

  /** An owner's collections, in the spec's order. */
  async ofOwner(ownerId: string): Promise<C[]> {
    let q = this.db.selectFrom(this.table).selectAll().where('owner_id', '=', ownerId);
    for (const column of this.spec.order) q = q.orderBy(column);
    return (await q.execute()).map((r) => this.spec.toCollection(r));
  }

  /**
   * Sets property columns (if any) and bumps the counter in one transaction, so caches and sync clients notice.
   * Returns the collection as it is then (null when it is gone: the bump throws the counter's error first).
   */
  async update(id: string, columns: Record<string, unknown>): Promise<C | null> {
    await this.db.transaction().execute(async (trx) => {
      const now = Date.now();
      if (Object.keys(columns).length) await trx.updateTable(this.table).set(columns).where('id', '=', id).execute();
      await this.spec.counter.bump(trx, id, now);
    });
    return this.byId(id);
  }

  /**
   * Deletes a collection with its change log, side rows and members. False when it did not exist. The collection's
   * row is locked first (its counter bumped), as every member write does: deleting the members first and the row
   * last took the two locks in the opposite order to a member write running at the same time (a shared copy's pull
   * while its share is left), a deadlock on PostgreSQL that aborted the deletion and left the collection in place.
   */
  async delete(id: string): Promise<boolean> {
    const { changes, members, key, side = [] } = this.spec;
    return this.db.transaction().execute(async (trx) => {
      const locked = await trx
        .updateTable(this.table)
        .set((eb) => ({ sync_token: eb('sync_token', '+', 1) }))
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(locked.numUpdatedRows) === 0) return false;
      for (const t of [changes, ...side, members]) await trx.deleteFrom(t).where(key, '=', id).execute();
      const r = await trx.deleteFrom(this.table).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }
}
