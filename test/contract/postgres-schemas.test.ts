import assert from 'node:assert/strict';
import { coreMigrations } from '../../core/storage/core-schema.ts';
import { openDatabase } from '../../core/storage/database.ts';
import { migrate } from '../../core/storage/migrations.ts';
import { freshPostgresUrl, postgresAvailable } from '../harness/databases.ts';
import { tmpdir } from 'node:os';

describe('PostgreSQL: two Meshwork schemas in one database', function () {
  this.timeout(30_000);

  it('migrates a second schema while the first already holds the migration tables', async function () {
    if (!(await postgresAvailable())) return this.skip();
    const first = await freshPostgresUrl();
    const second = await freshPostgresUrl();
    const dbs = [first, second].map((p) => openDatabase({ databaseUrl: p.url, dataDir: tmpdir() }));
    try {
      await migrate(dbs[0]!.db, 'postgres', [{ owner: 'core', migrations: coreMigrations }]);
      // kysely looked for its tables in every schema: the second would find the first's and fail.
      await migrate(dbs[1]!.db, 'postgres', [{ owner: 'core', migrations: coreMigrations }]);
      const rows = await dbs[1]!.db.selectFrom('meshwork_migrations').selectAll().execute();
      assert.equal(rows.length, coreMigrations.length);
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
      await Promise.all([first.drop(), second.drop()]);
    }
  });
});
