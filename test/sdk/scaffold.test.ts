import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPluginPackages } from '../../sdk/loader/plugin-packages.ts';
import { registrationDocument } from '../../scripts/registration-doc.ts';

const bin = fileURLToPath(new URL('../../scripts/meshwork.mjs', import.meta.url));

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, MESHWORK_LOG_LEVEL: 'silent' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

describe('npx meshwork plugin new', function () {
  this.timeout(180_000);
  let parent: string;
  before(() => {
    parent = mkdtempSync(path.join(tmpdir(), 'meshwork-scaffold-'));
  });
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('creates a plugin package whose own tests (test kit and conformance suite) pass out of the box', async () => {
    const created = await run(process.execPath, [bin, 'plugin', 'new', 'pinboard', '--dir', parent], parent);
    assert.equal(created.code, 0, created.output);
    const dir = path.join(parent, 'pinboard');
    for (const f of [
      'package.json',
      'src/index.ts',
      'src/protocol.ts',
      'src/migrations.ts',
      'web/index.tsx',
      'web/pinboard.css',
      'README.md',
    ])
      assert.ok(existsSync(path.join(dir, f)), f);
    const tests = await run(process.execPath, [bin, 'plugin', 'test', dir], dir);
    assert.equal(tests.code, 0, tests.output);
    assert.match(tests.output, /conformance: resource type pinboard/);
    assert.match(tests.output, /8 passing/);
  });

  it('gives a package MESHWORK_PLUGINS loads: server part and web part', async () => {
    const loaded = await loadPluginPackages(path.join(parent, 'pinboard'));
    assert.equal(loaded.plugins[0]?.id, 'pinboard');
    assert.equal(loaded.plugins[0]?.version, '0.1.0');
    assert.equal(loaded.web[0]?.id, 'pinboard');
    assert.match(
      loaded.web[0]?.css ?? '',
      /\.pinboard-page ul\s*\{/,
      'the page’s CSS is bundled for the shell to link',
    );
    // Its registration document is written from its declarations.
    const doc = registrationDocument(loaded.plugins[0]!);
    assert.match(doc, /^# OCM share payload registration: `pinboard`/);
    assert.match(doc, /### `protocol.pinboard` \(version 1.0\)/);
    assert.match(doc, /"sharedSecret"/);
    assert.match(doc, /### `PINBOARD_UPDATED` \(owner-to-recipient\)/);
  });

  it('refuses a bad name and a folder that is not empty, in plain words', async () => {
    const bad = await run(process.execPath, [bin, 'plugin', 'new', 'Bad_Name', '--dir', parent], parent);
    assert.equal(bad.code, 1);
    assert.match(bad.output, /"Bad_Name" is not a plugin name/);
    const again = await run(process.execPath, [bin, 'plugin', 'new', 'pinboard', '--dir', parent], parent);
    assert.match(again.output, /exists and is not empty/);
  });
});
