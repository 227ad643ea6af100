import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, PluginManifestError, type Engine } from '#core';
import { startServer } from '../../scripts/server.ts';
import { PluginLoadError } from '../../sdk/loader/plugin-packages.ts';

const fixtures = fileURLToPath(new URL('../fixtures/packages/', import.meta.url));

describe('plugin packages enabled by MESHWORK_PLUGINS', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const engines: Engine[] = [];
  after(async () => {
    for (const e of engines) await e.stop().catch(() => {});
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function config(plugins: string) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'meshwork-sdk-'));
    dirs.push(dataDir);
    return loadConfig({
      MESHWORK_PORT: '0',
      MESHWORK_HOST: '127.0.0.1',
      MESHWORK_DATA_DIR: dataDir,
      MESHWORK_LOG_LEVEL: 'silent',
      MESHWORK_PLUGINS: plugins,
    });
  }

  it('loads a plugin folder: its resource type in discovery, its API and migration, its web part in the list', async () => {
    const engine = await startServer(config('./todo-plugin'), { cwd: fixtures, webDist: '/nonexistent' });
    engines.push(engine);
    const origin = engine.identity.origin;
    const discovery = (await (await fetch(`${origin}/.well-known/ocm`)).json()) as {
      resourceTypes: Array<{ name: string }>;
    };
    assert.ok(discovery.resourceTypes.some((r) => r.name === 'todo-list'));
    assert.ok(
      discovery.resourceTypes.some((r) => r.name === 'file'),
      'the default plugins still run',
    );

    await engine.accounts.createUser({ id: 'alice', password: 'alice-password-1', displayName: 'Alice' });
    const login = await fetch(`${origin}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-password-1' }),
    });
    const { token } = (await login.json()) as { token: string };
    const created = await fetch(`${origin}/api/v1/todo/lists`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: 'Groceries' }),
    });
    assert.equal(created.status, 201);
    const bad = await fetch(`${origin}/api/v1/todo/lists`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({}),
    });
    assert.equal(bad.status, 400, 'the plugin throws the SDK error class the core maps (one copy of the classes)');

    const list = (await (await fetch(`${origin}/web-plugins/index.json`)).json()) as {
      plugins: Array<{ id: string; url: string }>;
    };
    assert.deepEqual(list.plugins, [{ id: 'todo', url: '/web-plugins/todo.js', css: '/web-plugins/todo.css' }]);
    const bundle = await fetch(`${origin}/web-plugins/todo.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    const code = await bundle.text();
    assert.match(code, /Symbol\.for\("meshwork\.web"\)/, 'the shell and Preact are bridged, not bundled');
    assert.match(code, /Todo lists/);
    const colour = /#0c6030|rgb\(12, ?96, ?48\)/; // todo.css, minified or not
    assert.doesNotMatch(code, colour, 'the CSS is not in the script');
    const css = await fetch(`${origin}/web-plugins/todo.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    const sheet = await css.text();
    assert.match(sheet, /\.todo-heading\s*\{/, "the part's imported CSS, bundled");
    assert.match(sheet, colour);
    assert.notEqual((await fetch(`${origin}/web-plugins/nope.css`)).status, 200);
  });

  it('stops start-up naming a plugin that cannot be found or does not build', async () => {
    await assert.rejects(
      startServer(config('./no-such-plugin'), { cwd: fixtures }),
      (err: unknown) => err instanceof PluginLoadError && /plugin "\.\/no-such-plugin" was not found/.test(err.message),
    );
    await assert.rejects(
      startServer(config('meshwork-plugin-nowhere'), { cwd: fixtures }),
      (err: unknown) => err instanceof PluginLoadError && /"meshwork-plugin-nowhere" was not found/.test(err.message),
    );
    await assert.rejects(
      startServer(config('./todo-plugin, ./broken-plugin'), { cwd: fixtures }),
      (err: unknown) =>
        err instanceof PluginLoadError &&
        /plugin "\.\/broken-plugin" does not build: .*index\.ts:\d+/.test(err.message),
    );
  });

  it('stops start-up naming a plugin whose declaration conflicts with another plugin', async () => {
    await assert.rejects(
      startServer(config('./conflicting-plugin'), { cwd: fixtures }),
      (err: unknown) =>
        err instanceof PluginManifestError &&
        err.message === 'plugin other-files: resource type "file" is already served by plugin files',
    );
  });
});
