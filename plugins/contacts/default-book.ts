/**
 * Every user's default address book ("Contacts"): made by the server the first time the user's address books are
 * listed (a CardDAV client or the web app), once ever (`contacts_provisioned`; the toolkit's DefaultCollection), so
 * a default the user deleted stays deleted. The federated and shared books do not count as the user's own.
 */
import { DefaultCollection } from '#dav';
import { newBookRow } from './book-store.ts';
import type { ContactsDb } from './tables.ts';

/** The default address book's URI and name. */
export const DEFAULT_BOOK = { uri: 'contacts', displayName: 'Contacts' } as const;

/** Makes a user's default address book exactly once. */
export function defaultBook(db: ContactsDb): DefaultCollection {
  const { uri, displayName } = DEFAULT_BOOK;
  return new DefaultCollection(db, {
    marks: 'contacts_provisioned',
    collections: 'contacts_books',
    ownerColumn: 'owner_id',
    own: ['kind', 'local'],
    row: (ownerId) => newBookRow({ ownerId, uri, props: { displayName } }),
  });
}
