import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireBinary, startJanus } from '../../plugins/calls/testing/media-servers.ts';
import { freePort } from '../harness/test-server.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** Runs `npm start`'s script (the bundled server) and resolves with its output once a line matches `ready`. */
async function startBundled(env: Record<string, string>, ready: RegExp) {
  const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, output };
}

function cli(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/meshwork.mjs'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    cwd: root,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('operator interface: the meshwork command and npm start', function () {
  this.timeout(60_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mw-op-'));

  it('prints help', () => {
    const r = cli(['--help'], {});
    assert.equal(r.status, 0);
    assert.match(r.stdout, /user add <id> --password <pw>/);
  });

  it('adds a user to the data dir, refuses a duplicate and a short password with clear messages', () => {
    const ok = cli(['user', 'add', 'erin', '--password', 'erin-password', '--name', 'Erin Example'], {
      MESHWORK_DATA_DIR: dataDir,
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /created user erin \(Erin Example\)/);
    const dup = cli(['user', 'add', 'erin', '--password', 'erin-password'], { MESHWORK_DATA_DIR: dataDir });
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /already exists/);
    const short = cli(['user', 'add', 'fred', '--password', 'x'], { MESHWORK_DATA_DIR: dataDir });
    assert.match(short.stderr, /at least 8 characters/);
    assert.match(cli(['user', 'list'], { MESHWORK_DATA_DIR: dataDir }).stdout, /^erin +Erin Example +- +active$/m);
  });

  it('refuses to start with a bad variable, naming it', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/start.mjs')], {
      env: { ...process.env, MESHWORK_PORT: 'nope' },
      encoding: 'utf8',
      cwd: root,
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /MESHWORK_PORT/);
  });

  it('starts on an existing data dir, serves discovery and logs in the CLI-created user', async () => {
    const port = await freePort();
    const { child } = await startBundled(
      { MESHWORK_PORT: String(port), MESHWORK_DATA_DIR: dataDir, MESHWORK_LOG_LEVEL: 'warn' },
      /Meshwork listening/,
    );
    try {
      const d = (await (await fetch(`http://127.0.0.1:${port}/.well-known/ocm`)).json()) as { endPoint: string };
      assert.equal(d.endPoint, `http://localhost:${port}/ocm`);
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'erin', password: 'erin-password' }),
      });
      assert.equal(login.status, 200);
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, {
        headers: { authorization: `Bearer ${((await login.json()) as { token: string }).token}` },
      });
      assert.equal(((await me.json()) as { address: string }).address, `erin@localhost:${port}`);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('the bundled server loads the Janus client when it first needs it and connects to a real Janus', async function () {
    requireBinary(this, 'janus');
    const janus = await startJanus();
    const port = await freePort();
    try {
      const own = mkdtempSync(path.join(tmpdir(), 'mw-janus-'));
      const env = { MESHWORK_PORT: String(port), MESHWORK_DATA_DIR: own, MESHWORK_LOG_LEVEL: 'info' };
      const { child, output } = await startBundled({ ...env, ...janus.env }, /connected to Janus|Janus cannot be/);
      child.kill('SIGTERM');
      assert.match(output, /connected to Janus/, output);
    } finally {
      await janus.stop();
    }
  });
});
