import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { signCavageRequest } from '../../core/signatures/cavage.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

/**
 * A stand-in for an older Nextcloud peer: OCM 1.0-era discovery at /ocm-provider with a
 * draft-cavage RSA public key, no `http-sig` capability, legacy `protocol.options` shares,
 * and a /notifications endpoint that records what it receives.
 */
class LegacyPeer {
  readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly received: unknown[] = [];
  server!: Server;
  origin = '';
  host = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'GET' && (req.url === '/ocm-provider' || req.url === '/ocm-provider/')) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              enabled: true,
              apiVersion: '1.0-proposal1',
              endPoint: `${this.origin}/ocm`,
              provider: 'Nextcloud',
              resourceTypes: [{ name: 'note', shareTypes: ['user'], protocols: { webdav: '/public.php/webdav/' } }],
              capabilities: ['/notifications', '/invite-accepted'],
              publicKey: {
                keyId: `${this.origin}/ocm#signature`,
                publicKeyPem: this.keys.publicKey.export({ type: 'spki', format: 'pem' }),
              },
            }),
          );
          return;
        }
        if (req.method === 'POST' && req.url === '/ocm/notifications') {
          this.received.push(JSON.parse(Buffer.concat(chunks).toString()));
          res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
          return;
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    const port = (this.server.address() as { port: number }).port;
    this.origin = `http://127.0.0.1:${port}`;
    this.host = `127.0.0.1:${port}`;
  }

  /** Sends a legacy share to `target`, cavage-signed unless `unsigned`, optionally tampered. */
  async share(
    target: TestServer,
    to: string,
    opts: { unsigned?: boolean; tamper?: boolean } = {},
  ): Promise<{ status: number; body: any; providerId: string }> {
    const providerId = randomUUID();
    const body = Buffer.from(
      JSON.stringify({
        shareWith: to,
        name: 'old.txt',
        providerId,
        owner: `alice@${this.host}`,
        sender: `alice@${this.host}`,
        ownerDisplayName: 'Alice NC',
        sharedBy: `alice@${this.host}`,
        shareType: 'user',
        resourceType: 'note',
        // Nextcloud's legacy shape (name + options), for the test resource type instead of webdav.
        protocol: {
          name: 'note',
          options: { sharedSecret: 'legacy-secret', permissions: '{http://open-cloud-mesh.org/ns}share-permissions' },
        },
      }),
    );
    const url = `${target.origin}/ocm/shares`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!opts.unsigned)
      Object.assign(
        headers,
        signCavageRequest(
          { method: 'POST', url, headers, body },
          `${this.origin}/ocm#signature`,
          this.keys.privateKey,
          { algorithm: 'rsa-sha512' },
        ),
      );
    const sent = opts.tamper ? Buffer.from(body.toString().replace('old.txt', 'new.txt')) : body;
    const res = await fetch(url, { method: 'POST', headers, body: sent });
    return { status: res.status, body: await res.json(), providerId };
  }

  stop(): void {
    this.server.close();
  }
}

describe('federation with an older OCM peer (draft-cavage signatures, /ocm-provider, legacy protocol)', function () {
  this.timeout(30_000);
  let b: TestServer;
  let bob: string;
  const peer = new LegacyPeer();

  before(async () => {
    await peer.start();
    b = await startTestServer();
    bob = await b.user('bob', 'Bob');
  });
  after(async () => {
    peer.stop();
    await b?.destroy();
  });

  it('accepts a cavage-signed legacy share, and tells the peer when bob accepts (with the shared secret, as Nextcloud expects)', async () => {
    const res = await peer.share(b, `bob@${b.host}`);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const [share] = (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body;
    assert.equal(share.name, 'old.txt');
    await b.api(bob, 'POST', `/api/v1/shares/incoming/${share.id}/accept`);
    const n = await eventually(async () => peer.received[0] as any, 5000, 'SHARE_ACCEPTED at the legacy peer');
    assert.equal(n.notificationType, 'SHARE_ACCEPTED');
    assert.equal(n.providerId, res.providerId);
    assert.equal(n.notification.sharedSecret, 'legacy-secret');
  });

  it('rejects a cavage-signed share whose body was altered', async () => {
    const res = await peer.share(b, `bob@${b.host}`, { tamper: true });
    assert.equal(res.status, 401);
  });

  it('accepts an unsigned share from a peer that does not advertise http-sig', async () => {
    const res = await peer.share(b, `bob@${b.host}`, { unsigned: true });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });

  it('but not when this server requires signatures (must-use-http-sig)', async () => {
    const strict = await startTestServer({ env: { MESHWORK_CRITERIA: 'must-use-http-sig' } });
    try {
      await strict.user('bob');
      assert.equal((await peer.share(strict, `bob@${strict.host}`, { unsigned: true })).status, 401);
      assert.equal((await peer.share(strict, `bob@${strict.host}`)).status, 201, 'a cavage signature satisfies it');
    } finally {
      await strict.destroy();
    }
  });
});
