/**
 * The change counter of database collections (calendars, address books): a `sync_token` column that every change of
 * the collection or its members increments in its transaction, and a `first_token` below which no token was ever
 * issued. Counters start at the creation time, so a token of an earlier collection of the same name is unknown
 * instead of silently meaning "no changes". The table is the backend's: `collections(id, sync_token, first_token,
 * updated_at, …)`.
 */
import type { Kysely, Transaction } from 'kysely';

/** A collection's counters. */
export interface Counters {
  syncToken: number;
  firstToken: number;
}

export class CollectionCounter {
  /**
   * @param table the collections' table
   * @param gone the error for a collection that no longer exists (thrown by {@link CollectionCounter.bump})
   */
  constructor(
    readonly table: string,
    private readonly gone: () => Error,
  ) {}

  /**
   * Increments a collection's counter inside the caller's transaction and returns the new value. The row update also
   * serialises concurrent writers of one collection on PostgreSQL, so tokens commit in order.
   */
  async bump(trx: Transaction<any>, id: string, now: number): Promise<number> {
    const row = await trx
      .updateTable(this.table)
      .set((eb) => ({ sync_token: eb('sync_token', '+', 1), updated_at: now }))
      .where('id', '=', id)
      .returning('sync_token')
      .executeTakeFirst();
    if (!row) throw this.gone();
    return Number(row.sync_token);
  }

  /** A collection's counters, or null when it does not exist. */
  async read(db: Kysely<any>, id: string): Promise<Counters | null> {
    const row = await db
      .selectFrom(this.table)
      .select(['sync_token', 'first_token'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? { syncToken: Number(row.sync_token), firstToken: Number(row.first_token) } : null;
  }
}
