import type { SchemaMigration } from '../storage/migrations.ts';

/**
 * Account state and password-guessing throttle. Kept apart from core-schema.ts so the accounts part of the schema
 * reads in one place; applied as core migrations.
 */
export const accountMigrations: SchemaMigration[] = [
  {
    name: '0008-accounts-state-and-login-throttle',
    async up({ db }) {
      // disabled_at: cannot log in, sessions refused. deleted_at: a tombstone whose id is never reused (remote servers
      // still address `id@host`); purged_at: the server finished removing it (shares revoked/left, plugins told).
      for (const col of ['disabled_at', 'deleted_at', 'purge_claimed_at', 'purged_at'])
        await db.schema.alterTable('users').addColumn(col, 'bigint').execute();
      await db.schema.createIndex('users_deleted').on('users').columns(['deleted_at', 'purged_at']).execute();
      await db.schema.createIndex('sessions_expiry').on('sessions').column('expires_at').execute();
      // One row per throttled scope (account+address, address, account): failures counted atomically in the
      // database, so several app nodes share one budget.
      await db.schema
        .createTable('login_throttle')
        .addColumn('scope_key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('login_throttle_age').on('login_throttle').column('last_failure_at').execute();
      // Client addresses a user logged in from with the right password: exempt from the per-account limit, so an
      // attack spread over many addresses does not lock the user out from where they usually are.
      await db.schema
        .createTable('login_known_clients')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('client', 'text', (c) => c.notNull())
        .addColumn('last_success_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('login_known_clients_pk', ['user_id', 'client'])
        .execute();
    },
  },
];
