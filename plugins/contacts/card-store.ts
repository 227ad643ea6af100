import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { ListingCache } from '#dav';
import { InvalidSyncTokenError, StorePreconditionFailed, UidConflictError } from './carddav-errors.ts';
import { bumpToken } from './book-store.ts';
import type { ContactsDb, ContactsTables } from './tables.ts';
import type { CardIndex } from './vcard.ts';

/** A stored card without its data (PROPFIND Depth 1, sync listings). */
export interface CardMeta {
  uri: string;
  /** Unquoted strong ETag: a hash of exactly the stored bytes. */
  etag: string;
  size: number;
  uid: string;
  fn: string;
  version: string;
  lastModified: number;
}

/** A stored card with its bytes as the client sent them. */
export interface StoredCard extends CardMeta {
  data: Buffer;
}

/** Conditional-request checks done atomically with the write (If-Match / If-None-Match). */
export interface WriteCondition {
  /** Unquoted ETag the current card must have, or `*` for "must exist". */
  ifMatch?: string;
  /** `*`: the card must not exist yet. */
  ifNoneMatch?: '*';
}

/** What changed since a sync token (RFC 6578). */
export interface ChangeSet {
  token: number;
  changed: string[];
  deleted: string[];
  truncated: boolean;
  /** An initial sync's listing: every card's metadata, read with the token (no second lookup by name). */
  listed?: CardMeta[];
}

/** One SQL prefilter: cards having an indexed value of `prop` (any of them when null) matching a LIKE pattern. */
export interface IndexProbe {
  props: readonly string[] | null;
  /** Lower-cased text. */
  text: string;
  match: 'contains' | 'starts-with' | 'ends-with' | 'equals';
}

/** Strong ETag of stored bytes (128 bits of SHA-256, hex). */
export function etagOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

const META = ['uri', 'etag', 'size', 'uid', 'fn', 'version', 'last_modified'] as const;

type CardRow = ContactsTables['contacts_cards'];
type MetaRow = Pick<CardRow, (typeof META)[number]>;

function toMeta(r: MetaRow): CardMeta {
  return {
    uri: r.uri,
    etag: r.etag,
    size: Number(r.size),
    uid: r.uid,
    fn: r.fn,
    version: r.version,
    lastModified: Number(r.last_modified),
  };
}

function toStored(r: MetaRow & Pick<CardRow, 'data'>): StoredCard {
  const data = r.data;
  return { ...toMeta(r), data: Buffer.isBuffer(data) ? data : Buffer.from(data) };
}

function likePattern(p: IndexProbe): string {
  const esc = p.text.replace(/[\\%_]/g, (c) => `\\${c}`);
  if (p.match === 'equals') return esc;
  if (p.match === 'starts-with') return `${esc}%`;
  if (p.match === 'ends-with') return `%${esc}`;
  return `%${esc}%`;
}

const CHUNK = 500;

/** Cards of one database: writes log a change and bump the book's token in one transaction. */
export class CardStore {
  private readonly listings = new ListingCache<CardMeta>();

  /** `onChange(bookId)` runs after every committed card write or deletion (the web page's live refresh). */
  constructor(
    private readonly db: ContactsDb,
    private readonly onChange: (bookId: string) => void = () => {},
  ) {}

  /**
   * Stores a card (create or replace) with its index. Throws {@link StorePreconditionFailed} when a condition does
   * not hold and {@link UidConflictError} when another card of the book has the UID.
   */
  async put(
    bookId: string,
    uri: string,
    bytes: Buffer,
    index: CardIndex,
    cond: WriteCondition = {},
  ): Promise<{ created: boolean; etag: string; syncToken: number }> {
    const etag = etagOf(bytes);
    try {
      const done = await this.db.transaction().execute(async (trx) => {
        const now = Date.now();
        const token = await bumpToken(trx, bookId, now);
        const existing = await trx
          .selectFrom('contacts_cards')
          .select('etag')
          .where('book_id', '=', bookId)
          .where('uri', '=', uri)
          .executeTakeFirst();
        checkCondition(existing ? existing.etag : null, cond);
        const clash = await this.uidOwner(trx, bookId, uri, index.uid);
        if (clash) throw new UidConflictError(index.uid, clash);
        const cols = {
          etag,
          data: bytes,
          size: bytes.length,
          uid: index.uid,
          fn: index.fn,
          version: index.version,
          last_modified: now,
        };
        if (existing)
          await trx
            .updateTable('contacts_cards')
            .set(cols)
            .where('book_id', '=', bookId)
            .where('uri', '=', uri)
            .execute();
        else
          await trx
            .insertInto('contacts_cards')
            .values({ book_id: bookId, uri, ...cols })
            .execute();
        await trx.deleteFrom('contacts_card_index').where('book_id', '=', bookId).where('uri', '=', uri).execute();
        if (index.values.length)
          await trx
            .insertInto('contacts_card_index')
            .values(index.values.map(([prop, value]) => ({ book_id: bookId, uri, prop, value })))
            .execute();
        await trx
          .insertInto('contacts_changes')
          .values({ book_id: bookId, sync_token: token, uri, op: existing ? 'modified' : 'added' })
          .execute();
        return { created: !existing, etag, syncToken: token };
      });
      this.onChange(bookId);
      return done;
    } catch (err) {
      // Two writers raced to the same UID: the unique index refused the second; report it as the RFC says.
      if (!(err instanceof UidConflictError) && !(err instanceof StorePreconditionFailed)) {
        const clash = await this.uidOwner(this.db, bookId, uri, index.uid);
        if (clash) throw new UidConflictError(index.uid, clash);
      }
      throw err;
    }
  }

  private async uidOwner(db: ContactsDb, bookId: string, uri: string, uid: string): Promise<string | null> {
    const other = await db
      .selectFrom('contacts_cards')
      .select('uri')
      .where('book_id', '=', bookId)
      .where('uid', '=', uid)
      .where('uri', '!=', uri)
      .executeTakeFirst();
    return other ? other.uri : null;
  }

  /** Deletes a card (logged as a deletion). False when there was none; 412 when `ifMatch` fails. */
  async delete(bookId: string, uri: string, cond: WriteCondition = {}): Promise<boolean> {
    const deleted = await this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('contacts_cards')
        .select('etag')
        .where('book_id', '=', bookId)
        .where('uri', '=', uri)
        .executeTakeFirst();
      checkCondition(existing ? existing.etag : null, cond);
      if (!existing) return false;
      const token = await bumpToken(trx, bookId, Date.now());
      await trx.deleteFrom('contacts_cards').where('book_id', '=', bookId).where('uri', '=', uri).execute();
      await trx.deleteFrom('contacts_card_index').where('book_id', '=', bookId).where('uri', '=', uri).execute();
      await trx
        .insertInto('contacts_changes')
        .values({ book_id: bookId, sync_token: token, uri, op: 'deleted' })
        .execute();
      return true;
    });
    if (deleted) this.onChange(bookId);
    return deleted;
  }

  async get(bookId: string, uri: string): Promise<StoredCard | null> {
    const r = await this.db
      .selectFrom('contacts_cards')
      .select([...META, 'data'])
      .where('book_id', '=', bookId)
      .where('uri', '=', uri)
      .executeTakeFirst();
    return r ? toStored(r) : null;
  }

  /**
   * Every card's metadata, by URI (PROPFIND Depth 1). With the book's sync token as the caller read it, an
   * unchanged book's listing comes from memory (every card change bumps the token in its transaction).
   */
  async list(bookId: string, syncToken?: number): Promise<CardMeta[]> {
    const hit = syncToken === undefined ? undefined : this.listings.get(bookId, syncToken);
    if (hit) return [...hit];
    const metas = await this.readListing(this.db, bookId);
    if (syncToken !== undefined) this.listings.set(bookId, syncToken, metas);
    return [...metas];
  }

  private async readListing(db: ContactsDb, bookId: string): Promise<CardMeta[]> {
    const rows = await db
      .selectFrom('contacts_cards')
      .select([...META])
      .where('book_id', '=', bookId)
      .orderBy('uri')
      .execute();
    return rows.map(toMeta);
  }

  /** Metadata of the cards among `uris` that exist (sync listings); missing ones are absent. */
  async getManyMeta(bookId: string, uris: readonly string[]): Promise<CardMeta[]> {
    const out: CardMeta[] = [];
    const unique = [...new Set(uris)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('contacts_cards')
        .select([...META])
        .where('book_id', '=', bookId)
        .where('uri', 'in', unique.slice(i, i + CHUNK))
        .execute();
      out.push(...rows.map(toMeta));
    }
    return out.sort((a, b) => (a.uri < b.uri ? -1 : 1));
  }

  /** The cards among `uris` that exist (multiget); missing ones are absent. */
  async getMany(bookId: string, uris: readonly string[]): Promise<StoredCard[]> {
    const out: StoredCard[] = [];
    const unique = [...new Set(uris)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('contacts_cards')
        .select([...META, 'data'])
        .where('book_id', '=', bookId)
        .where('uri', 'in', unique.slice(i, i + CHUNK))
        .execute();
      out.push(...rows.map(toStored));
    }
    return out.sort((a, b) => (a.uri < b.uri ? -1 : 1));
  }

  /**
   * Cards that may match: with no probe every card; with probes, cards having an indexed value matching any of
   * them (the caller evaluates the exact filter on these).
   */
  async candidates(
    bookIds: readonly string[],
    probes: readonly IndexProbe[] | null,
    limit?: number,
  ): Promise<Array<StoredCard & { bookId: string }>> {
    if (!bookIds.length) return [];
    if (!probes) {
      let q = this.db
        .selectFrom('contacts_cards')
        .select([...META, 'data', 'book_id'])
        .where('book_id', 'in', [...bookIds])
        .orderBy('book_id')
        .orderBy('uri');
      if (limit !== undefined) q = q.limit(limit);
      return (await q.execute()).map((r) => ({ ...toStored(r), bookId: r.book_id }));
    }
    if (!probes.length) return [];
    // Two steps: the matching (book, uri) pairs from one pass over the index, then those cards by key. (A correlated
    // EXISTS lets SQLite scan a book's whole index once per card.)
    let hits = this.db
      .selectFrom('contacts_card_index')
      .select(['book_id', 'uri'])
      .distinct()
      .where('book_id', 'in', [...bookIds])
      .where((e) =>
        e.or(
          probes.map((p) =>
            e.and([
              ...(p.props ? [e('prop', 'in', [...p.props])] : []),
              e(sql`value`, 'like', sql`${likePattern(p)} escape '\\'`),
            ]),
          ),
        ),
      )
      .orderBy('book_id')
      .orderBy('uri');
    if (limit !== undefined) hits = hits.limit(limit);
    const byBook = new Map<string, string[]>();
    for (const h of await hits.execute()) byBook.set(h.book_id, [...(byBook.get(h.book_id) ?? []), h.uri]);
    const out: Array<StoredCard & { bookId: string }> = [];
    for (const [bookId, uris] of byBook) for (const c of await this.getMany(bookId, uris)) out.push({ ...c, bookId });
    return out;
  }

  /**
   * Members changed or deleted since `since` (null: initial sync, every card as changed). Throws
   * {@link InvalidSyncTokenError} for a token this book never issued. With `limit`, at most that many members.
   */
  async changesSince(bookId: string, since: number | null, limit?: number): Promise<ChangeSet> {
    return this.db.transaction().execute(async (trx) => {
      const book = await trx
        .selectFrom('contacts_books')
        .select(['sync_token', 'first_token'])
        .where('id', '=', bookId)
        .executeTakeFirst();
      if (!book) throw new InvalidSyncTokenError(String(since ?? ''));
      const current = Number(book.sync_token);
      if (since === null) {
        let listed = this.listings.get(bookId, current);
        if (!listed) this.listings.set(bookId, current, (listed = await this.readListing(trx, bookId)));
        return {
          token: current,
          changed: listed.map((m) => m.uri),
          deleted: [],
          truncated: false,
          listed: [...listed],
        };
      }
      if (since < Number(book.first_token) || since > current) throw new InvalidSyncTokenError(String(since));
      const rows = await trx
        .selectFrom('contacts_changes')
        .select(['sync_token', 'uri'])
        .where('book_id', '=', bookId)
        .where('sync_token', '>', since)
        .orderBy('sync_token')
        .execute();
      const seen = new Set<string>();
      let token = current;
      let truncated = false;
      for (const r of rows) {
        const uri = r.uri;
        if (!seen.has(uri) && limit !== undefined && seen.size >= limit) {
          truncated = true;
          break;
        }
        seen.add(uri);
        token = Number(r.sync_token);
      }
      if (!truncated) token = current;
      const uris = [...seen];
      const present = new Set<string>();
      for (let i = 0; i < uris.length; i += CHUNK) {
        const found = await trx
          .selectFrom('contacts_cards')
          .select('uri')
          .where('book_id', '=', bookId)
          .where('uri', 'in', uris.slice(i, i + CHUNK))
          .execute();
        for (const f of found) present.add(f.uri);
      }
      const changed = uris.filter((u) => present.has(u));
      return { token, changed, deleted: uris.filter((u) => !present.has(u)), truncated };
    });
  }
}

function checkCondition(current: string | null, cond: WriteCondition): void {
  if (cond.ifNoneMatch === '*' && current !== null) throw new StorePreconditionFailed('the card already exists');
  if (cond.ifMatch !== undefined) {
    if (current === null) throw new StorePreconditionFailed('the card does not exist');
    if (cond.ifMatch !== '*' && cond.ifMatch !== current) throw new StorePreconditionFailed('the ETag does not match');
  }
}
