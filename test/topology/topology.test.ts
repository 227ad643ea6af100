import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AccountService } from '../../core/accounts/account-service.ts';
import { openDatabase } from '../../core/storage/database.ts';
import { defaultPlugins } from '../../scripts/plugin-list.ts';
import { freshPostgresUrl, postgresAvailable } from '../harness/databases.ts';
import { basicFor } from '../harness/dav-test-client.ts';
import { REDIS_URL, redisAvailable } from '../harness/redis.ts';
import { eventually, freePort, startTestServer, type TestServer } from '../harness/test-server.ts';
import { startAppNode, type AppNode } from './app-node.ts';
import { haproxyAvailable, startHaproxy } from './haproxy.ts';
import { call, ChatUser, sleep, Uploader } from './topology-traffic.ts';

/**
 * Organisation A as an operator runs it: two app nodes (separate processes, `scripts/server.ts` configured by env
 * vars) behind HAProxy, sharing PostgreSQL, Redis and one data directory (the file store); organisation B is one
 * node. Chat, WebDAV and share traffic goes through the balancer while one of A's nodes is killed with SIGKILL.
 */
describe('topology: one organisation on two app nodes behind HAProxy, federating with another', function () {
  this.timeout(240_000);
  const tag = Math.random()
    .toString(36)
    .slice(2, 7)
    .replace(/[^a-z]/g, 'q');
  const [ann, amy, bob, bea] = ['ann', 'amy', 'bob', 'bea'].map((n) => `${n}${tag}`) as [
    string,
    string,
    string,
    string,
  ];
  let dir: string;
  let pg: { url: string; drop: () => Promise<void> } | undefined;
  const nodes: AppNode[] = [];
  let lb: Awaited<ReturnType<typeof startHaproxy>> | undefined;
  let b: TestServer | undefined;
  let lbOrigin: string;
  const users: ChatUser[] = [];

  before(async function () {
    if (!haproxyAvailable() || !(await postgresAvailable()) || !(await redisAvailable())) {
      console.log('    (haproxy, PostgreSQL or Redis missing; skipping outside CI)');
      return this.skip();
    }
    dir = mkdtempSync(path.join(tmpdir(), 'meshwork-topology-'));
    pg = await freshPostgresUrl();
    const [lbPort, p1, p2] = [await freePort(), await freePort(), await freePort()];
    lbOrigin = `http://127.0.0.1:${lbPort}`;
    const env = {
      MESHWORK_PUBLIC_URL: lbOrigin,
      MESHWORK_DATABASE_URL: pg.url,
      MESHWORK_REDIS_URL: REDIS_URL,
      MESHWORK_DATA_DIR: path.join(dir, 'shared-data'),
      MESHWORK_TRUST_PROXY: '127.0.0.1',
      MESHWORK_ALLOW_INSECURE_PEERS: '1',
      MESHWORK_OUTBOX_LEASE_MS: '2000',
      MESHWORK_OUTBOX_RETRY_BASE_MS: '100',
      MESHWORK_OUTBOX_RETRY_MAX_MS: '500',
      MESHWORK_SHARE_WAIT_MS: '20000',
      MESHWORK_LOG_LEVEL: process.env.MESHWORK_TEST_LOG ?? 'silent',
    };
    // The first node creates the schema; the second starts on it (as a rolling deployment would).
    nodes.push(await startAppNode('node1', p1, env));
    nodes.push(await startAppNode('node2', p2, env));
    lb = await startHaproxy(dir, {
      port: lbPort,
      nodes: [
        { name: 'node1', port: p1 },
        { name: 'node2', port: p2 },
      ],
    });
    b = await startTestServer({ plugins: defaultPlugins() });
    const db = openDatabase({ databaseUrl: pg.url, dataDir: dir, poolSize: 1 });
    try {
      const accounts = new AccountService(db.db);
      for (const id of [ann, amy]) await accounts.createUser({ id, password: `${id}-password` });
    } finally {
      await db.close();
    }
  });

  after(async () => {
    for (const u of users) u.conn.close();
    await lb?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    await b?.destroy();
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps chat, files and shares whole while a node is killed with SIGKILL', async () => {
    const server = b as TestServer;
    const login = async (id: string) => {
      const r = await call(lbOrigin, null, 'POST', '/api/v1/auth/login', { username: id, password: `${id}-password` });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.token as string;
    };
    const tokens: Record<string, string> = {
      [ann]: await login(ann),
      [amy]: await login(amy),
      [bob]: await server.user(bob),
      [bea]: await server.user(bea),
    };
    const originOf = (id: string) => (id === ann || id === amy ? lbOrigin : server.origin);
    const hostA = new URL(lbOrigin).host;

    // Two rooms: one hosted by organisation A, one by B, each with two members on either side.
    const ra = await call(lbOrigin, tokens[ann]!, 'POST', '/api/v1/chat/rooms', {
      name: 'on-a',
      members: [amy, `${bob}@${server.host}`, `${bea}@${server.host}`],
    });
    assert.equal(ra.status, 201, JSON.stringify(ra.body));
    const rb = await call(server.origin, tokens[bob]!, 'POST', '/api/v1/chat/rooms', {
      name: 'on-b',
      members: [bea, `${ann}@${hostA}`, `${amy}@${hostA}`],
    });
    assert.equal(rb.status, 201, JSON.stringify(rb.body));
    for (const id of [ann, amy, bob, bea]) {
      await eventually(
        async () => {
          const inbox = await call(originOf(id), tokens[id]!, 'GET', '/api/v1/shares/incoming');
          const open = (inbox.body ?? []).filter((s: any) => s.state === 'pending' && s.resourceType === 'chat-room');
          for (const s of open) await call(originOf(id), tokens[id]!, 'POST', `/api/v1/shares/incoming/${s.id}/accept`);
          const rooms = await call(originOf(id), tokens[id]!, 'GET', '/api/v1/chat/rooms');
          return rooms.status === 200 && rooms.body.length === 2 && open.length === 0;
        },
        30_000,
        `${id} in both rooms`,
      );
    }
    for (const id of [ann, amy, bob, bea]) {
      const rooms = (await call(originOf(id), tokens[id]!, 'GET', '/api/v1/chat/rooms')).body as any[];
      for (const room of rooms)
        await eventually(
          async () => {
            const d = await call(originOf(id), tokens[id]!, 'GET', `/api/v1/chat/rooms/${room.id}`);
            return d.body?.members?.filter((m: any) => m.state === 'joined').length === 4;
          },
          30_000,
          `every member joined ${room.name} as ${id} sees it`,
        );
      // ann's socket goes to node 1 (the one killed), amy's to node 2, through the balancer's stickiness cookie.
      const cookie = id === ann ? 'MWNODE=node1' : id === amy ? 'MWNODE=node2' : undefined;
      users.push(new ChatUser(id, originOf(id), tokens[id]!, new Map(rooms.map((r: any) => [r.id, r.name])), cookie));
    }
    await Promise.all(users.map((u) => u.conn.connected()));

    // Files: ann's uploads go through the balancer; a folder of them is shared with bob on B.
    const files = new Uploader(lbOrigin, basicFor(ann));
    assert.equal(
      (await fetch(`${lbOrigin}/dav/files/${ann}/load`, { method: 'MKCOL', headers: { authorization: basicFor(ann) } }))
        .status,
      201,
    );
    await files.put(`/dav/files/${ann}/load/f0.bin`, 50_000);
    const folder = await call(lbOrigin, tokens[ann]!, 'POST', '/api/v1/shares', {
      resourceType: 'folder',
      resourceId: '/load',
      shareWith: `${bob}@${server.host}`,
    });
    assert.equal(folder.status, 201, JSON.stringify(folder.body));

    // Load: every user posts in both rooms, ann uploads and shares files, and node 1 dies a third of the way in.
    const ROUNDS = 60;
    const shared: string[] = [];
    let shareFailures = 0;
    let killed: Promise<void> | undefined;
    const uploadsAndShares = (async () => {
      for (let i = 1; i <= 24; i++) {
        await files.put(`/dav/files/${ann}/load/f${i}.bin`, 20_000 + i);
        const s = await call(lbOrigin, tokens[ann]!, 'POST', '/api/v1/shares', {
          resourceType: 'file',
          resourceId: `/load/f${i}.bin`,
          shareWith: `${bea}@${server.host}`,
        });
        if (s.status === 201 || s.status === 202) shared.push(s.body.providerId);
        else shareFailures++;
      }
    })();
    await Promise.all([
      ...users.map((u) =>
        u.talk(ROUNDS, 40, (i) => {
          if (u.name === ann && i === ROUNDS / 3) killed = (nodes[0] as AppNode).kill();
        }),
      ),
      uploadsAndShares,
    ]);
    await killed;
    const aSide = users.filter((u) => u.name === ann || u.name === amy);
    const [annUser, amyUser] = aSide as [ChatUser, ChatUser];
    assert.ok(annUser.disconnects > 0, 'the client on the killed node lost its connection');
    assert.equal(amyUser.disconnects, 0, 'the client on the surviving node kept its connection');
    await eventually(async () => annUser.conn.socket.connected, 30_000, 'ann reconnected (to node 2)');

    // Chat: every acknowledged message reaches every member once, and every member sees each room in one order.
    for (const label of ['on-a', 'on-b']) {
      const acked = users.flatMap((u) => u.acked.get(label) ?? []);
      assert.ok(acked.length > 0);
      const missing = () =>
        users
          .map((u) => ({ u: u.name, missing: acked.filter((t) => !(u.seen.get(label) ?? []).includes(t)) }))
          .filter((m) => m.missing.length > 0);
      await eventually(
        async () => missing().length === 0,
        60_000,
        `every acknowledged message in ${label} delivered to every member`,
      ).catch(async (err) => {
        const seqs = await Promise.all(
          users.map(async (u) => [
            u.name,
            ((await call(originOf(u.name), tokens[u.name]!, 'GET', '/api/v1/chat/rooms')).body as any[])?.map(
              (r: any) => `${r.name}:${r.lastSeq}`,
            ),
            [...u.seqs].map(([l, s]) => `${l}:${s.at(-1)}`),
          ]),
        );
        throw new Error(
          `${(err as Error).message}: ${JSON.stringify(seqs)} ${JSON.stringify(missing().map((m) => [m.u, m.missing.length, m.missing.slice(0, 3)]))}`,
        );
      });
      await sleep(500); // a duplicate or late message would show up about now
      const reference = users[0]!.seen.get(label)!;
      assert.equal(new Set(reference).size, reference.length, `no message delivered twice in ${label}`);
      for (const u of users) {
        assert.deepEqual(u.seen.get(label), reference, `${u.name} sees ${label} in the host's order`);
        const seqs = u.seqs.get(label)!;
        assert.ok(
          seqs.every((s, i) => i === 0 || s > seqs[i - 1]!),
          `seqs strictly increase for ${u.name}`,
        );
      }
      for (const u of users) {
        const mine = reference.filter((t) => t.startsWith(`${u.name}:`)).map((t) => Number(t.split(':')[2]));
        assert.deepEqual(
          mine,
          [...mine].sort((x, y) => x - y),
          `${u.name}'s messages in ${label} in the order sent`,
        );
      }
    }

    // Files: every acknowledged upload reads back whole through the balancer and through the federated share.
    assert.equal(files.acked.size, 25, 'every upload was acknowledged in the end (PUT is retried)');
    for (const [p, hash] of files.acked) {
      const got = await files.get(p);
      assert.equal(got.status, 200, p);
      assert.equal(got.sha, hash, `${p} content`);
    }
    const incoming = await eventually(
      async () =>
        (await call(server.origin, tokens[bob]!, 'GET', '/api/v1/shares/incoming')).body?.find(
          (s: any) => s.providerId === folder.body.providerId,
        ),
      30_000,
      'the folder share at bob',
    );
    assert.equal(
      (await call(server.origin, tokens[bob]!, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status,
      200,
    );
    const viaShare = new Uploader(server.origin, basicFor(bob));
    for (const [p, hash] of [...files.acked].slice(-5)) {
      const name = path.posix.basename(p);
      const got = await viaShare.get(`/dav/files/${bob}/Shared%20with%20me/${incoming.name}/${name}`);
      assert.equal(got.status, 200, `${name} through the share`);
      assert.equal(got.sha, hash);
    }

    // Shares: every acknowledged share reaches bea exactly once.
    assert.ok(
      shared.length >= 20,
      `most shares acknowledged (${shared.length}, ${shareFailures} refused by a dying node)`,
    );
    await eventually(
      async () => {
        const inbox = (await call(server.origin, tokens[bea]!, 'GET', '/api/v1/shares/incoming')).body as any[];
        return shared.every((id) => inbox.some((s) => s.providerId === id));
      },
      60_000,
      'every acknowledged share at bea',
    );
    const inbox = (await call(server.origin, tokens[bea]!, 'GET', '/api/v1/shares/incoming')).body as any[];
    const ids = inbox.filter((s) => s.resourceType === 'file').map((s) => s.providerId);
    assert.equal(new Set(ids).size, ids.length, 'no share delivered twice');
  });
});
