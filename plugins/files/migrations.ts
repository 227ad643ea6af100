import type { SchemaMigration } from '#core';

/**
 * The files plugin's tables: dead properties per tree path, where each outgoing share's root lives now, and the
 * WebDAV locks of every tree (in the database, so every app node on one PostgreSQL sees the same locks), and the
 * identity of each share root on disk.
 */
export const filesMigrations: SchemaMigration[] = [
  {
    name: '0001-files',
    async up({ db }) {
      await db.schema
        .createTable('files_props')
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('files_props_pk', ['owner_id', 'path', 'name'])
        .execute();
      await db.schema
        .createTable('files_share_roots')
        .addColumn('provider_id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('files_share_roots_owner')
        .on('files_share_roots')
        .columns(['owner_id', 'path'])
        .execute();
    },
  },
  {
    name: '0002-files-locks',
    async up({ db }) {
      await db.schema
        .createTable('files_locks')
        .addColumn('token', 'text', (c) => c.primaryKey())
        .addColumn('space', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('depth', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('owner_xml', 'text', (c) => c.notNull())
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('files_locks_path').on('files_locks').columns(['space', 'path']).execute();
      await db.schema.createIndex('files_locks_principal').on('files_locks').columns(['principal']).execute();
    },
  },
  {
    // Shares bind to the resource, not to a path: the identity (device, inode, birth time) of each share root.
    name: '0003-files-share-identity',
    async up({ db }) {
      await db.schema.alterTable('files_share_roots').addColumn('file_id', 'text').execute();
      await db.schema.alterTable('files_share_roots').addColumn('next_file_id', 'text').execute();
      await db.schema.createIndex('files_share_roots_file').on('files_share_roots').columns(['file_id']).execute();
    },
  },
];
