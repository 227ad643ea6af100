import type { SchemaMigration } from '#core';

/**
 * Contacts tables (sabre/dav's CardDAV model, adapted):
 * - `contacts_books`: one row per address book of a user. `sync_token` counts changes and is bumped in the same
 *   transaction as each change; `first_token` is where it started (tokens below it are unknown). `kind` is `local`
 *   (a client's or the app's book) or `federated` (the read-only book mirroring the core's OCM contacts).
 * - `contacts_cards`: the client's bytes verbatim, a strong ETag over them, the UID (unique per book: RFC 6352
 *   `no-uid-conflict`) and the formatted name.
 * - `contacts_card_index`: lower-cased values of FN, N, NICKNAME, EMAIL, TEL, CLOUD and ORG per card, so
 *   `addressbook-query` text-matches and the people search prefilter in SQL.
 * - `contacts_changes`: the change log sync-collection reads.
 * - `contacts_shared_books` (0002): for a `shared` book, its incoming share, the owner's URL, the access and the
 *   owner's last sync token; `contacts_books.shared_access` the access the share grants.
 * - `contacts_provisioned` (0004): users whose default book was made (default-book.ts), so it is made once.
 */
export const contactsMigrations: SchemaMigration[] = [
  {
    name: '0001-contacts',
    async up({ db, dialect }) {
      const binary = dialect === 'postgres' ? 'bytea' : 'blob';
      await db.schema
        .createTable('contacts_books')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('uri', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text')
        .addColumn('description', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('sync_token', 'bigint', (c) => c.notNull())
        .addColumn('first_token', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('contacts_books_uri', ['owner_id', 'uri'])
        .execute();
      await db.schema
        .createTable('contacts_cards')
        .addColumn('book_id', 'text', (c) => c.notNull().references('contacts_books.id').onDelete('cascade'))
        .addColumn('uri', 'text', (c) => c.notNull())
        .addColumn('etag', 'text', (c) => c.notNull())
        .addColumn('data', binary, (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('uid', 'text', (c) => c.notNull())
        .addColumn('fn', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('last_modified', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('contacts_cards_pk', ['book_id', 'uri'])
        .addUniqueConstraint('contacts_cards_uid', ['book_id', 'uid'])
        .execute();
      await db.schema
        .createTable('contacts_card_index')
        .addColumn('book_id', 'text', (c) => c.notNull())
        .addColumn('uri', 'text', (c) => c.notNull())
        .addColumn('prop', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('contacts_card_index_card')
        .on('contacts_card_index')
        .columns(['book_id', 'uri'])
        .execute();
      await db.schema
        .createIndex('contacts_card_index_prop')
        .on('contacts_card_index')
        .columns(['book_id', 'prop'])
        .execute();
      await db.schema
        .createTable('contacts_changes')
        .addColumn('book_id', 'text', (c) => c.notNull().references('contacts_books.id').onDelete('cascade'))
        .addColumn('sync_token', 'bigint', (c) => c.notNull())
        .addColumn('uri', 'text', (c) => c.notNull())
        .addColumn('op', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('contacts_changes_pk', ['book_id', 'sync_token'])
        .execute();
    },
  },
  {
    name: '0002-contacts-shared-books',
    async up({ db }) {
      // For a `shared` book: the access its share grants (`read` or `read-write`); null for other books.
      await db.schema.alterTable('contacts_books').addColumn('shared_access', 'text').execute();
      // The synced copy of an address book shared from another server: one row per `shared` book.
      await db.schema
        .createTable('contacts_shared_books')
        .addColumn('book_id', 'text', (c) => c.primaryKey().references('contacts_books.id').onDelete('cascade'))
        .addColumn('share_id', 'text', (c) => c.notNull().unique())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('remote_sync_token', 'text')
        .addColumn('synced_at', 'bigint')
        .addColumn('error', 'text')
        .execute();
    },
  },
  {
    name: '0004-contacts-provisioned',
    async up({ db }) {
      await db.schema
        .createTable('contacts_provisioned')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('provisioned_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
