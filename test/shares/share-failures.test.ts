import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { filesPlugin } from '../../plugins/files/index.ts';
import { notePlugin } from '../fixtures/note-plugin.ts';
import { eventually, freePort, startTestServer, type TestServer } from '../harness/test-server.ts';
import { outboxRows, outgoingRows } from './share-test-kit.ts';

/** A plain HTTP server on loopback; `handler` decides every answer. */
async function plainServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ host: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An OCM server reduced to discovery (offering notes) and a share endpoint answering `status()`. */
function ocmPeer(status: () => number): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const origin = `http://${req.headers.host}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/ocm')
      return void res.end(
        JSON.stringify({
          enabled: true,
          apiVersion: '1.4.0',
          endPoint: `${origin}/ocm`,
          resourceTypes: [{ name: 'note', shareTypes: ['user'], protocols: { note: '/note/' } }],
          capabilities: [],
        }),
      );
    if (req.url === '/ocm/shares') {
      req.resume();
      const code = status();
      res.statusCode = code;
      return void res.end(
        JSON.stringify(code === 201 ? { recipientDisplayName: 'Bob Elsewhere' } : { message: 'NOT_NOW' }),
      );
    }
    res.statusCode = 404;
    res.end('{}');
  };
}

describe('sharing with a server that cannot take the share fails at once, in plain words, keeping nothing', function () {
  this.timeout(40_000);
  let a: TestServer;
  let alice: string;
  let noteId: string;
  const closers: Array<() => Promise<void>> = [];

  before(async () => {
    a = await startTestServer({ plugins: [notePlugin()] });
    alice = await a.user('alice', 'Alice');
    noteId = (await a.api(alice, 'POST', '/api/v1/note/notes', { title: 'Plan', body: 'x' })).body.id;
  });
  after(async () => {
    await Promise.all(closers.map((c) => c()));
    await a?.destroy();
  });

  /** Shares the note with `to` and checks the refusal: status, code, message, and no row or message left. */
  async function refused(to: string, status: number, code: string, message: string): Promise<void> {
    const [rows, queued] = [await outgoingRows(a), await outboxRows(a)];
    const res = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: noteId,
      shareWith: to,
    });
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.body.code, code);
    assert.equal(res.body.message, message);
    assert.equal(await outgoingRows(a), rows, 'no share row remains');
    assert.equal(await outboxRows(a), queued, 'nothing is queued');
  }

  it('a host name that does not exist', async () => {
    await refused(
      'bob@cloud.invalid',
      400,
      'SHARE_PEER_NOT_FOUND',
      'There is no server at cloud.invalid: check the address',
    );
  });

  it('a web server that is not an Open Cloud Mesh server (404 or an HTML page everywhere)', async () => {
    const missing = await plainServer((_req, res) => res.writeHead(404).end('not here'));
    const html = await plainServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    closers.push(missing.close, html.close);
    await refused(
      `bob@${missing.host}`,
      400,
      'SHARE_PEER_NOT_OCM',
      `${missing.host} is not an Open Cloud Mesh server (its discovery answered HTTP 404)`,
    );
    await refused(`bob@${html.host}`, 400, 'SHARE_PEER_NOT_OCM', `${html.host} is not an Open Cloud Mesh server`);
    assert.equal(missing.hits.filter((h) => h.startsWith('POST')).length, 0, 'no share was posted');
  });

  it('a Meshwork server without the plugin for the resource type, and a peer answering 501', async () => {
    const b = await startTestServer({ plugins: [filesPlugin()] });
    closers.push(() => b.destroy());
    await b.user('bob');
    await refused(`bob@${b.host}`, 400, 'SHARE_TYPE_UNSUPPORTED', `${b.host} does not accept note shares`);
    const peer = await plainServer(ocmPeer(() => 501));
    closers.push(peer.close);
    await refused(`bob@${peer.host}`, 400, 'SHARE_TYPE_UNSUPPORTED', `${peer.host} does not accept note shares`);
  });

  it('a recipient who is not a user there', async () => {
    const b = await startTestServer({ plugins: [notePlugin()] });
    closers.push(() => b.destroy());
    await refused(`nobody@${b.host}`, 400, 'RECIPIENT_NOT_FOUND', `nobody is not a user on ${b.host}`);
  });

  it('a server denied by our policy, or one whose policy refuses us', async () => {
    const bPort = await freePort();
    const bHost = `127.0.0.1:${bPort}`;
    const denying = await startTestServer({ plugins: [notePlugin()], env: { MESHWORK_DENY_PEERS: a.host } });
    closers.push(() => denying.destroy());
    await denying.user('bob');
    await refused(
      `bob@${denying.host}`,
      403,
      'SHARE_PEER_REFUSED',
      `${denying.host} does not accept shares from this server (server ${a.host} is not allowed)`,
    );
    const strict = await startTestServer({ plugins: [notePlugin()], env: { MESHWORK_DENY_PEERS: bHost } });
    const picky = await startTestServer({
      plugins: [notePlugin()],
      env: { MESHWORK_ALLOW_PEERS: 'cloud.example.org' },
    });
    closers.push(
      () => strict.destroy(),
      () => picky.destroy(),
    );
    for (const [server, code, message] of [
      [strict, 'PEER_DENIED', `This server does not share with ${bHost}: its administrator blocked that server`],
      [
        picky,
        'PEER_NOT_ALLOWED',
        `This server only shares with servers its administrator approved, and ${bHost} is not one of them`,
      ],
    ] as const) {
      const token = await server.user('carol');
      const id = (await server.api(token, 'POST', '/api/v1/note/notes', { title: 'x', body: 'y' })).body.id;
      const res = await server.api(token, 'POST', '/api/v1/shares', {
        resourceType: 'note',
        resourceId: id,
        shareWith: `bob@${bHost}`,
      });
      assert.equal(res.status, 403);
      assert.equal(res.body.code, code);
      assert.equal(res.body.message, message);
      assert.equal(await outgoingRows(server), 0);
    }
  });
});

describe('sharing with a server that exists but is unreachable right now queues the share and delivers it later', function () {
  this.timeout(40_000);
  let a: TestServer;
  let alice: string;
  const closers: Array<() => Promise<void>> = [];

  before(async () => {
    a = await startTestServer({ plugins: [notePlugin()] });
    alice = await a.user('alice', 'Alice');
  });
  after(async () => {
    await Promise.all(closers.map((c) => c()));
    await a?.destroy();
  });

  async function share(to: string, title: string): Promise<{ status: number; body: any; took: number }> {
    const id = (await a.api(alice, 'POST', '/api/v1/note/notes', { title, body: 'x' })).body.id;
    const started = Date.now();
    const res = await a.api(alice, 'POST', '/api/v1/shares', { resourceType: 'note', resourceId: id, shareWith: to });
    return { ...res, took: Date.now() - started };
  }
  const stateOf = async (id: string) =>
    (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body.find((s: any) => s.id === id)?.state;

  it('a Meshwork server that is down (port closed) gets the share when it comes up', async () => {
    const port = await freePort();
    const queued = await share(`bob@127.0.0.1:${port}`, 'While down');
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    assert.equal(queued.body.state, 'sending');
    // Refused connections answer at once: the request does not sit out the configured wait (20 s in tests).
    assert.ok(queued.took < a.engine.config.shareWaitMs, `a dead peer answered in ${queued.took} ms`);
    assert.equal(await a.engine.outbox.pending(`127.0.0.1:${port}`), 1);

    const b = await startTestServer({ port, plugins: [notePlugin()] });
    closers.push(() => b.destroy());
    const bob = await b.user('bob', 'Bob');
    await eventually(
      async () => (await stateOf(queued.body.id)) === 'pending',
      15_000,
      'delivery after the peer came up',
    );
    const inbox = (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body;
    assert.deepEqual(
      inbox.map((s: any) => s.name),
      ['While down'],
    );
    assert.equal(await a.engine.outbox.pending(`127.0.0.1:${port}`), 0);
  });

  it('a server answering 503 keeps the share queued; it is delivered once the server recovers', async () => {
    let status = 503;
    const peer = await plainServer(ocmPeer(() => status));
    closers.push(peer.close);
    const queued = await share(`bob@${peer.host}`, 'Busy');
    assert.equal(queued.status, 202);
    assert.equal(queued.body.state, 'sending');
    status = 201;
    await eventually(async () => (await stateOf(queued.body.id)) === 'pending', 15_000, 'delivery after recovery');
    const shared = (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body.find(
      (s: any) => s.id === queued.body.id,
    );
    assert.equal(shared.recipientDisplayName, 'Bob Elsewhere');
  });

  it('a share the receiver refuses after being queued ends as failed with a readable reason; unsharing dismisses it', async () => {
    let status = 503;
    const peer = await plainServer(ocmPeer(() => status));
    closers.push(peer.close);
    const queued = await share(`bob@${peer.host}`, 'Later refused');
    assert.equal(queued.status, 202);
    status = 403;
    await eventually(async () => (await stateOf(queued.body.id)) === 'failed', 15_000, 'the refusal');
    const failed = (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body.find(
      (s: any) => s.id === queued.body.id,
    );
    assert.equal(failed.lastError, `${peer.host} does not accept shares from this server (NOT_NOW)`);
    const dismissed = await a.api(alice, 'DELETE', `/api/v1/shares/outgoing/${queued.body.id}`);
    assert.equal(dismissed.status, 200);
    assert.equal(await stateOf(queued.body.id), undefined, 'a dismissed failed share leaves no row');
  });
});
