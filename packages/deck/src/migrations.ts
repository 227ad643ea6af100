import type { SchemaMigration } from '#sdk';

/** Deck's tables, prefixed `deck_`. Never edit a released migration: add the next one. */
export const migrations: SchemaMigration[] = [
  {
    name: '0001-deck-boards',
    async up({ db }) {
      await db.schema
        .createTable('deck_boards')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('deck_stacks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('board_id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('deck_cards')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('board_id', 'text', (c) => c.notNull())
        .addColumn('stack_id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute();
      // Recipient side: what the owner last told us about a shared board.
      await db.schema
        .createTable('deck_received')
        .addColumn('share_id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('cards', 'integer', (c) => c.notNull())
        .execute();
    },
  },
];
