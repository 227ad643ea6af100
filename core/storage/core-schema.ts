import { accountMigrations } from '../accounts/account-migrations.ts';
import { outboxLeaseMigration } from '../outbox/outbox-store.ts';
import { incomingShareKeyMigration } from './incoming-share-key.ts';
import type { SchemaMigration } from './migrations.ts';

/** The core's tables. Timestamps are epoch milliseconds (bigint); JSON is stored as text. */
export const coreMigrations: SchemaMigration[] = [
  {
    name: '0001-accounts',
    async up({ db }) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema
        .createTable('server_keys')
        .addColumn('key_id', 'text', (c) => c.primaryKey())
        .addColumn('private_pem', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  {
    name: '0002-shares',
    async up({ db }) {
      await db.schema
        .createTable('shares_out')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('provider_id', 'text', (c) => c.notNull().unique())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('sender_id', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('share_with', 'text', (c) => c.notNull())
        .addColumn('share_with_host', 'text', (c) => c.notNull())
        .addColumn('share_type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
        .addColumn('strict', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('recipient_display_name', 'text')
        .addColumn('last_error', 'text')
        .addColumn('expiration', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('shares_out_owner').on('shares_out').columns(['owner_id', 'state']).execute();
      await db.schema
        .createIndex('shares_out_resource')
        .on('shares_out')
        .columns(['resource_type', 'resource_id'])
        .execute();
      await db.schema
        .createTable('shares_in')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sender_host', 'text', (c) => c.notNull())
        .addColumn('provider_id', 'text', (c) => c.notNull())
        .addColumn('recipient_id', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('share_type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('owner_display_name', 'text')
        .addColumn('sender_display_name', 'text')
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('expiration', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('shares_in_sender_provider', ['sender_host', 'provider_id'])
        .execute();
      await db.schema.createIndex('shares_in_recipient').on('shares_in').columns(['recipient_id', 'state']).execute();
      await db.schema
        .createTable('access_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('share_id', 'text', (c) => c.notNull())
        .addColumn('client_host', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  {
    name: '0003-invites-contacts',
    async up({ db }) {
      await db.schema
        .createTable('invites')
        .addColumn('token', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('accepted_by', 'text')
        .execute();
      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text')
        .addColumn('email', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('contacts_user_address', ['user_id', 'address'])
        .execute();
    },
  },
  {
    name: '0004-outbox',
    async up({ db, autoId }) {
      await db.schema
        .createTable('outbox')
        .addColumn('id', autoId, (c) => (autoId === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('ref', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['state', 'destination', 'id']).execute();
    },
  },
  {
    // Per-user preferences as one JSON object (known keys and defaults live in accounts/user-settings.ts).
    name: '0005-user-settings',
    async up({ db }) {
      await db.schema
        .createTable('user_settings')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  incomingShareKeyMigration,
  outboxLeaseMigration,
  ...accountMigrations,
];
