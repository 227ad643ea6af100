/**
 * Dead properties of the CardDAV tree (`contacts_props`, the toolkit's TreeDeadPropertyStore shape): what clients
 * PROPPATCH that the plugin does not store itself (Apple's, DAVx5's, Thunderbird's properties) on an address-book
 * home, a book or a card. Rows go with their book and with their card (foreign keys, cascade), however those are deleted.
 */
import type { SchemaMigration } from '#core';
import { memberTouched, TreeDeadPropertyStore } from '#dav';
import { CARD_TABLE } from './card-store.ts';
import type { ContactsDb, ContactsTrx } from './tables.ts';

export const contactPropsMigration: SchemaMigration = {
  name: '0003-contacts-dead-props',
  async up({ db }) {
    await db.schema
      .createTable('contacts_props')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('collection_id', 'text', (c) => c.references('contacts_books.id').onDelete('cascade'))
      // null: the collection or home itself; else a member, whose deletion takes its rows along.
      .addColumn('member', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addForeignKeyConstraint(
        'contacts_props_member',
        ['collection_id', 'member'],
        'contacts_cards',
        ['book_id', 'uri'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('contacts_props_owner').on('contacts_props').columns(['owner_id', 'member']).execute();
    await db.schema
      .createIndex('contacts_props_collection')
      .on('contacts_props')
      .columns(['collection_id', 'member'])
      .execute();
  },
};

/**
 * The store over `contacts_props`. A property change bumps its book's sync token in the same transaction (and logs
 * a changed card as modified), so getctag, sync clients and the DAV response cache see it on every app node.
 */
export function contactPropStore(db: ContactsDb): TreeDeadPropertyStore {
  return new TreeDeadPropertyStore(db, {
    props: 'contacts_props',
    collections: 'contacts_books',
    onChange: (trx, bookId, member) => memberTouched(trx as ContactsTrx, CARD_TABLE, bookId, member),
  });
}
