import assert from 'node:assert/strict';
import { definePlugin, InputError, peerRoutes, type MeshworkPlugin } from '#sdk';
import { signedPost, startFederation, type Federation } from '#sdk/testing';

/** A plugin whose only routes are signed server-to-server ones, declared with the SDK's `peerRoutes`. */
function echoPlugin(seen: Array<{ peer: string; raw: string; body: unknown }>): MeshworkPlugin {
  return definePlugin({
    id: 'echo',
    sdk: '^1.0.0',
    resourceTypes: [],
    serverPrefixes: ['/plugins/echo'],
    async setup(ctx) {
      peerRoutes(ctx, '/plugins/echo/s2s', { limit: '2kb' })
        .post('/echo', (req, res) => {
          seen.push({ peer: req.peerHost, raw: req.rawBody?.toString('utf8') ?? '', body: req.body });
          res.json({ from: req.peerHost, got: req.body });
        })
        .post('/refuse', () => {
          throw new InputError('that will not do', [{ name: 'thing', message: 'INVALID' }]);
        })
        .post('/crash', () => {
          throw new Error('secret internals');
        });
      return {};
    },
  });
}

describe('sdk peerRoutes: signed server-to-server routes without wiring', function () {
  this.timeout(60_000);
  const seen: Array<{ peer: string; raw: string; body: unknown }> = [];
  let fed: Federation;
  before(async () => {
    fed = await startFederation({ servers: 2, plugins: () => [echoPlugin(seen)] });
  });
  after(async () => fed?.close());

  it('hands a signed request to the handler with the verified peer, the parsed body and its exact bytes', async () => {
    const [a, b] = fed.servers as [(typeof fed.servers)[0], (typeof fed.servers)[0]];
    const res = await signedPost(a, b, '/plugins/echo/s2s/echo', { hello: 'world', n: 1 });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { from: a.host, got: { hello: 'world', n: 1 } });
    assert.equal(seen.at(-1)?.raw, JSON.stringify({ hello: 'world', n: 1 }));
  });

  it('refuses unsigned requests before any handler runs', async () => {
    const [, b] = fed.servers as [(typeof fed.servers)[0], (typeof fed.servers)[0]];
    const before = seen.length;
    const res = await signedPost(null, b, '/plugins/echo/s2s/echo', { hello: 'anyone' });
    assert.equal(res.status, 401);
    assert.equal(typeof res.body.code, 'string');
    assert.equal(seen.length, before);
  });

  it('answers errors in OCM shape: thrown input errors, a body over the limit, internals never sent', async () => {
    const [a, b] = fed.servers as [(typeof fed.servers)[0], (typeof fed.servers)[0]];
    const refused = await signedPost(a, b, '/plugins/echo/s2s/refuse', {});
    assert.equal(refused.status, 400);
    assert.equal(refused.body.message, 'that will not do');
    assert.deepEqual(refused.body.validationErrors, [{ name: 'thing', message: 'INVALID' }]);
    const big = await signedPost(a, b, '/plugins/echo/s2s/echo', { pad: 'x'.repeat(4096) });
    assert.equal(big.status, 413);
    const crash = await signedPost(a, b, '/plugins/echo/s2s/crash', {});
    assert.equal(crash.status, 500);
    assert.ok(!JSON.stringify(crash.body).includes('secret internals'));
  });

  it('answers an unknown path with 404 as JSON, and only to a signed caller', async () => {
    const [, b] = fed.servers as [(typeof fed.servers)[0], (typeof fed.servers)[0]];
    const anonymous = await fetch(`${b.origin}/plugins/echo/s2s/nothing-here`, { method: 'POST' });
    assert.equal(anonymous.status, 401, 'unsigned first: nothing is revealed to anonymous callers');
    const [a] = fed.servers as [(typeof fed.servers)[0]];
    const missing = await signedPost(a, b, '/plugins/echo/s2s/nothing-here', {});
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'ROUTE_NOT_FOUND');
  });
});
