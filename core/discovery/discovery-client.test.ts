import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError, SsrfError } from '../errors.ts';
import { DiscoveryClient, normaliseDiscovery } from './discovery-client.ts';

const insecure = { allowInsecure: true };
const code =
  (expected: string) =>
  (e: unknown): boolean =>
    (e as { code?: string }).code === expected;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Route = (host: string) => { status?: number; body: unknown; delayMs?: number };

/** A peer on 127.0.0.1:0 serving JSON routes and counting hits per path. */
async function peer(
  routes: Record<string, Route>,
): Promise<{ host: string; origin: string; hits: (p: string) => number; close: () => Promise<void> }> {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path];
    if (!route) return void res.writeHead(404).end('not found');
    const { status = 200, body, delayMs = 0 } = route(req.headers.host ?? '');
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    origin: `http://${host}`,
    hits: (p) => hits.get(p) ?? 0,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const doc14 = (origin: string): Record<string, unknown> => ({
  enabled: true,
  apiVersion: '1.4.0',
  endPoint: `${origin}/ocm/`,
  provider: 'Peer',
  resourceTypes: [
    {
      name: 'file',
      shareTypes: ['user', 'group'],
      protocols: { webdav: '/webdav/ocm/', 'webdav-receive': { uri: 'relative' } },
    },
  ],
  capabilities: ['exchange-token', 'http-sig', 'invites', 'notifications', 'protocol-object'],
  criteria: ['must-use-http-sig'],
  jwksUri: `${origin}/ocm/jwks`,
  tokenEndPoint: `${origin}/ocm/token`,
  inviteAcceptDialog: '/invite/accept',
});

describe('DiscoveryClient', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });
  const start = async (routes: Record<string, Route>): ReturnType<typeof peer> => {
    const p = await peer(routes);
    closers.push(p.close);
    return p;
  };

  it('discovers and normalises a 1.4 document', async () => {
    const p = await start({ '/.well-known/ocm': (h) => ({ body: doc14(`http://${h}`) }) });
    const d = await new DiscoveryClient({ policy: insecure }).discover(p.host);
    assert.equal(d.origin, p.origin);
    assert.equal(d.host, p.host);
    assert.equal(d.enabled, true);
    assert.equal(d.apiVersion, '1.4.0');
    assert.equal(d.endPoint, `${p.origin}/ocm`);
    assert.equal(d.provider, 'Peer');
    assert.equal(d.jwksUri, `${p.origin}/ocm/jwks`);
    assert.equal(d.tokenEndPoint, `${p.origin}/ocm/token`);
    assert.equal(d.inviteAcceptDialog, `${p.origin}/invite/accept`);
    assert.deepEqual(d.capabilities, ['exchange-token', 'http-sig', 'invites', 'notifications', 'protocol-object']);
    assert.deepEqual(d.criteria, ['must-use-http-sig']);
    assert.equal(d.resourceTypes[0]?.name, 'file');
    assert.equal(d.legacyPublicKey, undefined);
  });

  it('resolves relative endPoint, tokenEndPoint and jwksUri against the origin', async () => {
    const p = await start({
      '/.well-known/ocm': () => ({
        body: {
          enabled: true,
          apiVersion: '1.2.0',
          endPoint: '/ocm',
          resourceTypes: [],
          tokenEndPoint: '/ocm/token',
          jwksUri: 'ocm/jwks',
        },
      }),
    });
    const d = await new DiscoveryClient({ policy: insecure }).discover(p.host);
    assert.equal(d.endPoint, `${p.origin}/ocm`);
    assert.equal(d.tokenEndPoint, `${p.origin}/ocm/token`);
    assert.equal(d.jwksUri, `${p.origin}/ocm/jwks`);
  });

  for (const field of ['endPoint', 'tokenEndPoint', 'jwksUri']) {
    it(`rejects a ${field} on another authority`, async () => {
      const p = await start({
        '/.well-known/ocm': (h) => ({ body: { ...doc14(`http://${h}`), [field]: 'http://169.254.169.254/latest' } }),
      });
      await assert.rejects(new DiscoveryClient({ policy: insecure }).discover(p.host), code('DISCOVERY_INVALID'));
    });
  }

  it('rejects the same host on another port, and drops a cross-authority inviteAcceptDialog', async () => {
    const p = await start({
      '/.well-known/ocm': (h) => ({ body: { ...doc14(`http://${h}`), endPoint: 'http://127.0.0.1:1/ocm' } }),
    });
    await assert.rejects(new DiscoveryClient({ policy: insecure }).discover(p.host), code('DISCOVERY_INVALID'));
    const q = await start({
      '/.well-known/ocm': (h) => ({
        body: { ...doc14(`http://${h}`), inviteAcceptDialog: 'https://evil.example/accept' },
      }),
    });
    assert.equal((await new DiscoveryClient({ policy: insecure }).discover(q.host)).inviteAcceptDialog, undefined);
  });

  it('requires enabled, endPoint and resourceTypes', async () => {
    for (const broken of [
      { endPoint: '/ocm', resourceTypes: [] },
      { enabled: true, resourceTypes: [] },
      { enabled: true, endPoint: '/ocm' },
      { enabled: 'yes', endPoint: '/ocm', resourceTypes: [] },
    ]) {
      const p = await start({ '/.well-known/ocm': () => ({ body: broken }) });
      await assert.rejects(new DiscoveryClient({ policy: insecure }).discover(p.host), code('DISCOVERY_INVALID'));
    }
  });

  it('falls back to /ocm-provider and reads an old Nextcloud document', async () => {
    const p = await start({
      '/ocm-provider': (h) => ({
        body: {
          enabled: true,
          apiVersion: '1.0-proposal1',
          endPoint: `http://${h}/index.php/ocm`,
          resourceTypes: [
            { name: 'file', shareTypes: ['user', 'group'], protocols: { webdav: '/public.php/webdav/' } },
          ],
          capabilities: ['/notifications', '/invite-accepted', 'notifications'],
          publicKey: {
            id: `http://${h}/ocm#signature`,
            publicKeyPem: '-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----\n',
          },
        },
      }),
    });
    const d = await new DiscoveryClient({ policy: insecure }).discover(p.host);
    assert.equal(p.hits('/.well-known/ocm'), 1);
    assert.equal(d.apiVersion, '1.0-proposal1');
    assert.equal(d.endPoint, `${p.origin}/index.php/ocm`);
    assert.deepEqual(d.capabilities, ['notifications', 'invite-accepted']);
    assert.deepEqual(d.criteria, []);
    assert.equal(d.legacyPublicKey?.keyId, `${p.origin}/ocm#signature`);
    assert.match(d.legacyPublicKey?.publicKeyPem ?? '', /BEGIN PUBLIC KEY/);
  });

  it('caches successes', async () => {
    const p = await start({ '/.well-known/ocm': (h) => ({ body: doc14(`http://${h}`) }) });
    const c = new DiscoveryClient({ policy: insecure });
    await c.discover(p.host);
    await c.discover(p.host.toUpperCase());
    assert.equal(p.hits('/.well-known/ocm'), 1);
    c.invalidate(p.host);
    await c.discover(p.host);
    assert.equal(p.hits('/.well-known/ocm'), 2);
  });

  it('hands out a fresh cached document without a request, and nothing for a host not (or no longer) cached', async () => {
    const p = await start({ '/.well-known/ocm': (h) => ({ body: doc14(`http://${h}`) }) });
    const down = await start({
      '/.well-known/ocm': () => ({ status: 500, body: {} }),
      '/ocm-provider': () => ({ status: 500, body: {} }),
    });
    const c = new DiscoveryClient({ policy: insecure });
    assert.equal(c.cachedDiscovery(p.host), undefined);
    const d = await c.discover(p.host);
    assert.equal(c.cachedDiscovery(p.host.toUpperCase()), d);
    assert.equal(p.hits('/.well-known/ocm'), 1);
    c.invalidate(p.host);
    assert.equal(c.cachedDiscovery(p.host), undefined);
    await assert.rejects(c.discover(down.host), code('DISCOVERY_FAILED'));
    assert.equal(c.cachedDiscovery(down.host), undefined);
  });

  it('expires successes after ttlMs', async () => {
    const p = await start({ '/.well-known/ocm': (h) => ({ body: doc14(`http://${h}`) }) });
    const c = new DiscoveryClient({ policy: insecure, ttlMs: 30 });
    await c.discover(p.host);
    await sleep(50);
    await c.discover(p.host);
    assert.equal(p.hits('/.well-known/ocm'), 2);
  });

  it('caches failures for negativeTtlMs', async () => {
    const p = await start({
      '/.well-known/ocm': () => ({ status: 500, body: { message: 'down' } }),
      '/ocm-provider': () => ({ status: 500, body: {} }),
    });
    const c = new DiscoveryClient({ policy: insecure, negativeTtlMs: 80 });
    await assert.rejects(
      c.discover(p.host),
      (e: unknown) => code('DISCOVERY_FAILED')(e) && (e as { peerStatus?: number }).peerStatus === 500,
    );
    await assert.rejects(c.discover(p.host), code('DISCOVERY_FAILED'));
    assert.equal(p.hits('/.well-known/ocm'), 1);
    await sleep(100);
    await assert.rejects(c.discover(p.host), code('DISCOVERY_FAILED'));
    assert.equal(p.hits('/.well-known/ocm'), 2);
  });

  it('de-duplicates concurrent discoveries of one host', async () => {
    const p = await start({ '/.well-known/ocm': (h) => ({ body: doc14(`http://${h}`), delayMs: 50 }) });
    const c = new DiscoveryClient({ policy: insecure });
    const all = await Promise.all(Array.from({ length: 20 }, () => c.discover(p.host)));
    assert.equal(p.hits('/.well-known/ocm'), 1);
    assert.ok(all.every((d) => d === all[0]));
  });

  it('fails with DISCOVERY_FAILED when nothing listens', async () => {
    const p = await peer({});
    await p.close();
    await assert.rejects(
      new DiscoveryClient({ policy: insecure, timeoutMs: 1000 }).discover(p.host),
      code('DISCOVERY_FAILED'),
    );
  });

  it('refuses loopback peers without allowInsecure', async () => {
    const p = await start({ '/.well-known/ocm': (h) => ({ body: doc14(`http://${h}`) }) });
    await assert.rejects(new DiscoveryClient({ policy: { allowInsecure: false } }).discover(p.host), SsrfError);
    assert.equal(p.hits('/.well-known/ocm'), 0);
  });

  it('refuses hosts carrying a scheme, path or userinfo', () => {
    const c = new DiscoveryClient({ policy: insecure });
    for (const bad of ['https://peer.example', 'peer.example/ocm', 'user@peer.example', 'peer.example:port', '']) {
      assert.throws(() => void c.discover(bad), InputError);
    }
  });

  describe('jwks', () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', alg: 'Ed25519', kid: 'peer#key1', x: 'AzeSt' };

    it('fetches jwksUri, caches it, and refetches on refresh or invalidate', async () => {
      let kid = 'peer#key1';
      const p = await start({
        '/.well-known/ocm': (h) => ({ body: doc14(`http://${h}`) }),
        '/ocm/jwks': () => ({ body: { keys: [{ ...jwk, kid }, 'junk', { no: 'kty' }] } }),
      });
      const c = new DiscoveryClient({ policy: insecure, minRefreshMs: 0 });
      assert.deepEqual(await c.jwks(p.host), [jwk]);
      await c.jwks(p.host);
      assert.equal(p.hits('/ocm/jwks'), 1);
      kid = 'peer#key2';
      assert.equal((await c.jwks(p.host, { refresh: true }))[0]?.kid, 'peer#key2');
      assert.equal(p.hits('/ocm/jwks'), 2);
      c.invalidate(p.host);
      await c.jwks(p.host);
      assert.equal(p.hits('/ocm/jwks'), 3);
      assert.equal(p.hits('/.well-known/ocm'), 2);
    });

    it('rate-limits refresh', async () => {
      const p = await start({
        '/.well-known/ocm': (h) => ({ body: doc14(`http://${h}`) }),
        '/ocm/jwks': () => ({ body: { keys: [jwk] } }),
      });
      const c = new DiscoveryClient({ policy: insecure, minRefreshMs: 60_000 });
      await c.jwks(p.host);
      await c.jwks(p.host, { refresh: true });
      assert.equal(p.hits('/ocm/jwks'), 1);
    });

    it('falls back to /.well-known/jwks.json without jwksUri', async () => {
      const p = await start({
        '/.well-known/ocm': (h) => ({ body: { ...doc14(`http://${h}`), jwksUri: undefined } }),
        '/.well-known/jwks.json': () => ({ body: { keys: [jwk] } }),
      });
      assert.deepEqual(await new DiscoveryClient({ policy: insecure }).jwks(p.host), [jwk]);
    });

    it('rejects a JWK Set without keys', async () => {
      const p = await start({
        '/.well-known/ocm': (h) => ({ body: doc14(`http://${h}`) }),
        '/ocm/jwks': () => ({ body: { nope: [] } }),
      });
      await assert.rejects(new DiscoveryClient({ policy: insecure }).jwks(p.host), code('DISCOVERY_INVALID'));
    });
  });
});

describe('normaliseDiscovery', () => {
  it('requires https URLs when insecure peers are not allowed', () => {
    const doc = { enabled: true, apiVersion: '1.4.0', endPoint: 'http://peer.example/ocm', resourceTypes: [] };
    assert.throws(
      () => normaliseDiscovery(doc, 'https://peer.example', 'peer.example', { allowInsecure: false }),
      code('DISCOVERY_INVALID'),
    );
    const d = normaliseDiscovery(
      { ...doc, endPoint: 'https://peer.example/ocm//' },
      'https://peer.example',
      'peer.example',
      { allowInsecure: false },
    );
    assert.equal(d.endPoint, 'https://peer.example/ocm');
  });

  it('accepts a default port spelled out, and publicKeys[] as the legacy key', () => {
    const d = normaliseDiscovery(
      {
        enabled: false,
        apiVersion: '1.2.2',
        endPoint: 'https://peer.example:443/ocm',
        resourceTypes: [],
        publicKeys: [{ keyId: 'k1', publicKeyPem: 'PEM', algorithm: 'rsa-sha256' }],
      },
      'https://peer.example',
      'peer.example',
      { allowInsecure: false },
    );
    assert.equal(d.endPoint, 'https://peer.example/ocm');
    assert.equal(d.enabled, false);
    assert.deepEqual(d.legacyPublicKey, { keyId: 'k1', publicKeyPem: 'PEM' });
  });
});
