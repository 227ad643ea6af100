import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { filesPlugin } from '../../plugins/files/index.ts';
import { freshPostgresUrl, postgresAvailable } from '../harness/databases.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const LOCK_BODY =
  '<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype><d:owner>node test</d:owner></d:lockinfo>';

describe('files: WebDAV locks on two app nodes sharing one PostgreSQL', function () {
  this.timeout(60_000);
  let node1: TestServer;
  let node2: TestServer;
  let dataDir: string;
  let drop: () => Promise<void>;

  before(async function () {
    if (!(await postgresAvailable())) {
      console.log('    (PostgreSQL not reachable on loopback; skipping outside CI)');
      return this.skip();
    }
    const pgdb = await freshPostgresUrl();
    drop = pgdb.drop;
    // One organisation: one database, one file store, two app nodes (node 1 stands in for the load balancer's origin).
    dataDir = mkdtempSync(path.join(tmpdir(), 'meshwork-nodes-'));
    node1 = await startTestServer({ plugins: [filesPlugin()], dataDir, env: { MESHWORK_DATABASE_URL: pgdb.url } });
    node2 = await startTestServer({
      plugins: [filesPlugin()],
      dataDir,
      env: { MESHWORK_DATABASE_URL: pgdb.url, MESHWORK_PUBLIC_URL: node1.origin },
    });
    await node1.user('alice');
  });
  after(async () => {
    await Promise.all([node1?.stop(), node2?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await drop?.();
  });

  it('honours on node 2 a lock taken on node 1, and the other way round', async () => {
    const at1 = davClient(node1.origin, basicFor('alice'));
    const at2 = davClient(node2.origin, basicFor('alice'));
    const U = '/dav/files/alice';
    assert.equal((await at1.send('PUT', `${U}/doc.txt`, { body: 'v1' })).status, 201);
    const lock = await at1.send('LOCK', `${U}/doc.txt`, { body: LOCK_BODY, headers: { timeout: 'Second-600' } });
    assert.equal(lock.status, 200);
    const token = (lock.headers.get('lock-token') ?? '').replace(/[<>]/g, '');

    const blocked = await at2.send('PUT', `${U}/doc.txt`, { body: 'from node 2' });
    assert.equal(blocked.status, 423, 'node 2 refuses a write without the token');
    assert.match(blocked.text, /lock-token-submitted/);
    assert.equal((await at2.send('DELETE', `${U}/doc.txt`)).status, 423);
    assert.equal((await at2.send('LOCK', `${U}/doc.txt`, { body: LOCK_BODY })).status, 423, 'no second exclusive lock');
    const seen = await at2.send('PROPFIND', `${U}/doc.txt`, {
      headers: { depth: '0' },
      body: '<propfind xmlns="DAV:"><prop><lockdiscovery/></prop></propfind>',
    });
    assert.match(seen.text, new RegExp(`<d:href>${token}</d:href>`), "node 2 shows node 1's lock");

    assert.equal(
      (await at2.send('PUT', `${U}/doc.txt`, { body: 'v2', headers: { if: `(<${token}>)` } })).status,
      204,
      'the token taken on node 1 works on node 2',
    );
    assert.equal((await at2.send('UNLOCK', `${U}/doc.txt`, { headers: { 'lock-token': `<${token}>` } })).status, 204);
    assert.equal(
      (await at1.send('PUT', `${U}/doc.txt`, { body: 'v3' })).status,
      204,
      'unlocked on node 2 means unlocked on node 1',
    );
    assert.equal((await at2.send('GET', `${U}/doc.txt`)).text, 'v3');
  });

  it('grants exactly one of many exclusive locks requested at once through both nodes', async () => {
    const clients = [davClient(node1.origin, basicFor('alice')), davClient(node2.origin, basicFor('alice'))];
    await clients[0]!.send('PUT', '/dav/files/alice/race.txt', { body: 'x' });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_v, i) =>
        clients[i % 2]!.send('LOCK', '/dav/files/alice/race.txt', { body: LOCK_BODY }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 423).length, 11, statuses.join(','));
  });
});
