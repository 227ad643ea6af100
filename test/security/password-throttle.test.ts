import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { filesPlugin } from '../../plugins/files/index.ts';
import { throttleBucket } from '../../core/accounts/client-address.ts';
import { LoginThrottle } from '../../core/accounts/login-throttle.ts';
import { coreMigrations } from '../../core/storage/core-schema.ts';
import { migrate } from '../../core/storage/migrations.ts';
import { freshPostgresUrl, postgresAvailable, throwawayDatabase } from '../harness/databases.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { notePlugin } from '../fixtures/note-plugin.ts';

const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

async function login(s: TestServer, username: string, password: string, from?: string) {
  const res = await fetch(`${s.origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(from ? { 'x-forwarded-for': from } : {}) },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

async function get(s: TestServer, path: string, authorization: string, method = 'GET') {
  const res = await fetch(s.origin + path, { method, headers: { authorization, depth: '0' } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
}

/** Fails `n` times (401 each), asserting none was throttled yet. */
async function failTimes(n: number, attempt: () => Promise<{ status: number }>) {
  for (let i = 0; i < n; i++) assert.equal((await attempt()).status, 401, `failure ${i + 1} is a plain 401`);
}

describe('password guessing is throttled on every path that checks a password', function () {
  this.timeout(60_000);
  let s: TestServer;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    // Behind a proxy on loopback: X-Forwarded-For names the client, so one test can act from several addresses.
    s = await startTestServer({ plugins: [filesPlugin(), notePlugin()], env: { MESHWORK_TRUST_PROXY: 'loopback' } });
    await s.user('alice');
  });
  afterEach(async () => {
    for (const so of sockets.splice(0)) so.disconnect();
    await s.destroy();
  });

  it('a burst of parallel Basic requests with the right password is one check, never throttled', async () => {
    // A sync client's parallel requests when no verified credential is cached (first use, or just expired).
    const auth = basic('alice', 'alice-password');
    const all = await Promise.all(Array.from({ length: 12 }, () => get(s, '/dav/files/alice/', auth, 'PROPFIND')));
    assert.deepEqual(
      all.map((r) => r.status),
      all.map(() => 207),
    );
  });

  it('login API: after 5 failures the account waits at that address (429, Retry-After, the wait in words)', async () => {
    await failTimes(5, () => login(s, 'alice', 'wrong-password', '203.0.113.7'));
    const refused = await login(s, 'alice', 'alice-password', '203.0.113.7');
    assert.equal(refused.status, 429, 'even the right password waits');
    assert.equal(refused.body.code, 'TOO_MANY_ATTEMPTS');
    assert.equal(refused.retryAfter, '1');
    assert.match(refused.body.message, /try again in 1 second\b/);
    // The same user at another address is not affected by this address's guessing.
    assert.equal((await login(s, 'alice', 'alice-password', '198.51.100.2')).status, 200);
  });

  it('back-off doubles after each further failure, and the wait is stated each time', async () => {
    await failTimes(5, () => login(s, 'alice', 'wrong-password', '203.0.113.7'));
    assert.equal((await login(s, 'alice', 'wrong-password', '203.0.113.7')).status, 429);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await login(s, 'alice', 'wrong-password', '203.0.113.7')).status, 401, 'one attempt after 1 s');
    const next = await login(s, 'alice', 'wrong-password', '203.0.113.7');
    assert.equal(next.status, 429);
    assert.equal(next.retryAfter, '2');
    assert.match(next.body.message, /try again in 2 seconds/);
  });

  it('a session opened before keeps working, over HTTP and its socket, while the password path waits', async () => {
    const token = await s.user('alice');
    const socket = connect(s.origin, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    // Spread over many addresses, so the account itself is throttled (20 failures), not just one address.
    for (let i = 0; i < 20; i++) await login(s, 'alice', 'wrong-password', `203.0.113.${i + 10}`);
    const fromNew = await login(s, 'alice', 'alice-password', '192.0.2.99');
    assert.equal(fromNew.status, 429, 'the account waits at a new address');
    assert.equal((await s.api(token, 'GET', '/api/v1/me')).status, 200);
    assert.equal(socket.connected, true);
    const davWithSession = await get(s, '/dav/files/alice/', `Bearer ${token}`, 'PROPFIND');
    assert.equal(davWithSession.status, 207);
  });

  it('an address the user logged in from before is not locked out by guessing spread over other addresses', async () => {
    assert.equal((await login(s, 'alice', 'alice-password', '192.0.2.1')).status, 200);
    for (let i = 0; i < 25; i++) await login(s, 'alice', 'wrong-password', `203.0.113.${i + 10}`);
    assert.equal((await login(s, 'alice', 'wrong-password', '203.0.113.200')).status, 429, 'account throttled');
    assert.equal((await login(s, 'alice', 'alice-password', '192.0.2.1')).status, 200, 'known address logs in');
  });

  it('one address spraying many accounts is throttled for all of them', async () => {
    for (let i = 0; i < 30; i++) await login(s, `user${i}`, 'wrong-password', '203.0.113.9');
    const r = await login(s, 'alice', 'alice-password', '203.0.113.9');
    assert.equal(r.status, 429);
    assert.ok(Number(r.retryAfter) >= 1);
  });

  it('Basic on the API: throttled with 429 and Retry-After; a bearer session still works', async () => {
    const token = await s.user('alice');
    await failTimes(5, () => get(s, '/api/v1/me', basic('alice', 'wrong-password')));
    const r = await get(s, '/api/v1/me', basic('alice', 'alice-password'));
    assert.equal(r.status, 429);
    assert.equal(r.retryAfter, '1');
    assert.match(JSON.parse(r.text).message, /try again in 1 second/);
    assert.equal((await get(s, '/api/v1/note/notes', basic('alice', 'alice-password'))).status, 429, 'plugin API');
    assert.equal((await get(s, '/api/v1/me', `Bearer ${token}`)).status, 200);
  });

  it('Basic on WebDAV: throttled with 429, Retry-After and a DAV error body; a bearer session still works', async () => {
    const token = await s.user('alice');
    await failTimes(5, () => get(s, '/dav/files/alice/', basic('alice', 'wrong-password'), 'PROPFIND'));
    const r = await get(s, '/dav/files/alice/', basic('alice', 'alice-password'), 'PROPFIND');
    assert.equal(r.status, 429);
    assert.equal(r.retryAfter, '1');
    assert.match(r.text, /<d:error[\s\S]*TOO_MANY_ATTEMPTS[\s\S]*try again in 1 second/);
    assert.equal((await get(s, '/dav/files/alice/', `Bearer ${token}`, 'PROPFIND')).status, 207);
  });

  it('the current password of a password change is throttled too', async () => {
    const token = await s.user('alice');
    const change = (current: string) =>
      fetch(`${s.origin}/api/v1/me/password`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ currentPassword: current, newPassword: 'a-new-password' }),
      });
    for (let i = 0; i < 5; i++) assert.equal((await change('wrong-password')).status, 403);
    const r = await change('alice-password');
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '1');
  });

  it('a burst of parallel guesses gets no more than the free attempts', async () => {
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 25 }, () => login(s, 'alice', 'wrong-password', '203.0.113.50')),
    );
    const took = Date.now() - started;
    // After the 5 free attempts the waits are 1 s, 2 s, 4 s …: a burst that lasts longer than a wait (a busy
    // machine) may legitimately try once more per wait that ran out while it lasted, and never more.
    let extra = 0;
    for (let wait = 1000, elapsed = wait; elapsed <= took; wait *= 2, elapsed += wait) extra++;
    const statuses = results.map((r) => r.status);
    const tried = statuses.filter((st) => st === 401).length;
    assert.ok(tried >= 5 && tried <= 5 + extra, `statuses after ${took} ms: ${statuses.join(',')}`);
    assert.equal(statuses.filter((st) => st === 429).length, 25 - tried);
  });
});

describe('the client address behind a proxy', function () {
  this.timeout(30_000);
  let s: TestServer;
  afterEach(async () => s?.destroy());

  it('ignores X-Forwarded-For unless MESHWORK_TRUST_PROXY names the proxy', async () => {
    s = await startTestServer();
    await s.user('alice');
    for (let i = 0; i < 5; i++) await login(s, 'alice', 'wrong-password', `203.0.113.${i}`);
    const r = await login(s, 'alice', 'alice-password', '198.51.100.77');
    assert.equal(r.status, 429, 'a forged header does not give a fresh address');
  });

  it('throttles IPv6 clients by their /64 and IPv4-mapped addresses as IPv4', () => {
    assert.equal(throttleBucket('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(throttleBucket('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
    assert.equal(throttleBucket('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(throttleBucket('192.0.2.1'), '192.0.2.1');
  });
});

describe('the throttle itself', () => {
  it('lets free attempts through even when another node stamped a failure a moment later than our clock', async () => {
    const { database, cleanup } = await throwawayDatabase('sqlite');
    try {
      await migrate(database.db, database.dialect, [{ owner: 'core', migrations: coreMigrations }]);
      const throttle = new LoginThrottle(database.db);
      await (await throttle.reserve('alice', '192.0.2.1')).failed();
      // Two failures so far, the last one stamped 2 s in "our" future (a node whose clock runs ahead).
      await database.db
        .updateTable('login_throttle')
        .set({ failures: 2, last_failure_at: Date.now() + 2000 })
        .execute();
      await (await throttle.reserve('alice', '192.0.2.1')).failed();
      await (await throttle.reserve('alice', '192.0.2.1')).failed();
    } finally {
      await cleanup();
    }
  });
});

describe('two app nodes on one PostgreSQL share one throttle budget', function () {
  this.timeout(40_000);
  let node1: TestServer;
  let node2: TestServer;
  let drop: (() => Promise<void>) | undefined;

  before(async function () {
    if (!(await postgresAvailable())) {
      console.log('    (PostgreSQL not reachable on loopback; skipping outside CI)');
      return this.skip();
    }
    const pg = await freshPostgresUrl();
    drop = pg.drop;
    const env = { MESHWORK_DATABASE_URL: pg.url, MESHWORK_TRUST_PROXY: 'loopback' };
    node1 = await startTestServer({ env });
    node2 = await startTestServer({ env: { ...env, MESHWORK_PUBLIC_URL: node1.origin } });
    await node1.user('alice');
  });
  after(async () => {
    await Promise.all([node1, node2].map((s) => s?.destroy()));
    await drop?.();
  });

  it('failures on one node count on the other, also for parallel bursts to both', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login(node1, 'alice', 'wrong', '203.0.113.1')).status, 401);
    assert.equal((await login(node2, 'alice', 'wrong', '203.0.113.1')).status, 401);
    assert.equal((await login(node2, 'alice', 'wrong', '203.0.113.1')).status, 401);
    assert.equal((await login(node1, 'alice', 'alice-password', '203.0.113.1')).status, 429);
    assert.equal((await login(node2, 'alice', 'alice-password', '203.0.113.1')).status, 429);

    const started = Date.now();
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(i % 2 ? node1 : node2, 'alice', 'wrong', '203.0.113.2')),
    );
    // Five free attempts, then one more after 1 s, another 2 s after that, …: a burst that a loaded machine spreads
    // over more than a second may rightly count one more (the back-off ran out), never more than the waits allow.
    const seconds = (Date.now() - started) / 1000;
    const waitsOver = Math.floor(Math.log2(seconds + 1));
    const counted = burst.filter((r) => r.status === 401).length;
    const statuses = `${burst.map((r) => r.status).join(',')} over ${seconds.toFixed(2)} s`;
    assert.ok(counted >= 5 && counted <= 5 + waitsOver, `${counted} counted: ${statuses}`);
  });
});
