import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { filesPlugin } from '../../plugins/files/index.ts';
import { eventually, freePort, startTestServer, type TestServer } from '../harness/test-server.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** Starts the real server (default plugins) in a child process and resolves once it listens. */
async function startChild(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/server.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Meshwork listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return child;
}

describe('a share acknowledged as queued survives kill -9 of its server', function () {
  this.timeout(60_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mw-crash-'));
  let child: ChildProcess | null = null;
  let b: TestServer | null = null;
  after(async () => {
    child?.kill('SIGKILL');
    await b?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is delivered after the restart, once, when the receiver comes up', async () => {
    const [port, peerPort] = [await freePort(), await freePort()];
    const origin = `http://127.0.0.1:${port}`;
    const env = {
      MESHWORK_PORT: String(port),
      MESHWORK_HOST: '127.0.0.1',
      MESHWORK_PUBLIC_URL: origin,
      MESHWORK_DATA_DIR: dataDir,
      MESHWORK_ALLOW_INSECURE_PEERS: '1',
      MESHWORK_LOG_LEVEL: 'warn',
      MESHWORK_OUTBOX_RETRY_BASE_MS: '100',
      MESHWORK_OUTBOX_RETRY_MAX_MS: '500',
    };
    const added = spawnSync(
      process.execPath,
      [path.join(root, 'scripts/meshwork.mjs'), 'user', 'add', 'alice', '--password', 'alice-password'],
      { env: { ...process.env, MESHWORK_DATA_DIR: dataDir }, encoding: 'utf8', cwd: root },
    );
    assert.equal(added.status, 0, added.stderr);
    child = await startChild(env);
    const basic = `Basic ${Buffer.from('alice:alice-password').toString('base64')}`;
    assert.equal(
      (await fetch(`${origin}/dav/files/alice/Box`, { method: 'MKCOL', headers: { authorization: basic } })).status,
      201,
    );
    const share = await fetch(`${origin}/api/v1/shares`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ resourceType: 'folder', resourceId: '/Box', shareWith: `bob@127.0.0.1:${peerPort}` }),
    });
    assert.equal(share.status, 202, 'queued: the receiver is down');
    const queued = (await share.json()) as { id: string; state: string };
    assert.equal(queued.state, 'sending');

    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    b = await startTestServer({ port: peerPort, plugins: [filesPlugin()] });
    const bob = await b.user('bob');
    child = await startChild(env);

    await eventually(
      async () => (await b!.api(bob, 'GET', '/api/v1/shares/incoming')).body.length > 0,
      20_000,
      'the share to arrive after the restart',
    );
    const outgoing = await eventually(async () => {
      const list = (await (
        await fetch(`${origin}/api/v1/shares/outgoing`, { headers: { authorization: basic } })
      ).json()) as Array<{ id: string; state: string }>;
      return list.find((s) => s.id === queued.id && s.state === 'pending');
    }, 10_000);
    assert.ok(outgoing);
    const inbox = (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body;
    assert.deepEqual(
      inbox.map((s: any) => s.name),
      ['Box'],
      'delivered exactly once',
    );
  });
});
