import { PreparedQuery } from '#core';
import { sql } from 'kysely';
import { MemberTable, type ChangeSet as DavChangeSet, type MemberTableSpec, type WriteCondition } from '#dav';
import { InvalidSyncTokenError, StorePreconditionFailed, UidConflictError } from './carddav-errors.ts';
import { BOOK_COUNTER } from './book-store.ts';
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

export { etagOf, type WriteCondition } from '#dav';

/** What changed since a sync token (RFC 6578), with an initial sync's listing as cards. */
export type ChangeSet = DavChangeSet<CardMeta>;

/** One SQL prefilter: cards having an indexed value of `prop` (any of them when null) matching a LIKE pattern. */
export interface IndexProbe {
  props: readonly string[] | null;
  /** Lower-cased text. */
  text: string;
  match: 'contains' | 'starts-with' | 'ends-with' | 'equals';
}

const META = ['uri', 'etag', 'size', 'uid', 'fn', 'version', 'last_modified'] as const;

/** GET and PUT of one card read its row: compiled once. */
const CARD_BY_URI = new PreparedQuery(2, (db, bookId, uri) =>
  (db as ContactsDb)
    .selectFrom('contacts_cards')
    .select([...META, 'data'])
    .where('book_id', '=', bookId)
    .where('uri', '=', uri),
);

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

function likePattern(p: IndexProbe): string {
  const esc = p.text.replace(/[\\%_]/g, (c) => `\\${c}`);
  if (p.match === 'equals') return esc;
  if (p.match === 'starts-with') return `${esc}%`;
  if (p.match === 'ends-with') return `%${esc}`;
  return `%${esc}%`;
}

/** The toolkit's member table over `contacts_cards`, its change log and dead properties. */
export const CARD_TABLE: MemberTableSpec<CardMeta> = {
  counter: BOOK_COUNTER,
  members: 'contacts_cards',
  changes: 'contacts_changes',
  key: 'book_id',
  meta: META,
  toMeta,
  noun: 'card',
  collectionNoun: 'address book',
  props: 'contacts_props',
  preconditionFailed: (message) => new StorePreconditionFailed(message),
  uidConflict: (uid, existingUri) => new UidConflictError(uid, existingUri),
  invalidToken: (token) => new InvalidSyncTokenError(String(token ?? '')),
};

/** Cards of one database: writes log a change and bump the book's token in one transaction. */
export class CardStore {
  private readonly table: MemberTable<CardMeta>;

  /** `onChange(bookId)` runs after every committed card write or deletion (the web page's live refresh). */
  constructor(
    private readonly db: ContactsDb,
    onChange: (bookId: string) => void = () => {},
  ) {
    this.table = new MemberTable(db, CARD_TABLE);
    this.table.onChange(onChange);
  }

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
    const cols = { fn: index.fn, version: index.version };
    return this.table.put(bookId, uri, bytes, index.uid, cols, cond, async (trx) => {
      await trx.deleteFrom('contacts_card_index').where('book_id', '=', bookId).where('uri', '=', uri).execute();
      if (index.values.length)
        await trx
          .insertInto('contacts_card_index')
          .values(index.values.map(([prop, value]) => ({ book_id: bookId, uri, prop, value })))
          .execute();
    });
  }

  /** Renames a card in its book, with its index and dead properties (a MOVE there); false when it is gone. */
  async rename(bookId: string, from: string, to: string): Promise<boolean> {
    return this.table.rename(bookId, from, to, async (trx) => {
      await trx
        .updateTable('contacts_card_index')
        .set({ uri: to })
        .where('book_id', '=', bookId)
        .where('uri', '=', from)
        .execute();
    });
  }

  /** Deletes a card (logged as a deletion). False when there was none; 412 when `ifMatch` fails. */
  async delete(bookId: string, uri: string, cond: WriteCondition = {}): Promise<boolean> {
    return this.table.delete(bookId, uri, cond, async (trx) => {
      await trx.deleteFrom('contacts_card_index').where('book_id', '=', bookId).where('uri', '=', uri).execute();
    });
  }

  async get(bookId: string, uri: string): Promise<StoredCard | null> {
    const r = await CARD_BY_URI.first(this.db, [bookId, uri]);
    return r ? this.table.toStored(r) : null;
  }

  /**
   * Every card's metadata, by URI (PROPFIND Depth 1). With the book's sync token as the caller read it, an
   * unchanged book's listing comes from memory (every card change bumps the token in its transaction).
   */
  async list(bookId: string, syncToken?: number): Promise<CardMeta[]> {
    return this.table.list(bookId, syncToken);
  }

  /** Metadata of the cards among `uris` that exist (sync listings), by URI; missing ones are absent. */
  async getManyMeta(bookId: string, uris: readonly string[]): Promise<CardMeta[]> {
    return this.table.metaMany(bookId, uris);
  }

  /**
   * The cards among `uris` that exist (multiget), by URI; missing ones are absent. With the book's sync token as the
   * caller read it, an unchanged book's cards come from memory where they are kept.
   */
  async getMany(bookId: string, uris: readonly string[], syncToken?: number): Promise<StoredCard[]> {
    return this.table.getMany(bookId, uris, syncToken);
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
      return (await q.execute()).map((r) => ({ ...this.table.toStored(r), bookId: r.book_id }));
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
    return this.table.changesSince(bookId, since, limit);
  }
}
