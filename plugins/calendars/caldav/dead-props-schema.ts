/**
 * Dead properties of the CalDAV tree (`calendars_props`, the toolkit's TreeDeadPropertyStore shape): what clients
 * PROPPATCH that the plugin does not store itself (Apple's, CalendarServer's, Thunderbird's, DAVx5's properties) on
 * a calendar home, a calendar or an object. Rows go with their calendar and with their object (foreign keys, cascade), however those are deleted.
 */
import type { SchemaMigration } from '#core';
import { memberTouched, TreeDeadPropertyStore } from '#dav';
import { OBJECT_TABLE } from '../object-store.ts';
import type { CalendarsDb, CalendarsTrx } from '../tables.ts';

export const calendarPropsMigration: SchemaMigration = {
  name: '0002-calendars-dead-props',
  async up({ db }) {
    await db.schema
      .createTable('calendars_props')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('collection_id', 'text', (c) => c.references('calendars_calendars.id').onDelete('cascade'))
      // null: the collection or home itself; else a member, whose deletion takes its rows along.
      .addColumn('member', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addForeignKeyConstraint(
        'calendars_props_member',
        ['collection_id', 'member'],
        'calendars_objects',
        ['calendar_id', 'uri'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('calendars_props_owner')
      .on('calendars_props')
      .columns(['owner_id', 'member'])
      .execute();
    await db.schema
      .createIndex('calendars_props_collection')
      .on('calendars_props')
      .columns(['collection_id', 'member'])
      .execute();
  },
};

/**
 * The store over `calendars_props`. A property change bumps its calendar's sync token in the same transaction (and
 * logs a changed object as modified), so getctag, sync clients and the DAV response cache see it on every app node.
 */
export function calendarPropStore(db: CalendarsDb): TreeDeadPropertyStore {
  return new TreeDeadPropertyStore(db, {
    props: 'calendars_props',
    collections: 'calendars_calendars',
    onChange: (trx, calendarId, member) => memberTouched(trx as CalendarsTrx, OBJECT_TABLE, calendarId, member),
  });
}
