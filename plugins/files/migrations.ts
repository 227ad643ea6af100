import type { SchemaMigration } from '#core';

/** The files plugin's tables: dead properties per tree path, and where each outgoing share's root lives now. */
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
];
