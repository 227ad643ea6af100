import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { freshPostgresUrl, postgresAvailable } from '../../test/harness/databases.ts';
import { openDatabase, type Database } from '../storage/database.ts';
import { GroupCommit } from './group-commit.ts';

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`GroupCommit on ${engine}: concurrent small transactions share one commit`, function () {
    this.timeout(20_000);
    let database: Database;
    // A second connection to the same database: it sees only what is committed.
    let observer: Database;
    const cleanup: Array<() => Promise<void> | void> = [];

    before(async function () {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'group-commit-'));
      cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
      let databaseUrl: string | null = null;
      if (engine === 'postgres') {
        if (!(await postgresAvailable())) {
          if (process.env.CI === 'true') throw new Error('PostgreSQL is not reachable on loopback');
          return this.skip();
        }
        const pg = await freshPostgresUrl();
        cleanup.push(pg.drop);
        databaseUrl = pg.url;
      }
      database = openDatabase({ databaseUrl, dataDir });
      observer = openDatabase({ databaseUrl, dataDir });
      await database.db.schema
        .createTable('gc_rows')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('txid', 'text')
        .execute();
    });
    after(async () => {
      await observer?.close();
      await database?.close();
      for (const c of cleanup.reverse()) await c();
    });

    const insert = (trx: Kysely<any>, id: string) => trx.insertInto('gc_rows').values({ id, txid: null }).execute();
    const committed = async (prefix: string) =>
      (await observer.db.selectFrom('gc_rows').select('id').where('id', 'like', `${prefix}%`).execute()).length;

    it('runs work arriving in the same tick in one transaction, answering each caller after the commit', async () => {
      const commits = new GroupCommit(database.db);
      const visibleElsewhere: number[] = [];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          commits.run(async (trx) => {
            await insert(trx, `a${i}`);
            visibleElsewhere.push(await committed('a'));
            return i;
          }),
        ),
      );
      assert.deepEqual(results, [...Array(10).keys()]);
      // One transaction: while it runs, another connection sees none of its rows (ten commits would show 0..9).
      assert.deepEqual(visibleElsewhere, Array(10).fill(0));
      assert.equal(await committed('a'), 10);
    });

    it('when one piece of work fails, the others still commit and only that caller gets the error', async () => {
      const commits = new GroupCommit(database.db);
      await database.db.insertInto('gc_rows').values({ id: 'taken', txid: null }).execute();
      const outcomes = await Promise.allSettled([
        commits.run((trx) => insert(trx, 'b1')),
        commits.run((trx) => insert(trx, 'taken')), // primary key violation (aborts the whole batch on PostgreSQL)
        commits.run((trx) => insert(trx, 'b3')),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      const stored = await database.db.selectFrom('gc_rows').select('id').where('id', 'in', ['b1', 'b3']).execute();
      assert.equal(stored.length, 2);
    });

    it('runs lone one-statement work as its own commit, and batches it with others like any work', async () => {
      const commits = new GroupCommit(database.db);
      // Alone: no transaction around it (the statement commits itself); other work alone still gets one.
      await commits.run(async (trx) => assert.equal(trx, database.db), { single: true });
      await commits.run(async (trx) => assert.notEqual(trx, database.db));
      const visibleElsewhere: number[] = [];
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          commits.run(
            async (trx) => {
              assert.notEqual(trx, database.db);
              await insert(trx, `c${i}`);
              visibleElsewhere.push(await committed('c'));
            },
            { single: true },
          ),
        ),
      );
      assert.deepEqual(visibleElsewhere, Array(5).fill(0));
      assert.equal(await committed('c'), 5);
    });

    it('settles once work nobody awaits has committed, and at once when nothing is queued', async () => {
      const commits = new GroupCommit(database.db);
      await commits.settled();
      // Queued and not awaited, as a delivered share's bookkeeping is: settled() waits for it and what follows it.
      void commits.run((trx) => insert(trx, 'd1'));
      void commits.run(async (trx) => {
        await new Promise((r) => setTimeout(r, 50));
        await insert(trx, 'd2');
      });
      assert.equal(await committed('d'), 0);
      await commits.settled();
      assert.equal(await committed('d'), 2);
    });
  });
}
