import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';
import { defaultPlugins } from '../../scripts/plugin-list.ts';
import { redisAvailable, REDIS_URL } from '../harness/redis.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** Runs `meshwork …` as an operator would, on the server's own data dir (the server keeps running). */
async function cli(s: TestServer, args: string[], extraEnv: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [path.join(root, 'scripts/meshwork.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, MESHWORK_DATA_DIR: s.dataDir, MESHWORK_LOG_LEVEL: 'silent', ...extraEnv },
    });
    return { status: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { status: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const login = (s: TestServer, username: string, password: string) =>
  s.api(null, 'POST', '/api/v1/auth/login', { username, password });
const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

async function socketOf(s: TestServer, token: string): Promise<Socket> {
  const socket = connect(s.origin, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}
const gone = (socket: Socket) => new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));

describe('operator: meshwork user list, password, disable, enable, delete on a running server', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  const sockets: Socket[] = [];

  before(async () => {
    // The CLI migrates the default plugins' tables, so the server it administers runs those.
    [a, b] = await Promise.all([
      startTestServer({ plugins: defaultPlugins() }),
      startTestServer({ plugins: defaultPlugins() }),
    ]);
    await a.engine.accounts.createUser({ id: 'erin', password: 'erin-password', email: 'erin@example.org' });
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  it('list prints a header, the e-mail and whether each account is active', async () => {
    await a.user('alice', 'Alice Liddell');
    const r = await cli(a, ['user', 'list']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^ID\s+NAME\s+E-MAIL\s+STATUS$/);
    assert.ok(lines.some((l) => /^alice\s+Alice Liddell\s+-\s+active$/.test(l)));
    assert.ok(lines.some((l) => /^erin\s+erin\s+erin@example\.org\s+active$/.test(l)));
  });

  it('password sets a new one: the old stops working, every session ends and its sockets close', async () => {
    const token = await a.user('alice');
    const socket = await socketOf(a, token);
    sockets.push(socket);
    const closed = gone(socket);
    const r = await cli(a, ['user', 'password', 'alice', '--password', 'alice-second-pw']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /password of alice changed/);
    assert.equal((await login(a, 'alice', 'alice-password')).status, 401);
    assert.equal((await login(a, 'alice', 'alice-second-pw')).status, 200);
    assert.equal((await a.api(token, 'GET', '/api/v1/me')).status, 401);
    await closed; // the server's sweep (no Redis here): within 5 s
  });

  it('password without --password resets to a generated one, printed once', async () => {
    const r = await cli(a, ['user', 'password', 'alice']);
    assert.equal(r.status, 0, r.stderr);
    const pw = /shown once[^:]*: (\S+)/.exec(r.stdout)?.[1];
    assert.ok(pw && pw.length >= 16, r.stdout);
    assert.equal((await login(a, 'alice', pw)).status, 200);
    assert.equal((await login(a, 'alice', 'alice-second-pw')).status, 401);
  });

  it('disable refuses login, Basic and sessions (the user is told it is disabled); enable restores login', async () => {
    const token = await a.user('bob');
    const r = await cli(a, ['user', 'disable', 'bob']);
    assert.equal(r.status, 0, r.stderr);
    const refused = await login(a, 'bob', 'bob-password');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'ACCOUNT_DISABLED');
    assert.equal((await login(a, 'bob', 'wrong-password')).status, 401, 'a wrong password reveals nothing');
    assert.equal((await a.api(token, 'GET', '/api/v1/me')).status, 401);
    const viaBasic = await fetch(`${a.origin}/api/v1/me`, { headers: { authorization: basic('bob', 'bob-password') } });
    assert.equal(viaBasic.status, 403);
    const dav = await fetch(`${a.origin}/dav/files/bob/`, {
      method: 'PROPFIND',
      headers: { authorization: basic('bob', 'bob-password'), depth: '0' },
    });
    assert.equal(dav.status, 403);
    assert.match((await cli(a, ['user', 'list'])).stdout, /^bob\s+bob\s+-\s+disabled$/m);
    assert.equal((await cli(a, ['user', 'enable', 'bob'])).status, 0);
    assert.equal((await login(a, 'bob', 'bob-password')).status, 200);
  });

  it('delete needs --yes; then shares out are revoked and shares in left (peers told), files set aside, id retired', async () => {
    const carol = await a.user('carol');
    const dave = await b.user('dave');
    const put = (s: TestServer, token: string, p: string, body: string) =>
      fetch(`${s.origin}/dav/files/${p}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body });
    assert.equal((await put(a, carol, 'carol/diary.txt', 'private')).status, 201);
    assert.equal((await put(b, dave, 'dave/plan.txt', 'the plan')).status, 201);
    // carol → dave, and dave → carol, both accepted.
    const out = await a.api(carol, 'POST', '/api/v1/shares', {
      resourceType: 'file',
      resourceId: '/diary.txt',
      shareWith: `dave@${b.host}`,
    });
    assert.equal(out.status, 201, JSON.stringify(out.body));
    const daveIn = (await b.api(dave, 'GET', '/api/v1/shares/incoming')).body[0];
    assert.equal((await b.api(dave, 'POST', `/api/v1/shares/incoming/${daveIn.id}/accept`)).status, 200);
    const back = await b.api(dave, 'POST', '/api/v1/shares', {
      resourceType: 'file',
      resourceId: '/plan.txt',
      shareWith: `carol@${a.host}`,
    });
    assert.equal(back.status, 201, JSON.stringify(back.body));
    const carolIn = (await a.api(carol, 'GET', '/api/v1/shares/incoming')).body[0];
    assert.equal((await a.api(carol, 'POST', `/api/v1/shares/incoming/${carolIn.id}/accept`)).status, 200);
    const socket = await socketOf(a, carol);
    sockets.push(socket);
    const closed = gone(socket);

    const unconfirmed = await cli(a, ['user', 'delete', 'carol']);
    assert.equal(unconfirmed.status, 2);
    assert.match(unconfirmed.stderr, /--yes/);
    assert.equal((await login(a, 'carol', 'carol-password')).status, 200, 'nothing happened without --yes');

    const r = await cli(a, ['user', 'delete', 'carol', '--yes']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await login(a, 'carol', 'carol-password')).status, 401);
    assert.equal((await a.api(carol, 'GET', '/api/v1/me')).status, 401);
    await closed;
    // The server finishes the removal: dave loses carol's share, and dave's share to carol is ended.
    await eventually(
      async () => (await b.api(dave, 'GET', '/api/v1/shares/incoming')).body.length === 0,
      10_000,
      'the peer is told carol’s share is revoked',
    );
    await eventually(
      async () => (await b.api(dave, 'GET', '/api/v1/shares/outgoing')).body[0]?.state === 'unshared',
      10_000,
      'the sender is told carol left the share',
    );
    assert.ok(!existsSync(path.join(a.dataDir, 'files', 'carol')), 'no longer served');
    const aside = readdirSync(path.join(a.dataDir, 'files-deleted')).find((d) => d.startsWith('carol-'));
    assert.ok(aside);
    assert.equal(readFileSync(path.join(a.dataDir, 'files-deleted', aside, 'diary.txt'), 'utf8'), 'private');
    assert.doesNotMatch((await cli(a, ['user', 'list'])).stdout, /^carol/m);
    const again = await cli(a, ['user', 'add', 'carol', '--password', 'someone-else']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /deleted account and is not reused/);
    // A share sent to the old address now finds no such user.
    const late = await b.api(dave, 'POST', '/api/v1/shares', {
      resourceType: 'file',
      resourceId: '/plan.txt',
      shareWith: `carol@${a.host}`,
    });
    assert.equal(late.status >= 400 && late.status < 500, true, JSON.stringify(late.body));
  });

  it('unknown users and missing arguments get plain messages', async () => {
    const r = await cli(a, ['user', 'disable', 'nobody']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no such user "nobody"/);
    const usage = await cli(a, ['user', 'password']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /usage: meshwork user password <id>/);
  });
});

describe('operator: with Redis the CLI closes live connections on a running server at once', function () {
  this.timeout(30_000);
  let s: TestServer;

  before(async function () {
    if (!(await redisAvailable())) {
      console.log('    (Redis not reachable on loopback; skipping outside CI)');
      return this.skip();
    }
    // The sweep is off: only the CLI's message over Redis can close the socket.
    s = await startTestServer({
      plugins: defaultPlugins(),
      env: { MESHWORK_REDIS_URL: REDIS_URL },
      sessionChecks: { sweepMs: 3_600_000, recheckMs: 3_600_000 },
    });
  });
  after(async () => s?.destroy());

  it('disable disconnects the user’s sockets through Redis', async () => {
    const token = await s.user('alice');
    const socket = await socketOf(s, token);
    const closed = gone(socket);
    const r = await cli(s, ['user', 'disable', 'alice'], { MESHWORK_REDIS_URL: REDIS_URL });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /live connections closed on every server node/);
    await Promise.race([
      closed,
      new Promise((_r, reject) => setTimeout(() => reject(new Error('socket still open after 2 s')), 2000)),
    ]);
  });
});
