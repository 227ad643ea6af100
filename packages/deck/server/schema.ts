import type { SchemaMigration } from '#sdk';

/**
 * Deck tables. One model serves both roles: a board hosted here (`host` = '') and a mirror of a board hosted
 * elsewhere (`host` = that server) share the event log and the tables derived from it, so every read is local.
 * Host-only: `deck_peers` (per member server, the last seq it acknowledged).
 */
export const deckMigrations: SchemaMigration[] = [
  {
    name: '0001-deck',
    async up({ db }) {
      await db.schema
        .createTable('deck_boards')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        // Host: last allocated seq. Mirror: last applied seq (contiguous from 1).
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('deck_members')
        .addColumn('board_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        // The incoming share that gave access (null for the owner).
        .addColumn('share_id', 'text')
        .addPrimaryKeyConstraint('deck_members_pk', ['board_id', 'user_id'])
        .execute();
      await db.schema.createIndex('deck_members_user').on('deck_members').column('user_id').execute();
      await db.schema
        .createTable('deck_events')
        .addColumn('board_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('deck_events_pk', ['board_id', 'seq'])
        .execute();
      await db.schema
        .createIndex('deck_events_action')
        .on('deck_events')
        .columns(['board_id', 'actor', 'action_id'])
        .unique()
        .execute();
      await db.schema
        .createTable('deck_lists')
        .addColumn('board_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('position', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('deck_lists_pk', ['board_id', 'id'])
        .execute();
      await db.schema
        .createTable('deck_cards')
        .addColumn('board_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('list_id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('due', 'text')
        .addColumn('assignees', 'text', (c) => c.notNull())
        .addColumn('position', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('deck_cards_pk', ['board_id', 'id'])
        .execute();
      await db.schema
        .createTable('deck_comments')
        .addColumn('board_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('card_id', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('deck_comments_pk', ['board_id', 'id'])
        .execute();
      await db.schema
        .createTable('deck_peers')
        .addColumn('board_id', 'text', (c) => c.notNull())
        .addColumn('server', 'text', (c) => c.notNull())
        .addColumn('acked', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('deck_peers_pk', ['board_id', 'server'])
        .execute();
    },
  },
  {
    name: '0002-deck-attachments',
    async up({ db }) {
      // A card's files: each lives in its attacher's tree, in a folder shared read-only with the board's members.
      await db.schema
        .createTable('deck_attachments')
        .addColumn('board_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('card_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('folder', 'text', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('deck_attachments_pk', ['board_id', 'id'])
        .execute();
      // Who is on the board (JSON list of `user@host`), as the host's last `board.members` event said.
      await db.schema
        .alterTable('deck_boards')
        .addColumn('members', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
    },
  },
];
