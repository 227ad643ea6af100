import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPluginPackages } from '../../sdk/loader/plugin-packages.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const deck = path.join(root, 'packages', 'deck');

describe('packages/deck: a plugin package outside the source tree', function () {
  this.timeout(180_000);

  it('passes its own tests (test kit and conformance suite) against this Meshwork', async () => {
    // The link `npx meshwork plugin new` makes (node_modules is not committed).
    const link = path.join(deck, 'node_modules', 'meshwork');
    if (!existsSync(link)) {
      mkdirSync(path.dirname(link), { recursive: true });
      symlinkSync(root.replace(/\/$/, ''), link, 'dir');
    }
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(root, 'scripts', 'meshwork.mjs'), 'plugin', 'test', deck], {
        cwd: deck,
        env: { ...process.env, MESHWORK_LOG_LEVEL: 'silent' },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (c) => resolve({ code: c ?? 1, output: out }));
    });
    assert.equal(code, 0, output);
    assert.match(output, /conformance: resource type deck/);
  });

  it('loads through MESHWORK_PLUGINS with its web part', async () => {
    const loaded = await loadPluginPackages('./packages/deck', root);
    assert.equal(loaded.plugins[0]?.id, 'deck');
    assert.deepEqual(
      loaded.plugins[0]?.resourceTypes.map((r) => r.name),
      ['deck-board'],
    );
    assert.equal(loaded.web[0]?.id, 'deck');
  });
});
