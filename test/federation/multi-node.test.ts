import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { Redis } from 'ioredis';
import { freshPostgresUrl, postgresAvailable } from '../harness/databases.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

const REDIS_URL = process.env.MESHWORK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisAvailable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch (err) {
    if (process.env.CI === 'true')
      throw new Error(`Redis is required in CI but not reachable at ${REDIS_URL}: ${(err as Error).message}`, {
        cause: err,
      });
    return false;
  } finally {
    r.disconnect();
  }
}

describe('one Meshwork server on two app nodes (PostgreSQL + Redis)', function () {
  this.timeout(40_000);
  let a: TestServer;
  let node1: TestServer;
  let node2: TestServer;
  let drop: () => Promise<void>;
  let socket: Socket | undefined;

  before(async function () {
    if (!(await postgresAvailable()) || !(await redisAvailable())) {
      console.log('    (PostgreSQL or Redis not reachable on loopback; skipping outside CI)');
      return this.skip();
    }
    const pgdb = await freshPostgresUrl();
    drop = pgdb.drop;
    a = await startTestServer();
    node1 = await startTestServer({ env: { MESHWORK_DATABASE_URL: pgdb.url, MESHWORK_REDIS_URL: REDIS_URL } });
    // Node 2 serves the same organisation: same database, same public origin (node 1 stands in for the load balancer).
    node2 = await startTestServer({
      env: { MESHWORK_DATABASE_URL: pgdb.url, MESHWORK_REDIS_URL: REDIS_URL, MESHWORK_PUBLIC_URL: node1.origin },
    });
  });
  after(async () => {
    socket?.disconnect();
    await Promise.all([a, node1, node2].map((s) => s?.destroy()));
    await drop?.();
  });

  it('shares one identity, one database and live events across nodes', async () => {
    const bobAt1 = await node1.user('bob', 'Bob');
    const bobAt2 = (await node2.api(null, 'POST', '/api/v1/auth/login', { username: 'bob', password: 'bob-password' }))
      .body.token;
    assert.ok(bobAt2, 'a user created through node 1 logs in on node 2');
    const jwks1 = await node1.api(null, 'GET', '/ocm/jwks');
    const jwks2 = await node2.api(null, 'GET', '/ocm/jwks');
    assert.deepEqual(jwks2.body, jwks1.body, 'both nodes sign with the same key');

    // Bob's browser is connected to node 2; the share arrives through node 1.
    socket = connect(node2.origin, { auth: { token: bobAt2 }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });
    const received = new Promise<any>((resolve) => socket!.once('share:received', resolve));
    const alice = await a.user('alice', 'Alice');
    const note = await a.api(alice, 'POST', '/api/v1/note/notes', { title: 'multi-node', body: 'x' });
    const created = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: note.body.id,
      shareWith: `bob@${node1.host}`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const pushed = await Promise.race([
      received,
      new Promise((_r, rej) => setTimeout(() => rej(new Error('no live event on node 2')), 5000)),
    ]);
    assert.equal((pushed as any).name, 'multi-node');
    const viaNode2 = await node2.api(bobAt2, 'GET', '/api/v1/shares/incoming');
    assert.equal(viaNode2.body.length, 1);
    await node2.api(bobAt1, 'POST', `/api/v1/shares/incoming/${viaNode2.body[0].id}/accept`);
    await eventually(
      async () => (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body[0]?.state === 'accepted',
      5000,
      'acceptance sent from node 2',
    );
  });

  it('refuses a socket without a valid session', async () => {
    const bad = connect(node2.origin, { auth: { token: 'nope' }, transports: ['websocket'], reconnection: false });
    const err = await new Promise<Error>((resolve) => bad.once('connect_error', resolve));
    bad.disconnect();
    assert.equal(err.message, 'UNAUTHENTICATED');
  });
});
