import assert from 'node:assert/strict';
import { sql, type KyselyPlugin } from 'kysely';
import { postgresAvailable, throwawayDatabase } from '../../test/harness/databases.ts';
import type { Database } from './database.ts';
import { PreparedQuery } from './prepared-query.ts';
import { PluginScopeError, tableScope } from './table-scope.ts';

const INSERT = new PreparedQuery(3, (db, id, n, note) =>
  db
    .insertInto('pq_rows')
    .values({ id, n, note, kind: 'fixed' })
    .onConflict((oc) => oc.column('id').doNothing()),
);
const FIND = new PreparedQuery<{ id: string; n: number; note: string | null; kind: string }>(2, (db, id, kind) =>
  db.selectFrom('pq_rows').selectAll().where('id', '=', id).where('kind', '=', kind),
);

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`PreparedQuery on ${engine}: a statement compiled once runs with each call's values`, function () {
    this.timeout(20_000);
    let database: Database;
    let cleanup: (() => Promise<void>) | undefined;

    before(async function () {
      if (engine === 'postgres' && !(await postgresAvailable())) return this.skip(); // throws in CI instead
      ({ database, cleanup } = await throwawayDatabase(engine));
      await database.db.schema
        .createTable('pq_rows')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('n', 'integer')
        .addColumn('note', 'text')
        .addColumn('kind', 'text')
        .execute();
    });
    after(async () => {
      await cleanup?.();
    });

    it('binds each call its own values, keeps the constants the builder wrote, and stores undefined as NULL', async () => {
      const { db } = database;
      assert.equal(Number((await INSERT.execute(db, ['a', 1, 'first'])).numAffectedRows), 1);
      assert.equal(Number((await INSERT.execute(db, ['b', 2, undefined])).numAffectedRows), 1);
      // The conflict clause is part of the compiled statement: a repeat inserts nothing.
      assert.equal(Number((await INSERT.execute(db, ['a', 9, 'again'])).numAffectedRows ?? 0), 0);
      assert.deepEqual((await FIND.execute(db, ['a', 'fixed'])).rows, [
        { id: 'a', n: 1, note: 'first', kind: 'fixed' },
      ]);
      assert.deepEqual((await FIND.execute(db, ['b', 'fixed'])).rows, [{ id: 'b', n: 2, note: null, kind: 'fixed' }]);
      assert.deepEqual((await FIND.execute(db, ['a', 'other'])).rows, []);
    });

    it('runs inside a transaction and its rollback', async () => {
      const { db } = database;
      await db
        .transaction()
        .execute(async (trx) => {
          await INSERT.execute(trx, ['t', 3, 'in a transaction']);
          assert.equal((await FIND.execute(trx, ['t', 'fixed'])).rows.length, 1);
          throw new Error('roll back');
        })
        .catch((err: Error) => assert.equal(err.message, 'roll back'));
      assert.deepEqual((await FIND.execute(db, ['t', 'fixed'])).rows, []);
    });

    it('runs a raw sql template with each call its values, constants kept', async () => {
      const { db } = database;
      const raw = new PreparedQuery<{ id: string; n: number; note: string | null }>(
        2,
        (_db, id, n) => sql`select id, n, ${'c'} as note from pq_rows where id = ${id} and n = ${n}`,
      );
      await INSERT.execute(db, ['r', 7, 'raw']);
      assert.deepEqual((await raw.execute(db, ['r', 7])).rows, [{ id: 'r', n: 7, note: 'c' }]);
      assert.deepEqual((await raw.execute(db, ['r', 8])).rows, []);
    });

    it('refuses a call with the wrong number of values', () => {
      assert.throws(() => FIND.execute(database.db, ['a']), /takes 2 values/);
    });
  });
}

describe('PreparedQuery: a builder must use every value as a parameter', () => {
  it('throws on first use when a value is not a parameter of the statement', async () => {
    const { database, cleanup } = await throwawayDatabase('sqlite');
    try {
      const unused = new PreparedQuery(2, (db, id) => db.selectFrom('nowhere').selectAll().where('id', '=', id));
      await assert.rejects(async () => unused.execute(database.db, ['a', 'b']), /every value/);
    } finally {
      await cleanup();
    }
  });
});

describe('PreparedQuery on a plugin handle: the table scope checks the statement it compiles', () => {
  it("runs a plugin's statements on its own tables and refuses one on another's, on first use", async () => {
    const { database, cleanup } = await throwawayDatabase('sqlite');
    try {
      const { db } = database;
      await db.schema.createTable('notes_rows').addColumn('id', 'text').execute();
      await db.schema.createTable('other_rows').addColumn('id', 'text').execute();
      await db.insertInto('notes_rows').values({ id: 'n1' }).execute();
      const scoped = db.withPlugin(tableScope('notes'));
      const own = new PreparedQuery<{ id: string }>(1, (h, id) =>
        h.selectFrom('notes_rows').selectAll().where('id', '=', id),
      );
      assert.deepEqual(await own.first(scoped, ['n1']), { id: 'n1' });
      // Compiled once for this handle: later calls bind new values to the same statement.
      assert.equal(await own.first(scoped, ['n2']), undefined);
      const foreign = new PreparedQuery(1, (h, id) => h.selectFrom('other_rows').selectAll().where('id', '=', id));
      await assert.rejects(async () => foreign.execute(scoped, ['x']), PluginScopeError);
      // The same statement on the unscoped (core) handle is the core's business and runs.
      assert.deepEqual((await foreign.execute(db, ['x'])).rows, []);
    } finally {
      await cleanup();
    }
  });
});

describe("PreparedQuery on a plugin handle's transactions: compiled once for the handle and all its transactions", () => {
  it('runs the plugins at the first compile only, and still on another set of plugins', async () => {
    const { database, cleanup } = await throwawayDatabase('sqlite');
    try {
      const { db } = database;
      await db.schema.createTable('notes_rows').addColumn('id', 'text').execute();
      let transforms = 0;
      const counting: KyselyPlugin = {
        transformQuery: (args) => {
          transforms++;
          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      const scoped = db.withPlugin(tableScope('notes')).withPlugin(counting);
      const q = new PreparedQuery<{ id: string }>(1, (_h, id) => sql`select id from notes_rows where id = ${id}`);
      await q.execute(scoped, ['a']);
      assert.equal(transforms, 1);
      for (let i = 0; i < 3; i++)
        await scoped.transaction().execute(async (trx) => {
          await q.execute(trx, ['b']);
        });
      await q.execute(scoped, ['c']);
      assert.equal(transforms, 1, 'a transaction of the handle reuses what the handle compiled');
      // Another handle with the same plugins in another order, or fewer, compiles on its own (its plugins run).
      await q.execute(db.withPlugin(counting), ['d']);
      assert.equal(transforms, 2);
      // A raw template naming a core table is still refused on the plugin's handle.
      const foreign = new PreparedQuery(1, (_h, id) => sql`select * from users where id = ${id}`);
      await assert.rejects(async () => foreign.execute(scoped, ['x']), PluginScopeError);
    } finally {
      await cleanup();
    }
  });
});
