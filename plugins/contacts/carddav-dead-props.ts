/**
 * Dead properties of the CardDAV tree (`contacts_props`, the toolkit's TreeDeadPropertyStore shape): what clients
 * PROPPATCH that the plugin does not store itself (Apple's, DAVx5's, Thunderbird's properties) on an address-book
 * home, a book or a card. Rows go with their book (foreign key, cascade).
 */
import type { SchemaMigration } from '#core';
import { TreeDeadPropertyStore } from '#dav';
import type { Kysely } from 'kysely';

export const contactPropsMigration: SchemaMigration = {
  name: '0003-contacts-dead-props',
  async up({ db }) {
    await db.schema
      .createTable('contacts_props')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('collection_id', 'text', (c) => c.references('contacts_books.id').onDelete('cascade'))
      .addColumn('member', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('contacts_props_owner').on('contacts_props').columns(['owner_id', 'member']).execute();
    await db.schema
      .createIndex('contacts_props_collection')
      .on('contacts_props')
      .columns(['collection_id', 'member'])
      .execute();
  },
};

/** The store over `contacts_props`. */
export function contactPropStore(db: Kysely<any>): TreeDeadPropertyStore {
  return new TreeDeadPropertyStore(db, { props: 'contacts_props', collections: 'contacts_books' });
}
