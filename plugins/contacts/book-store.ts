import { randomUUID } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import { ConflictError, InputError } from '#core';
import { CONTACTS_ERRORS } from './error-codes.ts';
import type { ContactsDb, ContactsTables, ContactsTrx } from './tables.ts';

/**
 * `local`: a book clients and the app change; `federated`: the read-only book of the core's OCM contacts; `shared`:
 * the synced copy of an address book another server shares with the user (federation/).
 */
export type BookKind = 'local' | 'federated' | 'shared';

/** An address book collection. Instants in epoch ms. */
export interface AddressBook {
  id: string;
  ownerId: string;
  uri: string;
  displayName: string | null;
  description: string | null;
  kind: BookKind;
  /** For a `shared` book, what its share grants; null for the others. */
  sharedAccess: 'read' | 'read-write' | null;
  /** Current change counter; formatted with `formatSyncToken` (from `#dav`) for the wire. */
  syncToken: number;
  /** The counter's start: tokens below it were never issued by this book. */
  firstToken: number;
  createdAt: number;
  updatedAt: number;
}

/** Settable properties (extended MKCOL, PROPPATCH). */
export interface BookProps {
  displayName?: string | null;
  description?: string | null;
}

/** Row shape of `contacts_books`. */
type BookRow = Selectable<ContactsTables['contacts_books']>;

function toBook(r: BookRow): AddressBook {
  return {
    id: r.id,
    ownerId: r.owner_id,
    uri: r.uri,
    displayName: r.display_name ?? null,
    description: r.description ?? null,
    kind: r.kind === 'federated' || r.kind === 'shared' ? r.kind : 'local',
    sharedAccess: r.shared_access === 'read' || r.shared_access === 'read-write' ? r.shared_access : null,
    syncToken: Number(r.sync_token),
    firstToken: Number(r.first_token),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/** A URI segment a book may have: one path segment, no dot-segments or control characters. */
export function checkBookUri(uri: string): void {
  // eslint-disable-next-line no-control-regex
  if (!uri || uri.length > 200 || uri === '.' || uri === '..' || /[/\\\u0000-\u001f\u007f]/.test(uri))
    throw new InputError(
      `invalid address book name ${JSON.stringify(uri)}`,
      undefined,
      CONTACTS_ERRORS.ADDRESSBOOK_INVALID_URI,
    );
}

/** The settable columns of `contacts_books`. */
type PropColumns = Pick<Updateable<ContactsTables['contacts_books']>, 'display_name' | 'description'>;

function propColumns(p: BookProps): PropColumns {
  const cols: PropColumns = {};
  if (p.displayName !== undefined) cols.display_name = p.displayName;
  if (p.description !== undefined) cols.description = p.description;
  return cols;
}

/**
 * Increments a book's sync token inside the caller's transaction and returns the new value. The row update also
 * serialises concurrent writers of one book on PostgreSQL, so tokens commit in order.
 */
export async function bumpToken(trx: ContactsTrx, bookId: string, now: number): Promise<number> {
  const row = await trx
    .updateTable('contacts_books')
    .set((eb) => ({ sync_token: eb('sync_token', '+', 1), updated_at: now }))
    .where('id', '=', bookId)
    .returning('sync_token')
    .executeTakeFirst();
  if (!row) throw new ConflictError('the address book no longer exists', CONTACTS_ERRORS.ADDRESSBOOK_GONE);
  return Number(row.sync_token);
}

/** Address books of users: create, find, list, change properties, delete. */
export class BookStore {
  constructor(private readonly db: ContactsDb) {}

  /** Creates a book; 409 `ADDRESSBOOK_EXISTS` when the owner already has one at that URI. */
  async create(input: { ownerId: string; uri: string; props?: BookProps; kind?: BookKind }): Promise<AddressBook> {
    checkBookUri(input.uri);
    const now = Date.now();
    const row: BookRow = {
      id: randomUUID(),
      owner_id: input.ownerId,
      uri: input.uri,
      display_name: null,
      description: null,
      ...propColumns(input.props ?? {}),
      kind: input.kind ?? 'local',
      // Counters start at the creation time: a token of an earlier book of the same URI is then unknown.
      sync_token: now,
      first_token: now,
      created_at: now,
      updated_at: now,
      shared_access: null,
    };
    const exists = () =>
      new ConflictError(`address book ${input.uri} already exists`, CONTACTS_ERRORS.ADDRESSBOOK_EXISTS);
    if (await this.get(input.ownerId, input.uri)) throw exists();
    try {
      await this.db.insertInto('contacts_books').values(row).execute();
    } catch (err) {
      if (await this.get(input.ownerId, input.uri)) throw exists();
      throw err;
    }
    return toBook(row);
  }

  async get(ownerId: string, uri: string): Promise<AddressBook | null> {
    const r = await this.db
      .selectFrom('contacts_books')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .where('uri', '=', uri)
      .executeTakeFirst();
    return r ? toBook(r) : null;
  }

  async getById(id: string): Promise<AddressBook | null> {
    const r = await this.db.selectFrom('contacts_books').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toBook(r) : null;
  }

  /** A user's books by URI. */
  async list(ownerId: string): Promise<AddressBook[]> {
    const rows = await this.db
      .selectFrom('contacts_books')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .orderBy('uri')
      .execute();
    return rows.map(toBook);
  }

  /** Changes properties (PROPPATCH); bumps the sync token so clients watching getctag notice. */
  async update(id: string, props: BookProps): Promise<AddressBook | null> {
    const cols = propColumns(props);
    await this.db.transaction().execute(async (trx) => {
      if (Object.keys(cols).length) await trx.updateTable('contacts_books').set(cols).where('id', '=', id).execute();
      await bumpToken(trx, id, Date.now());
    });
    return this.getById(id);
  }

  /** Deletes a book with its cards, index and change log. False when it did not exist. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('contacts_changes').where('book_id', '=', id).execute();
      await trx.deleteFrom('contacts_card_index').where('book_id', '=', id).execute();
      await trx.deleteFrom('contacts_cards').where('book_id', '=', id).execute();
      const r = await trx.deleteFrom('contacts_books').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  /** Deletes every book of a user (account deleted). */
  async deleteOwner(ownerId: string): Promise<void> {
    for (const b of await this.list(ownerId)) await this.delete(b.id);
  }
}
