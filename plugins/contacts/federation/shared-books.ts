/** The `contacts_shared_books` rows: which `shared` book copies which incoming share, and its sync state. */
import type { Selectable, Updateable } from 'kysely';
import type { AddressBook, BookStore } from '../book-store.ts';
import type { ContactsDb, ContactsTables } from '../tables.ts';

export interface SharedBookState {
  bookId: string;
  shareId: string;
  url: string;
  remoteSyncToken: string | null;
  syncedAt: number | null;
  error: string | null;
}

function toState(r: Selectable<ContactsTables['contacts_shared_books']>): SharedBookState {
  return {
    bookId: r.book_id,
    shareId: r.share_id,
    url: r.url,
    remoteSyncToken: r.remote_sync_token ?? null,
    syncedAt: r.synced_at === null || r.synced_at === undefined ? null : Number(r.synced_at),
    error: r.error ?? null,
  };
}

export class SharedBooks {
  constructor(
    private readonly db: ContactsDb,
    private readonly books: BookStore,
  ) {}

  /** Creates the `shared` book of an accepted share in the recipient's home. */
  async create(input: {
    ownerId: string;
    uri: string;
    displayName: string;
    shareId: string;
    url: string;
    access: 'read' | 'read-write';
  }): Promise<AddressBook> {
    const book = await this.books.create({
      ownerId: input.ownerId,
      uri: input.uri,
      kind: 'shared',
      props: { displayName: input.displayName },
    });
    await this.db
      .insertInto('contacts_shared_books')
      .values({ book_id: book.id, share_id: input.shareId, url: input.url })
      .execute();
    await this.setAccess(book.id, input.access);
    return { ...book, sharedAccess: input.access };
  }

  async byShare(shareId: string): Promise<SharedBookState | null> {
    const r = await this.db
      .selectFrom('contacts_shared_books')
      .selectAll()
      .where('share_id', '=', shareId)
      .executeTakeFirst();
    return r ? toState(r) : null;
  }

  async byBook(bookId: string): Promise<SharedBookState | null> {
    const r = await this.db
      .selectFrom('contacts_shared_books')
      .selectAll()
      .where('book_id', '=', bookId)
      .executeTakeFirst();
    return r ? toState(r) : null;
  }

  async all(): Promise<SharedBookState[]> {
    return (await this.db.selectFrom('contacts_shared_books').selectAll().execute()).map(toState);
  }

  async setState(
    bookId: string,
    s: Partial<Pick<SharedBookState, 'remoteSyncToken' | 'syncedAt' | 'error'>>,
  ): Promise<void> {
    const cols: Updateable<ContactsTables['contacts_shared_books']> = {};
    if (s.remoteSyncToken !== undefined) cols.remote_sync_token = s.remoteSyncToken;
    if (s.syncedAt !== undefined) cols.synced_at = s.syncedAt;
    if (s.error !== undefined) cols.error = s.error;
    if (Object.keys(cols).length)
      await this.db.updateTable('contacts_shared_books').set(cols).where('book_id', '=', bookId).execute();
  }

  /** Sets what the share grants (CardDAV shows read-only books without write privileges). */
  async setAccess(bookId: string, access: 'read' | 'read-write'): Promise<void> {
    await this.db.updateTable('contacts_books').set({ shared_access: access }).where('id', '=', bookId).execute();
  }

  /** Removes the copy of a share (book, cards and state). */
  async remove(shareId: string): Promise<void> {
    const s = await this.byShare(shareId);
    if (!s) return;
    await this.db.deleteFrom('contacts_shared_books').where('book_id', '=', s.bookId).execute();
    await this.books.delete(s.bookId);
  }
}
