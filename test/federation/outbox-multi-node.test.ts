import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshPostgresUrl, postgresAvailable } from '../harness/databases.ts';
import { eventually, freePort, startTestServer, type TestServer } from '../harness/test-server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A third server that counts the notifications it receives; it can hold requests unanswered. */
class CountingPeer {
  readonly received: Array<{ ref: string; n: number }> = [];
  readonly answered: Array<{ ref: string; n: number }> = [];
  hold = false;
  readonly #held: ServerResponse[] = [];
  server!: Server;
  host = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const json = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.method === 'GET' && req.url === '/.well-known/ocm') {
          return json(200, {
            enabled: true,
            apiVersion: '1.4.0',
            endPoint: `http://${this.host}/ocm`,
            resourceTypes: [{ name: 'note', shareTypes: ['user'], protocols: { note: '/n/' } }],
            capabilities: ['notifications'],
          });
        }
        if (req.method !== 'POST' || req.url !== '/ocm/notifications') return json(404, {});
        const body = JSON.parse(Buffer.concat(chunks).toString());
        const got = { ref: String(body.providerId), n: Number(body.notification?.n) };
        this.received.push(got);
        if (this.hold) return void this.#held.push(res);
        setTimeout(() => {
          this.answered.push(got);
          json(201, {});
        }, 5);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.host = `127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  stop(): Promise<void> {
    for (const r of this.#held) r.destroy();
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

const note = (ref: string, n: number) => ({
  destination: '',
  kind: 'core:notification',
  path: '/notifications',
  ref,
  body: { notificationType: 'NOTE_UPDATED', resourceType: 'note', providerId: ref, notification: { n } },
});

describe('the outbox on several app nodes sharing one PostgreSQL', function () {
  this.timeout(60_000);
  let pg: { url: string; drop: () => Promise<void> };
  let node1: TestServer;
  let node2: TestServer;
  let peer: CountingPeer;

  before(async function () {
    if (!(await postgresAvailable())) {
      console.log('    (PostgreSQL not reachable on loopback; skipping outside CI)');
      return this.skip();
    }
    pg = await freshPostgresUrl();
    const env = { MESHWORK_DATABASE_URL: pg.url, MESHWORK_OUTBOX_LEASE_MS: '1500' };
    node1 = await startTestServer({ env });
    node2 = await startTestServer({ env: { ...env, MESHWORK_PUBLIC_URL: node1.origin } });
  });
  beforeEach(async () => {
    peer = new CountingPeer();
    await peer.start();
  });
  afterEach(async () => {
    node1?.engine.outbox.stop();
    node2?.engine.outbox.stop();
    await peer?.stop();
  });
  after(async () => {
    await Promise.all([node1, node2].map((s) => s?.destroy()));
    await pg?.drop();
  });

  it('delivers each message once, whichever node claims it, and each ref strictly in order', async () => {
    node1.engine.outbox.stop();
    node2.engine.outbox.stop();
    const total = 120;
    for (let n = 0; n < total; n++)
      await node1.engine.outbox.enqueue({ ...note(`r${n % 12}`, n), destination: peer.host });
    // Both nodes start on the same backlog at once.
    node1.engine.outbox.start();
    node2.engine.outbox.start();
    await eventually(async () => peer.answered.length >= total, 20_000, `${total} deliveries`);
    await new Promise((r) => setTimeout(r, 300)); // a duplicate would arrive about now
    assert.equal(peer.received.length, total, 'no message was sent twice');
    const seen = new Set(peer.received.map((r) => r.n));
    assert.equal(seen.size, total);
    for (let r = 0; r < 12; r++) {
      const order = peer.received.filter((x) => x.ref === `r${r}`).map((x) => x.n);
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        `ref r${r} in order`,
      );
    }
    assert.equal(await node1.engine.outbox.pending(peer.host), 0);
  });

  it('takes over the messages of a node killed with kill -9 once its lease lapses, in order', async () => {
    node1.engine.outbox.stop();
    node2.engine.outbox.stop();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'meshwork-child-'));
    let child: ChildProcess | undefined;
    try {
      peer.hold = true;
      for (let n = 0; n < 3; n++) await node1.engine.outbox.enqueue({ ...note('killed', n), destination: peer.host });
      const port = await freePort();
      child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/harness/child-node.ts')], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: {
          ...process.env,
          MESHWORK_PORT: String(port),
          MESHWORK_HOST: '127.0.0.1',
          MESHWORK_PUBLIC_URL: node1.origin,
          MESHWORK_DATA_DIR: dataDir,
          MESHWORK_DATABASE_URL: pg.url,
          MESHWORK_ALLOW_INSECURE_PEERS: '1',
          MESHWORK_OUTBOX_LEASE_MS: '1500',
          MESHWORK_LOG_LEVEL: 'silent',
        },
      });
      // The child claims the first message and sends it; the peer holds the request open.
      await eventually(async () => peer.received.length >= 1, 20_000, 'the child node sending');
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      assert.deepEqual(
        peer.received.map((r) => r.n),
        [0],
        'one message of the ref in flight, the rest waiting behind it',
      );
      peer.hold = false;
      const killedAt = Date.now();
      node2.engine.outbox.start();
      await eventually(async () => peer.answered.length >= 3, 15_000, 'the surviving node delivering');
      assert.ok(Date.now() - killedAt >= 1000, 'not before the dead node’s lease lapsed');
      assert.deepEqual(
        peer.answered.map((r) => r.n),
        [0, 1, 2],
      );
    } finally {
      child?.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
