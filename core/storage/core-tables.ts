/**
 * The core's own tables (and the migrator's): no plugin reaches them through its database handle, whatever its id
 * (`core/storage/table-scope.ts`); plugins use the context's APIs instead. `core-tables.test.ts` checks this list
 * against a freshly migrated database, so a new core table cannot be forgotten here.
 */
export const CORE_TABLES: ReadonlySet<string> = new Set([
  'access_tokens',
  'contacts',
  'invites',
  'login_known_clients',
  'login_throttle',
  'meshwork_migrations',
  'meshwork_migrations_lock',
  'outbox',
  'server_keys',
  'sessions',
  'shares_in',
  'shares_out',
  'user_settings',
  'users',
]);
