import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Engine } from '#core';
import { startServer } from '../../scripts/server.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('deck: the package enabled by MESHWORK_PLUGINS like any third-party plugin', function () {
  this.timeout(60_000);
  let engine: Engine | undefined;
  let dataDir = '';
  after(async () => {
    await engine?.stop().catch(() => {});
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves deck-board in discovery, its API and migrations, and its web part', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'meshwork-deck-'));
    const config = loadConfig({
      MESHWORK_PORT: '0',
      MESHWORK_HOST: '127.0.0.1',
      MESHWORK_DATA_DIR: dataDir,
      MESHWORK_LOG_LEVEL: 'silent',
      MESHWORK_PLUGINS: './packages/deck',
    });
    engine = await startServer(config, { cwd: root, webDist: '/nonexistent' });
    const origin = engine.identity.origin;
    const discovery = (await (await fetch(`${origin}/.well-known/ocm`)).json()) as {
      resourceTypes: Array<{ name: string; protocols: Record<string, unknown> }>;
    };
    assert.equal(discovery.resourceTypes.find((r) => r.name === 'deck-board')?.protocols.deck, '/plugins/deck/s2s/');

    await engine.accounts.createUser({ id: 'alice', password: 'alice-password-1', displayName: 'Alice' });
    const login = await fetch(`${origin}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-password-1' }),
    });
    const { token } = (await login.json()) as { token: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const created = await fetch(`${origin}/api/v1/deck/boards`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: 'Roadmap' }),
    });
    assert.equal(created.status, 201);
    const board = (await created.json()) as { lists: Array<{ title: string }> };
    assert.deepEqual(
      board.lists.map((l) => l.title),
      ['To do', 'Doing', 'Done'],
    );
    const bad = await fetch(`${origin}/api/v1/deck/boards`, { method: 'POST', headers, body: '{"title":""}' });
    assert.equal(bad.status, 400);

    const index = (await (await fetch(`${origin}/web-plugins/index.json`)).json()) as {
      plugins: Array<{ id: string }>;
    };
    assert.ok(index.plugins.some((p) => p.id === 'deck'));
    const js = await fetch(`${origin}/web-plugins/deck.js`);
    assert.equal(js.status, 200);
  });
});
