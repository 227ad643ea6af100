/**
 * A collection every user has from the start (a calendar, an address book), made by the server the first time the
 * user's home is reached, so someone who only ever uses a phone or Thunderbird has somewhere to put things. It is
 * made once: a marks table remembers the user, so a default the user deleted stays deleted, and two first requests
 * at once (two app nodes, two clients) make one collection.
 */
import type { Kysely } from 'kysely';

/** Where a backend keeps its collections and its marks. */
export interface DefaultCollectionSpec {
  /** The marks table: `user_id` (primary key) and `provisioned_at` (ms). */
  marks: string;
  /** The collections table and its owner column. */
  collections: string;
  ownerColumn: string;
  /** The column and value of a user's own collections (not synced copies of others'): any of them means no default. */
  own: readonly [column: string, value: string];
  /** The row of a user's default collection. */
  row(userId: string): Record<string, unknown>;
}

/** Makes a user's default collection exactly once. */
export class DefaultCollection {
  /** Users known provisioned by this process (the database decides; this only saves the query). */
  readonly #done = new Set<string>();

  constructor(
    private readonly db: Kysely<any>,
    private readonly spec: DefaultCollectionSpec,
  ) {}

  /** Makes the default unless the user was provisioned before or already owns a collection of their own. */
  async ensure(userId: string): Promise<void> {
    if (this.#done.has(userId)) return;
    const { marks, collections, ownerColumn, own } = this.spec;
    // One transaction: a concurrent first request waits on the mark (PostgreSQL's unique index; SQLite runs one
    // transaction at a time), then inserts nothing and sees the collection this one made.
    await this.db.transaction().execute(async (trx) => {
      const marked = await trx
        .insertInto(marks)
        .values({ user_id: userId, provisioned_at: Date.now() })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .returning('user_id')
        .executeTakeFirst();
      if (!marked) return;
      // A user whose collections were made before the marks existed gets no other.
      const mine = await trx
        .selectFrom(collections)
        .select(ownerColumn)
        .where(ownerColumn, '=', userId)
        .where(own[0], '=', own[1])
        .limit(1)
        .executeTakeFirst();
      if (!mine) await trx.insertInto(collections).values(this.spec.row(userId)).execute();
    });
    this.#done.add(userId);
  }

  /** Drops a deleted account's mark (tidying only: a deleted account's id is never given to anyone again). */
  async forget(userId: string): Promise<void> {
    this.#done.delete(userId);
    await this.db.deleteFrom(this.spec.marks).where('user_id', '=', userId).execute();
  }
}
