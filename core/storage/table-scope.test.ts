import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { postgresAvailable, throwawayDatabase } from '../../test/harness/databases.ts';
import type { Database } from './database.ts';
import { coreMigrations } from './core-schema.ts';
import { CORE_TABLES } from './core-tables.ts';
import { migrate, type SchemaMigration } from './migrations.ts';
import { PluginScopeError, tableScope } from './table-scope.ts';

interface NotesTables {
  notes_items: { id: string; title: string };
  notes_tags: { item_id: string; tag: string };
}

const notesMigrations: SchemaMigration[] = [
  {
    name: '0001',
    async up({ db }) {
      await db.schema.createTable('notes_items').addColumn('id', 'text').addColumn('title', 'text').execute();
      await db.schema.createTable('notes_tags').addColumn('item_id', 'text').addColumn('tag', 'text').execute();
      await db.schema.createIndex('notes_tags_item').on('notes_tags').column('item_id').execute();
    },
  },
];

/** Asserts the promise fails with the scope error naming this plugin and table. */
async function refused(p: Promise<unknown>, table: string, pluginId = 'notes'): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof PluginScopeError, `a PluginScopeError, got ${String(err)}`);
    assert.equal(err.code, 'PLUGIN_TABLE_OUT_OF_SCOPE');
    assert.equal(err.pluginId, pluginId);
    assert.equal(err.table, table);
    assert.match(err.message, new RegExp(`plugin ${pluginId} .*"${table}"`));
    return true;
  });
}

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`a plugin's database handle reaches its own tables only (${engine})`, () => {
    let database: Database;
    let cleanup: () => Promise<void>;
    let db: Kysely<NotesTables>;
    let anyDb: Kysely<any>;

    before(async function () {
      if (engine === 'postgres' && !(await postgresAvailable())) return this.skip();
      ({ database, cleanup } = await throwawayDatabase(engine));
      await migrate(database.db, database.dialect, [
        { owner: 'core', migrations: coreMigrations },
        { owner: 'notes', migrations: notesMigrations, scope: tableScope('notes') },
      ]);
      db = database.db.withPlugin(tableScope('notes')) as Kysely<NotesTables>;
      anyDb = db as Kysely<any>;
    });
    after(async () => cleanup?.());

    it('lists every table the core creates as the core’s', async () => {
      // Kysely lists the tables of every schema on PostgreSQL: other suites' schemas exist beside this one meanwhile.
      const own =
        engine === 'postgres'
          ? (await sql<{ s: string }>`select current_schema() as s`.execute(database.db)).rows[0]?.s
          : undefined;
      const tables = (await database.db.introspection.getTables())
        .filter((t) => own === undefined || t.schema === own)
        .map((t) => t.name);
      const core = tables.filter((t) => !t.startsWith('notes_')).sort();
      assert.deepEqual(core, [...CORE_TABLES].sort());
    });

    it('runs the plugin’s own queries: typed builder, joins, CTEs, raw SQL on its tables', async () => {
      await db.insertInto('notes_items').values({ id: '1', title: 'one' }).execute();
      await db.insertInto('notes_tags').values({ item_id: '1', tag: 'x' }).execute();
      const rows = await db
        .selectFrom('notes_items as i')
        .innerJoin('notes_tags as t', 't.item_id', 'i.id')
        .select(['i.title', 't.tag'])
        .execute();
      assert.deepEqual(rows, [{ title: 'one', tag: 'x' }]);
      const cte = await db
        .with('tagged', (q) => q.selectFrom('notes_tags').select('item_id'))
        .selectFrom('tagged')
        .selectAll()
        .execute();
      assert.deepEqual(cte, [{ item_id: '1' }]);
      const raw = await sql<{ n: number }>`select count(*) as n from notes_items`.execute(db);
      assert.equal(Number(raw.rows[0]?.n), 1);
      await db.updateTable('notes_items').set({ title: 'uno' }).where('id', '=', '1').execute();
      await db.deleteFrom('notes_tags').where('item_id', '=', '1').execute();
    });

    it('refuses the core’s tables, in every position, before the query runs', async () => {
      await refused(anyDb.selectFrom('users').selectAll().execute(), 'users');
      await refused(anyDb.insertInto('sessions').values({ token_hash: 'x' }).execute(), 'sessions');
      await refused(anyDb.updateTable('shares_out').set({ state: 'x' }).execute(), 'shares_out');
      await refused(anyDb.deleteFrom('server_keys').execute(), 'server_keys');
      await refused(
        anyDb.selectFrom('notes_items').innerJoin('users', 'users.id', 'notes_items.id').selectAll().execute(),
        'users',
      );
      await refused(
        anyDb
          .selectFrom('notes_items')
          .where('id', 'in', (q: any) => q.selectFrom('access_tokens').select('user_id'))
          .selectAll()
          .execute(),
        'access_tokens',
      );
      await refused(anyDb.schema.dropTable('outbox').execute(), 'outbox');
      // The migrator's own bookkeeping is the core's too, though it shares no prefix.
      await refused(anyDb.selectFrom('meshwork_migrations').selectAll().execute(), 'meshwork_migrations');
      assert.ok((await database.db.selectFrom('users').selectAll().execute()) !== undefined, 'the core still can');
    });

    it('refuses another plugin’s tables', async () => {
      await refused(anyDb.selectFrom('chat_rooms').selectAll().execute(), 'chat_rooms');
      await refused(anyDb.selectFrom('notesextra_items').selectAll().execute(), 'notesextra_items');
    });

    it('finds the core’s tables in raw SQL after from / join / into / update', async () => {
      await refused(sql`select * from users`.execute(db), 'users');
      await refused(sql`select 1 from notes_items n join "sessions" s on 1 = 1`.execute(db), 'sessions');
      await refused(sql`delete from public.shares_in`.execute(db), 'shares_in');
      await refused(sql`insert into outbox (id) values (${'x'})`.execute(db), 'outbox');
    });

    it('a dashed plugin id scopes to underscores; a prefix that would cover a core table does not', async () => {
      const dashed = database.db.withPlugin(tableScope('my-notes'));
      await refused(dashed.selectFrom('my-notes_x').selectAll().execute(), 'my-notes_x', 'my-notes');
      const user = database.db.withPlugin(tableScope('user'));
      await refused(user.selectFrom('user_settings').selectAll().execute(), 'user_settings', 'user');
    });

    it('refuses a migration that creates a table outside the plugin’s scope, and applies none of it', async () => {
      const bad: SchemaMigration[] = [
        {
          name: '0002-bad',
          async up({ db: m }) {
            await m.schema.createTable('notes_fine').addColumn('id', 'text').execute();
            await m.schema.createTable('shared_stuff').addColumn('id', 'text').execute();
          },
        },
      ];
      await refused(
        migrate(database.db, database.dialect, [
          { owner: 'core', migrations: coreMigrations },
          { owner: 'notes', migrations: [...notesMigrations, ...bad], scope: tableScope('notes') },
        ]),
        'shared_stuff',
      );
      const names = (await database.db.introspection.getTables()).map((t) => t.name);
      assert.ok(!names.includes('shared_stuff'));
      // On PostgreSQL the step ran in one transaction (kysely uses transactional DDL there): its in-scope table went
      // with it. Kysely runs SQLite migrations without a transaction, so there the statements before the refused
      // one stay applied (the plugin is broken either way and does not start).
      if (engine === 'postgres') assert.ok(!names.includes('notes_fine'), names.join(' '));
    });
  });
}
