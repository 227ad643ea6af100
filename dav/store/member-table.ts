/**
 * Stored members of database collections (calendar objects, vCards): the rows, their strong ETags, the change log
 * sync-collection reads, conditional writes and listings, with no resource-type knowledge. The backend names its
 * tables and columns, maps a row to its metadata, supplies its errors and adds its own index columns (or index rows)
 * to a write; the shape of the tables is fixed here:
 * - `members(<key>, uri, etag, data, size, uid, last_modified, …)`, unique `(<key>, uri)` and `(<key>, uid)`;
 * - `changes(<key>, sync_token, uri, op)`, `op` 'added', 'modified' or 'deleted';
 * - the collections' table as {@link CollectionCounter} reads it (`id`, `sync_token`, `first_token`).
 * Every write bumps the collection's counter first (which also serialises writers of one collection on PostgreSQL),
 * then checks its conditions and logs the change, in one transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import { ContentCache } from '../content-cache.ts';
import { ListingCache } from '../listing-cache.ts';
import {
  etagOf,
  failedCondition,
  IN_CHUNK,
  type ChangeSet,
  type MemberMeta,
  type MemberTableSpec,
  type WithData,
  type WriteCondition,
} from './member-spec.ts';
import type { CollectionCounter } from './collection-counter.ts';
import { byUri, indexOf, remove, upsert } from './sorted-listing.ts';

/** Members of one database's collections: writes log a change and bump the collection's counter in one transaction. */
export class MemberTable<M extends MemberMeta> {
  private readonly listeners: ((collectionId: string) => void)[] = [];
  private readonly listings = new ListingCache<M>();
  private readonly contents = new ContentCache();
  readonly chunk: number;

  constructor(
    private readonly db: Kysely<any>,
    private readonly spec: MemberTableSpec<M>,
    opts: { chunk?: number } = {},
  ) {
    this.chunk = opts.chunk ?? IN_CHUNK;
  }

  private get counter(): CollectionCounter {
    return this.spec.counter;
  }

  /** Calls `listener` after every committed member change (put, delete, rename) with the collection's id. */
  onChange(listener: (collectionId: string) => void): void {
    this.listeners.push(listener);
  }

  /** Tells the listeners that a member of the collection changed (after the commit). */
  changed(collectionId: string): void {
    for (const l of this.listeners) l(collectionId);
  }

  /** Maps a row with `data` to the member with its bytes. */
  toStored(r: any): WithData<M> {
    const data = r.data;
    return { ...this.spec.toMeta(r), data: Buffer.isBuffer(data) ? data : Buffer.from(data) };
  }

  /**
   * Stores a member (create or replace): `columns` are the backend's index columns, `after` writes its side rows in
   * the same transaction. Throws the spec's precondition and UID-conflict errors. Returns whether it was created,
   * the new ETag and the collection's new sync token.
   */
  async put(
    collectionId: string,
    uri: string,
    bytes: Buffer,
    uid: string,
    columns: Record<string, unknown>,
    cond: WriteCondition = {},
    after?: (trx: Transaction<any>) => Promise<void>,
  ): Promise<{ created: boolean; etag: string; syncToken: number }> {
    const { members, changes, key } = this.spec;
    const etag = etagOf(bytes);
    let refused = false;
    try {
      const result = await this.db.transaction().execute(async (trx) => {
        const now = Date.now();
        // Bumping first takes the collection row's lock (PostgreSQL): writers of one collection go one by one.
        const token = await this.counter.bump(trx, collectionId, now);
        const existing = await this.etagIn(trx, collectionId, uri);
        const failed = failedCondition(this.spec, existing, cond);
        const clash = failed ? null : await this.uidOwner(trx, collectionId, uri, uid);
        if (failed || clash) {
          refused = true;
          throw failed ?? this.spec.uidConflict(uid, clash!);
        }
        const cols = { etag, data: bytes, size: bytes.length, uid, ...columns, last_modified: now };
        if (existing !== null)
          await trx.updateTable(members).set(cols).where(key, '=', collectionId).where('uri', '=', uri).execute();
        else
          await trx
            .insertInto(members)
            .values({ [key]: collectionId, uri, ...cols })
            .execute();
        if (after) await after(trx);
        await trx
          .insertInto(changes)
          .values({ [key]: collectionId, sync_token: token, uri, op: existing !== null ? 'modified' : 'added' })
          .execute();
        const meta = this.spec.toMeta({ uri, ...cols });
        // A collection's first member starts its listing here (nothing to read back later); one probe, only when
        // no listing is kept that this change carries forward.
        const first =
          existing === null && !this.listings.has(collectionId, token - 1) && (await this.alone(trx, collectionId));
        return { created: existing === null, etag, syncToken: token, meta, first };
      });
      const { meta, first, ...answer } = result;
      this.contents.set(etag, bytes);
      if (first) this.listings.set(collectionId, answer.syncToken, [meta]);
      else this.listings.advance(collectionId, answer.syncToken - 1, answer.syncToken, (items) => upsert(items, meta));
      this.changed(collectionId);
      return answer;
    } catch (err) {
      // Two writers raced to the same UID: the unique index refused the second; report it as the RFC says.
      if (!refused) {
        const clash = await this.uidOwner(this.db, collectionId, uri, uid);
        if (clash) throw this.spec.uidConflict(uid, clash);
      }
      throw err;
    }
  }

  /** True when the collection holds exactly one member (the one just inserted). */
  private async alone(trx: Transaction<any>, collectionId: string): Promise<boolean> {
    const rows = await trx
      .selectFrom(this.spec.members)
      .select('uri')
      .where(this.spec.key, '=', collectionId)
      .limit(2)
      .execute();
    return rows.length === 1;
  }

  private async etagIn(db: Kysely<any>, collectionId: string, uri: string): Promise<string | null> {
    const row = await db
      .selectFrom(this.spec.members)
      .select('etag')
      .where(this.spec.key, '=', collectionId)
      .where('uri', '=', uri)
      .executeTakeFirst();
    return row ? (row.etag as string) : null;
  }

  private async uidOwner(db: Kysely<any>, collectionId: string, uri: string, uid: string): Promise<string | null> {
    const other = await db
      .selectFrom(this.spec.members)
      .select('uri')
      .where(this.spec.key, '=', collectionId)
      .where('uid', '=', uid)
      .where('uri', '!=', uri)
      .executeTakeFirst();
    return other ? (other.uri as string) : null;
  }

  /**
   * Renames a member inside its collection (a MOVE to a new name there): the row, its dead properties, the side rows
   * `after` moves, and the change log (`from` deleted, `to` added) in one transaction. A copy under the new name and a
   * delete would refuse the copy (the UID is already in the collection) and lose the properties with the deleted row
   * (their foreign key cascades). False when `from` is gone; the spec's 412 when `to` is taken.
   */
  async rename(
    collectionId: string,
    from: string,
    to: string,
    after?: (trx: Transaction<any>) => Promise<void>,
  ): Promise<boolean> {
    const { members, changes, key, props: propsTable } = this.spec;
    const done = await this.db.transaction().execute(async (trx) => {
      const now = Date.now();
      const first = await this.counter.bump(trx, collectionId, now);
      const row = await trx
        .selectFrom(members)
        .selectAll()
        .where(key, '=', collectionId)
        .where('uri', '=', from)
        .executeTakeFirst();
      if (!row) return false;
      if ((await this.etagIn(trx, collectionId, to)) !== null)
        throw this.spec.preconditionFailed(`${to} already exists in this ${this.spec.collectionNoun}`);
      const props = propsTable
        ? await trx
            .selectFrom(propsTable)
            .selectAll()
            .where('collection_id', '=', collectionId)
            .where('member', '=', from)
            .execute()
        : [];
      // Deleting first frees the UID; the properties' rows go with the row (cascade) and are put back under `to`.
      await trx.deleteFrom(members).where(key, '=', collectionId).where('uri', '=', from).execute();
      await trx
        .insertInto(members)
        .values({ ...row, uri: to, last_modified: now })
        .execute();
      if (after) await after(trx);
      if (propsTable && props.length)
        await trx
          .insertInto(propsTable)
          .values(props.map((p) => ({ ...p, member: to })))
          .execute();
      const second = await this.counter.bump(trx, collectionId, now);
      await trx
        .insertInto(changes)
        .values([
          { [key]: collectionId, sync_token: first, uri: from, op: 'deleted' },
          { [key]: collectionId, sync_token: second, uri: to, op: 'added' },
        ])
        .execute();
      return { first, second, meta: this.spec.toMeta({ ...row, uri: to, last_modified: now }) };
    });
    if (!done) return false;
    this.listings.advance(collectionId, done.first - 1, done.second, (items) => {
      remove(items, from);
      upsert(items, done.meta);
    });
    this.changed(collectionId);
    return true;
  }

  /**
   * Deletes a member (logged as a deletion); `after` removes the backend's side rows in the same transaction. False
   * when there was none; the spec's 412 when `ifMatch` fails.
   */
  async delete(
    collectionId: string,
    uri: string,
    cond: WriteCondition = {},
    after?: (trx: Transaction<any>) => Promise<void>,
  ): Promise<boolean> {
    const { members, changes, key } = this.spec;
    const deleted = await this.db.transaction().execute(async (trx) => {
      const existing = await this.etagIn(trx, collectionId, uri);
      const failed = failedCondition(this.spec, existing, cond);
      if (failed) throw failed;
      if (existing === null) return false;
      const token = await this.counter.bump(trx, collectionId, Date.now());
      await trx.deleteFrom(members).where(key, '=', collectionId).where('uri', '=', uri).execute();
      if (after) await after(trx);
      await trx
        .insertInto(changes)
        .values({ [key]: collectionId, sync_token: token, uri, op: 'deleted' })
        .execute();
      return token;
    });
    if (deleted === false) return false;
    this.listings.advance(collectionId, deleted - 1, deleted, (items) => remove(items, uri));
    this.changed(collectionId);
    return true;
  }

  /**
   * Every member's metadata, by URI (PROPFIND Depth 1). With the collection's sync token as the caller read it, an
   * unchanged collection's listing comes from memory (every member change bumps the token in its transaction).
   */
  async list(collectionId: string, syncToken?: number): Promise<M[]> {
    const hit = syncToken === undefined ? undefined : this.listings.get(collectionId, syncToken);
    if (hit) return [...hit];
    const metas = await this.readListing(this.db, collectionId);
    if (syncToken !== undefined) this.listings.set(collectionId, syncToken, metas);
    return [...metas];
  }

  private async readListing(db: Kysely<any>, collectionId: string): Promise<M[]> {
    const rows = await db
      .selectFrom(this.spec.members)
      .select([...this.spec.meta])
      .where(this.spec.key, '=', collectionId)
      .orderBy('uri')
      .execute();
    // The order writes keep a listing in (JavaScript's, the database's collation may differ): already sorted, cheap.
    return rows.map((r) => this.spec.toMeta(r)).sort(byUri);
  }

  /**
   * The members among `uris` that exist, with their bytes (multiget), by URI; missing ones are absent. With the
   * collection's sync token as the caller read it and the listing at that token kept, members come from the
   * listing and their bytes from the content cache (by ETag); only bytes not kept are read.
   */
  async getMany(collectionId: string, uris: readonly string[], syncToken?: number): Promise<WithData<M>[]> {
    const listing = syncToken === undefined ? undefined : this.listings.get(collectionId, syncToken);
    if (!listing) {
      const rows = await this.rowsNamed(collectionId, uris, [...this.spec.meta, 'data']);
      return rows.map((r) => this.keep(this.toStored(r))).sort(byUri);
    }
    const out: WithData<M>[] = [];
    const unread: string[] = [];
    const seen = new Set<string>();
    for (const uri of uris) {
      if (seen.has(uri)) continue;
      seen.add(uri);
      const meta = listing[indexOf(listing, uri)];
      if (meta?.uri !== uri) continue;
      const data = this.contents.get(meta.etag);
      if (data) out.push({ ...meta, data });
      else unread.push(uri);
    }
    // As a read without the listing would: the rows as they are now (a write since the token shows, as it would).
    if (unread.length)
      for (const r of await this.rowsNamed(collectionId, unread, [...this.spec.meta, 'data']))
        out.push(this.keep(this.toStored(r)));
    return out.sort(byUri);
  }

  /** Keeps a member's bytes read from its row (the ETag is the row's, a hash of exactly those bytes). */
  private keep(m: WithData<M>): WithData<M> {
    this.contents.set(m.etag, m.data);
    return m;
  }

  /** The metadata of the members among `uris` that exist (sync listings: no bytes read), by URI. */
  async metaMany(collectionId: string, uris: readonly string[]): Promise<M[]> {
    const rows = await this.rowsNamed(collectionId, uris, [...this.spec.meta]);
    return rows.map((r) => this.spec.toMeta(r)).sort(byUri);
  }

  private async rowsNamed(
    collectionId: string,
    uris: readonly string[],
    columns: string[],
    db: Kysely<any> = this.db,
  ): Promise<any[]> {
    const out: any[] = [];
    const unique = [...new Set(uris)];
    for (let i = 0; i < unique.length; i += this.chunk) {
      const rows = await db
        .selectFrom(this.spec.members)
        .select(columns)
        .where(this.spec.key, '=', collectionId)
        .where('uri', 'in', unique.slice(i, i + this.chunk))
        .execute();
      out.push(...rows);
    }
    return out;
  }

  /**
   * Members changed or deleted since `since` (null: initial sync, every member as changed). Throws the spec's
   * invalid-token error for a token this collection never issued. With `limit`, at most that many members are
   * reported and `token` is where the next request continues.
   */
  async changesSince(collectionId: string, since: number | null, limit?: number): Promise<ChangeSet<M>> {
    return this.db.transaction().execute(async (trx) => {
      const counters = await this.counter.read(trx, collectionId);
      if (!counters) throw this.spec.invalidToken(since);
      const current = counters.syncToken;
      if (since === null) {
        let listed = this.listings.get(collectionId, current);
        if (!listed) this.listings.set(collectionId, current, (listed = await this.readListing(trx, collectionId)));
        return {
          token: current,
          changed: listed.map((m) => m.uri),
          deleted: [],
          truncated: false,
          listed: [...listed],
        };
      }
      if (since < counters.firstToken || since > current) throw this.spec.invalidToken(since);
      const rows = await trx
        .selectFrom(this.spec.changes)
        .select(['sync_token', 'uri'])
        .where(this.spec.key, '=', collectionId)
        .where('sync_token', '>', since)
        .orderBy('sync_token')
        .execute();
      const seen = new Set<string>();
      let token = current;
      let truncated = false;
      for (const r of rows) {
        const uri = r.uri as string;
        if (!seen.has(uri) && limit !== undefined && seen.size >= limit) {
          truncated = true;
          break;
        }
        seen.add(uri);
        token = Number(r.sync_token);
      }
      if (!truncated) token = current;
      const uris = [...seen];
      const present = new Set((await this.rowsNamed(collectionId, uris, ['uri'], trx)).map((f) => f.uri as string));
      return {
        token,
        changed: uris.filter((u) => present.has(u)),
        deleted: uris.filter((u) => !present.has(u)),
        truncated,
      };
    });
  }
}
