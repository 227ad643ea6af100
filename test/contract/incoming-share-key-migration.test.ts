import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { coreMigrations } from '../../core/storage/core-schema.ts';
import { defaultShareKey } from '../../core/storage/incoming-share-key.ts';
import { migrate } from '../../core/storage/migrations.ts';
import type { Database } from '../../core/storage/database.ts';
import { postgresAvailable, throwawayDatabase } from '../harness/databases.ts';

const row = (id: string, providerId: string, secret: string) => ({
  id,
  sender_host: 'nc.example',
  provider_id: providerId,
  recipient_id: 'bob',
  resource_type: 'note',
  share_type: 'user',
  name: id,
  owner: 'alice@nc.example',
  sender: 'alice@nc.example',
  protocol: JSON.stringify({ name: 'note', protocols: { note: { sharedSecret: secret } } }),
  permissions: '["read"]',
  state: 'accepted',
  created_at: 1,
  updated_at: 1,
});

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`migration 0006 (incoming shares keyed by share key) on ${engine}`, function () {
    let database: Database;
    let cleanup: () => Promise<void>;

    before(async function () {
      if (engine === 'postgres' && !(await postgresAvailable())) return this.skip();
      ({ database, cleanup } = await throwawayDatabase(engine));
      const before0006 = coreMigrations.filter((m) => m.name < '0006');
      await migrate(database.db, database.dialect, [{ owner: 'core', migrations: before0006 }]);
      await database.db
        .insertInto('shares_in')
        .values(row('s1', 'calendar', 'one'))
        .execute();
    });
    after(async () => cleanup?.());

    it('keeps existing shares and their indexes, keys them by their secret, and lets a providerId repeat', async () => {
      await migrate(database.db, database.dialect, [{ owner: 'core', migrations: coreMigrations }]);
      const [kept] = await database.db.selectFrom('shares_in').selectAll().execute();
      assert.equal(kept?.name, 's1');
      assert.equal(kept?.share_key, defaultShareKey('calendar', { note: { sharedSecret: 'one' } }));
      // Once forbidden by (sender_host, provider_id): now a second share with the same providerId is stored.
      await database.db
        .insertInto('shares_in')
        .values({ ...row('s2', 'calendar', 'two'), share_key: 'other' })
        .execute();
      await assert.rejects(
        database.db
          .insertInto('shares_in')
          .values({ ...row('s3', 'calendar', 'two'), share_key: 'other' })
          .execute(),
        'the share key is unique per sender',
      );
      const recipientIndex = await database.db
        .selectFrom('shares_in')
        .select('id')
        .where('recipient_id', '=', 'bob')
        .where('state', '=', 'accepted')
        .execute();
      assert.equal(recipientIndex.length, 2);
      if (engine === 'sqlite') {
        const names = await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'index' and tbl_name = 'shares_in'`.execute(database.db);
        assert.ok(
          names.rows.some((r) => r.name === 'shares_in_recipient'),
          'the rebuilt table keeps its indexes',
        );
      }
    });
  });
}
