import { randomUUID } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import { ConflictError, InputError, PreparedQuery } from '#core';
import { CollectionCounter, CollectionTable, isCollectionSegment, newCounters } from '#dav';
import { CONTACTS_ERRORS } from './error-codes.ts';
import type { ContactsDb, ContactsTables } from './tables.ts';

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
export type BookRow = Selectable<ContactsTables['contacts_books']>;

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
  if (!isCollectionSegment(uri))
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

/** What a new address book is made of. */
export interface NewBook {
  ownerId: string;
  uri: string;
  props?: BookProps;
  kind?: BookKind;
}

/** The row of a new book (validated); `create` and the default-book provisioning insert it. */
export function newBookRow(input: NewBook): BookRow {
  checkBookUri(input.uri);
  return {
    id: randomUUID(),
    owner_id: input.ownerId,
    uri: input.uri,
    display_name: null,
    description: null,
    ...propColumns(input.props ?? {}),
    kind: input.kind ?? 'local',
    ...newCounters(Date.now()),
    shared_access: null,
  };
}

/** The books' change counters (`sync_token`, `first_token`): the toolkit's, on `contacts_books`. */
export const BOOK_COUNTER = new CollectionCounter(
  'contacts_books',
  () => new ConflictError('the address book no longer exists', CONTACTS_ERRORS.ADDRESSBOOK_GONE),
);

/** Address books of users: create, find, list, change properties, delete. */
export class BookStore {
  private readonly table: CollectionTable<AddressBook>;

  constructor(private readonly db: ContactsDb) {
    this.table = new CollectionTable(db, {
      counter: BOOK_COUNTER,
      toCollection: toBook,
      order: ['uri'],
      members: 'contacts_cards',
      changes: 'contacts_changes',
      key: 'book_id',
      side: ['contacts_card_index'],
    });
  }

  /** Creates a book; 409 `ADDRESSBOOK_EXISTS` when the owner already has one at that URI. */
  async create(input: NewBook): Promise<AddressBook> {
    const row = newBookRow(input);
    await this.table.insert(row, async () =>
      (await this.get(input.ownerId, input.uri))
        ? new ConflictError(`address book ${input.uri} already exists`, CONTACTS_ERRORS.ADDRESSBOOK_EXISTS)
        : null,
    );
    return toBook(row);
  }

  /** Every DAV request below a book reads its row (the sync token is its response version): compiled once. */
  async get(ownerId: string, uri: string): Promise<AddressBook | null> {
    const r = await BOOK_BY_URI.first(this.db, [ownerId, uri]);
    return r ? toBook(r) : null;
  }

  async getById(id: string): Promise<AddressBook | null> {
    return this.table.byId(id);
  }

  /** A user's books by URI. */
  async list(ownerId: string): Promise<AddressBook[]> {
    return this.table.ofOwner(ownerId);
  }

  /** Changes properties (PROPPATCH); bumps the sync token so clients watching getctag notice. */
  async update(id: string, props: BookProps): Promise<AddressBook | null> {
    return this.table.update(id, propColumns(props));
  }

  /** Deletes a book with its cards, index and change log. False when it did not exist. */
  async delete(id: string): Promise<boolean> {
    return this.table.delete(id);
  }

  /** Deletes every book of a user (account deleted). */
  async deleteOwner(ownerId: string): Promise<void> {
    for (const b of await this.list(ownerId)) await this.delete(b.id);
  }
}

const BOOK_BY_URI = new PreparedQuery<Selectable<ContactsTables['contacts_books']>>(2, (db, ownerId, uri) =>
  (db as ContactsDb).selectFrom('contacts_books').selectAll().where('owner_id', '=', ownerId).where('uri', '=', uri),
);
