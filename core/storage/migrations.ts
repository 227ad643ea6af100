import { Migrator, sql, type Kysely, type KyselyPlugin, type Migration, type MigrationProvider } from 'kysely';
import { MeshworkError } from '../errors.ts';
import type { Dialect } from './database.ts';

/** What a migration receives: the database and its engine (for the few type differences). */
export interface MigrationContext {
  db: Kysely<any>;
  dialect: Dialect;
  /** Column type of an auto-incrementing integer primary key on this engine. */
  autoId: 'integer' | 'bigserial';
}

/** One schema step, owned by the core or by a plugin. Never edit a landed one: add another. */
export interface SchemaMigration {
  name: string;
  up(ctx: MigrationContext): Promise<void>;
}

/**
 * Applies every not-yet-applied migration, core first, then plugins in registration order. An owner's `scope` (a
 * plugin's `tableScope`) sees each of its steps: a step touching a table outside it fails with the scope's error.
 */
export async function migrate(
  db: Kysely<any>,
  dialect: Dialect,
  owners: Array<{ owner: string; migrations: SchemaMigration[]; scope?: KyselyPlugin }>,
): Promise<void> {
  const ctx: MigrationContext = { db, dialect, autoId: dialect === 'sqlite' ? 'integer' : 'bigserial' };
  const all: Record<string, Migration> = {};
  for (const { owner, migrations, scope } of owners) {
    for (const m of migrations) {
      const key = `${owner}:${m.name}`;
      if (all[key]) throw new Error(`duplicate migration ${key}`);
      // The migrator runs each step in a transaction and hands us its handle: use it, never the outer db
      // (on SQLite's single connection the outer handle would wait for the transaction forever).
      all[key] = { up: (trx) => m.up({ ...ctx, db: scope ? trx.withPlugin(scope) : trx }) };
    }
  }
  const provider: MigrationProvider = { getMigrations: async () => all };
  // kysely decides whether its tables exist by looking through every schema; on a PostgreSQL database where
  // another schema already holds them (another Meshwork, a parallel test run) it would skip creating ours and
  // fail with "relation meshwork_migrations_lock does not exist". Name our schema so it looks there only.
  const schema =
    dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  // Two nodes starting at once on PostgreSQL: kysely's migrator takes a lock table, so only one applies.
  const migrator = new Migrator({
    db,
    provider,
    allowUnorderedMigrations: true,
    migrationTableName: 'meshwork_migrations',
    migrationLockTableName: 'meshwork_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    // A typed error (a plugin's migration leaving its scope) keeps its type and code; it names plugin and table.
    if (error instanceof MeshworkError) throw error;
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? String(error)}`);
  }
}

/** Current time in milliseconds; one place so stored timestamps are consistent. */
export function nowMs(): number {
  return Date.now();
}

export { sql };
