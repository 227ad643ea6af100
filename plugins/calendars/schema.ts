import type { SchemaMigration } from '#core';

/**
 * Calendar tables (sabre/dav's model, adapted):
 * - `calendars_calendars`: one row per calendar collection of a user. `sync_token` counts changes and is
 *   bumped in the same transaction as each change; `first_token` is the value it started at (tokens below
 *   it, e.g. from a deleted calendar of the same URI, are unknown). A *synced copy* of a calendar owned on
 *   another server (federation, `source = 'remote'`) is a row of the recipient like any other, linked to
 *   the incoming share (`share_id`), the owner's collection URL, the granted access and the owner's last
 *   sync token; its objects are written by the sync process.
 * - `calendars_objects`: the client's bytes verbatim (`data`), a strong ETag over them, and the index
 *   columns queries prefilter on. UID is unique per calendar (RFC 4791 `no-uid-conflict`).
 * - `calendars_changes`: the change log sync-collection reads ("what changed since token N", deletions too).
 * - `calendars_provisioned` (0003): users whose default calendar was made (default-calendar.ts), so it is made once.
 */
export const calendarMigrations: SchemaMigration[] = [
  {
    name: '0001-calendars',
    async up({ db, dialect }) {
      const binary = dialect === 'postgres' ? 'bytea' : 'blob';
      await db.schema
        .createTable('calendars_calendars')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('uri', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text')
        .addColumn('description', 'text')
        .addColumn('color', 'text')
        .addColumn('sort_order', 'integer')
        .addColumn('timezone', 'text')
        .addColumn('components', 'text', (c) => c.notNull())
        .addColumn('sync_token', 'bigint', (c) => c.notNull())
        .addColumn('first_token', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        // Federation: 'local', or 'remote' for the synced copy of a calendar shared from another server.
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('share_id', 'text')
        .addColumn('remote_url', 'text')
        .addColumn('remote_owner', 'text')
        .addColumn('remote_access', 'text')
        .addColumn('remote_sync_token', 'text')
        .addColumn('remote_synced_at', 'bigint')
        .addColumn('remote_error', 'text')
        .addUniqueConstraint('calendars_calendars_uri', ['owner_id', 'uri'])
        .addUniqueConstraint('calendars_calendars_share', ['share_id'])
        .execute();

      await db.schema
        .createTable('calendars_objects')
        .addColumn('calendar_id', 'text', (c) => c.notNull().references('calendars_calendars.id').onDelete('cascade'))
        .addColumn('uri', 'text', (c) => c.notNull())
        .addColumn('etag', 'text', (c) => c.notNull())
        .addColumn('data', binary, (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('uid', 'text', (c) => c.notNull())
        .addColumn('component_type', 'text', (c) => c.notNull())
        .addColumn('first_occurrence', 'bigint')
        .addColumn('last_occurrence', 'bigint')
        .addColumn('recurring', 'integer', (c) => c.notNull())
        .addColumn('last_modified', 'bigint', (c) => c.notNull())
        // Synced copy: the owner's ETag of this object, sent as If-Match when the recipient writes through.
        .addColumn('remote_etag', 'text')
        .addPrimaryKeyConstraint('calendars_objects_pk', ['calendar_id', 'uri'])
        .addUniqueConstraint('calendars_objects_uid', ['calendar_id', 'uid'])
        .execute();
      await db.schema
        .createIndex('calendars_objects_range')
        .on('calendars_objects')
        .columns(['calendar_id', 'component_type', 'last_occurrence'])
        .execute();

      await db.schema
        .createTable('calendars_changes')
        .addColumn('calendar_id', 'text', (c) => c.notNull().references('calendars_calendars.id').onDelete('cascade'))
        .addColumn('sync_token', 'bigint', (c) => c.notNull())
        .addColumn('uri', 'text', (c) => c.notNull())
        .addColumn('op', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('calendars_changes_pk', ['calendar_id', 'sync_token'])
        .execute();
    },
  },
  {
    name: '0003-calendars-provisioned',
    async up({ db }) {
      await db.schema
        .createTable('calendars_provisioned')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('provisioned_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
