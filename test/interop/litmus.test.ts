import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { filesPlugin } from '../../plugins/files/index.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const SUITES = 'basic copymove props locks http';

/** Runs Debian's litmus against a URL; resolves with its combined output. */
function runLitmus(url: string, user: string, password: string): Promise<string> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'litmus-'));
  return new Promise((resolve, reject) => {
    const child = spawn('litmus', [url, user, password], { cwd, env: { ...process.env, TESTS: SUITES } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('error', reject);
    child.on('close', () => {
      rmSync(cwd, { recursive: true, force: true });
      resolve(out);
    });
  });
}

/** `<- summary for `props': of 30 tests run: 30 passed, 0 failed. 100.0%` lines, per suite. */
function summaries(out: string): Map<string, { run: number; passed: number; failed: number }> {
  const found = new Map<string, { run: number; passed: number; failed: number }>();
  for (const m of out.matchAll(/summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed/g)) {
    found.set(m[1] as string, { run: Number(m[2]), passed: Number(m[3]), failed: Number(m[4]) });
  }
  return found;
}

describe('interop: litmus WebDAV suites against /dav/files/<user>/', function () {
  this.timeout(240_000);
  const haveLitmus = spawnSync('sh', ['-c', 'command -v litmus']).status === 0;
  let server: TestServer;
  let owner: TestServer;

  before(async function () {
    if (!haveLitmus) {
      if (process.env.CI === 'true')
        throw new Error('litmus is not installed (Debian package "litmus") but CI needs it');
      this.skip();
    }
    [server, owner] = await Promise.all([
      startTestServer({ plugins: [filesPlugin()] }),
      startTestServer({ plugins: [filesPlugin()] }),
    ]);
    await server.user('litmus');
  });
  after(async () => {
    await Promise.all([server?.destroy(), owner?.destroy()]);
  });

  it(`passes ${SUITES} with no failures`, async () => {
    assertClean(await runLitmus(`${server.origin}/dav/files/litmus/`, 'litmus', 'litmus-password'));
  });

  it(`passes ${SUITES} through a federated share (receiver proxying to the owner)`, async () => {
    const alice = await owner.user('alice');
    const litmus = await server.user('litmus');
    const mk = await fetch(`${owner.origin}/dav/files/alice/Litmus`, {
      method: 'MKCOL',
      headers: { authorization: `Bearer ${alice}` },
    });
    assert.equal(mk.status, 201);
    const created = await owner.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'folder',
      resourceId: '/Litmus',
      shareWith: `litmus@${server.host}`,
      permissions: ['read', 'write'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const incoming = (await server.api(litmus, 'GET', '/api/v1/shares/incoming')).body.find(
      (s: { providerId: string }) => s.providerId === created.body.providerId,
    );
    assert.equal((await server.api(litmus, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);
    assertClean(
      await runLitmus(`${server.origin}/dav/files/litmus/Shared%20with%20me/Litmus/`, 'litmus', 'litmus-password'),
    );
  });
});

/** Asserts every suite ran and none failed. */
function assertClean(out: string): void {
  const found = summaries(out);
  for (const suite of SUITES.split(' ')) {
    const s = found.get(suite);
    assert.ok(s, `no summary for suite ${suite}:\n${out.slice(-3000)}`);
    assert.equal(
      s.failed,
      0,
      `${suite}: ${s.failed} failed:\n${out
        .split('\n')
        .filter((l) => /FAIL/.test(l))
        .join('\n')}`,
    );
    assert.equal(s.passed, s.run);
  }
}
