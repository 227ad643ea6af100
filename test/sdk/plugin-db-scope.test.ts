// A running server hands each plugin a database handle typed by its tables and scoped to them, and refuses to
// start a plugin whose migration creates a table outside its scope.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine, loadConfig } from '#core';
import { definePlugin, PluginScopeError, type MeshworkPlugin, type PluginContext } from '#sdk';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

interface PinsTables {
  pins_items: { id: string; owner_id: string; title: string };
}

function pinsPlugin(
  onSetup: (ctx: PluginContext<PinsTables>) => void,
  extraTable?: string,
): MeshworkPlugin<PinsTables> {
  return definePlugin<PinsTables>({
    id: 'pins',
    resourceTypes: [{ name: 'pin', shareTypes: ['user'], protocols: { pins: '/plugins/pins/' } }],
    migrations: [
      {
        name: '0001-items',
        async up({ db }) {
          await db.schema
            .createTable('pins_items')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('owner_id', 'text', (c) => c.notNull())
            .addColumn('title', 'text', (c) => c.notNull())
            .execute();
          if (extraTable) await db.schema.createTable(extraTable).addColumn('id', 'text').execute();
        },
      },
    ],
    async setup(ctx) {
      onSetup(ctx);
      return {};
    },
  });
}

describe("a plugin's database in a running server", function () {
  this.timeout(30_000);
  let server: TestServer;
  let ctx: PluginContext<PinsTables>;

  before(async () => {
    server = await startTestServer({ plugins: [pinsPlugin((c) => (ctx = c))] });
    await server.user('alice');
  });
  after(async () => server?.destroy());

  it('is typed by the plugin’s tables and reaches them', async () => {
    await ctx.db.insertInto('pins_items').values({ id: 'p1', owner_id: 'alice', title: 'First' }).execute();
    const row = await ctx.db.selectFrom('pins_items').select(['id', 'title']).executeTakeFirstOrThrow();
    const title: string = row.title; // typed: a typo in a column name would not compile
    assert.equal(title, 'First');
  });

  it('does not reach the core’s tables: plugins use the context’s APIs for users and shares', async () => {
    const untyped = ctx.db as unknown as PluginContext['db'];
    await assert.rejects(untyped.selectFrom('users').selectAll().execute(), (err: unknown) => {
      assert.ok(err instanceof PluginScopeError);
      assert.equal(err.pluginId, 'pins');
      assert.equal(err.table, 'users');
      return true;
    });
    assert.equal((await ctx.accounts.findUser('alice'))?.id, 'alice');
  });

  it('refuses to start with a migration creating a table outside the plugin’s scope, naming plugin and table', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'meshwork-scope-'));
    const env = {
      MESHWORK_PORT: '0',
      MESHWORK_HOST: '127.0.0.1',
      MESHWORK_DATA_DIR: dataDir,
      MESHWORK_LOG_LEVEL: 'silent',
    };
    const engine = new Engine({ config: loadConfig(env), plugins: [pinsPlugin(() => {}, 'pinboard_items')] });
    try {
      await assert.rejects(engine.start(), (err: unknown) => {
        assert.ok(err instanceof PluginScopeError, String(err));
        assert.match(err.message, /plugin pins may not use table "pinboard_items"/);
        return true;
      });
    } finally {
      await engine.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
