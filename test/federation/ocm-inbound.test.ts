import assert from 'node:assert/strict';
import { loadOfficialSpec } from '../contract/official-spec.ts';
import { noteShareBody, ocmPost, serverKey } from '../harness/forge.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import type { SigningKey } from '../../core/signatures/key-pair.ts';

describe('OCM inbound API: signatures, validation and idempotency (three servers)', function () {
  this.timeout(30_000);
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  let keyA: SigningKey;
  let keyC: SigningKey;
  const spec = loadOfficialSpec();

  before(async function () {
    if (!spec && process.env.CI === 'true')
      throw new Error('official OCM spec.yaml not found (../shared/ocm/spec.yaml)');
    [a, b, c] = await Promise.all([startTestServer(), startTestServer(), startTestServer()]);
    await b.user('bob', 'Bob');
    keyA = await serverKey(a);
    keyC = await serverKey(c);
  });
  after(async () => Promise.all([a, b, c].map((s) => s?.destroy())));

  it('serves a discovery document valid against the official schema, identical at /ocm-provider', async () => {
    const d = await b.api(null, 'GET', '/.well-known/ocm');
    assert.equal(d.status, 200);
    assert.equal(d.body.apiVersion, '1.4.0');
    assert.equal(d.body.endPoint, `${b.origin}/ocm`);
    assert.deepEqual(d.body.capabilities.sort(), [
      'exchange-token',
      'http-sig',
      'invite-wayf',
      'invites',
      'notifications',
      'protocol-object',
    ]);
    assert.ok(d.body.resourceTypes.some((r: any) => r.name === 'note' && r.shareTypes.includes('user')));
    if (spec) assert.deepEqual(spec.validate('Discovery', d.body).errors, []);
    const legacy = await b.api(null, 'GET', '/ocm-provider');
    assert.deepEqual(legacy.body, d.body);
    const jwks = await b.api(null, 'GET', '/ocm/jwks');
    assert.equal(jwks.body.keys[0].kid, `${b.host}#key1`);
    assert.equal(jwks.body.keys[0].crv, 'Ed25519');
    assert.deepEqual((await b.api(null, 'GET', '/.well-known/jwks.json')).body, jwks.body);
  });

  it('accepts a correctly signed share once, however often it is delivered', async () => {
    const body = noteShareBody(a.host, `bob@${b.host}`);
    if (spec) assert.deepEqual(spec.validate('NewShare', body).errors, []);
    const first = await ocmPost(b, '/shares', body, { key: keyA });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.recipientDisplayName, 'Bob');
    const again = await ocmPost(b, '/shares', body, { key: keyA });
    assert.equal(again.status, 201);
    const stored = await b.engine.shares.listIncoming('bob');
    assert.equal(stored.filter((s) => s.providerId === body.providerId).length, 1);
  });

  it('accepts the legacy `options` protocol form and the single-protocol form', async () => {
    for (const protocol of [
      { name: 'note', options: { sharedSecret: 'x1', permissions: 'read' } },
      { name: 'note', note: { uri: 'n', sharedSecret: 'x2', permissions: ['read'] } },
    ]) {
      const res = await ocmPost(b, '/shares', noteShareBody(a.host, `bob@${b.host}`, { protocol }), { key: keyA });
      assert.equal(res.status, 201, `${JSON.stringify(protocol)} -> ${JSON.stringify(res.body)}`);
    }
  });

  const rejections: Array<[string, () => Promise<{ status: number; body: any }>, number, string?]> = [
    [
      'a share signed by another server than its sender (wrong authority)',
      async () => ocmPost(b, '/shares', noteShareBody(a.host, `bob@${b.host}`), { key: keyC }),
      401,
      'SIGNATURE_WRONG_AUTHORITY',
    ],
    [
      'a share whose owner is not on the signing server',
      async () =>
        ocmPost(b, '/shares', noteShareBody(a.host, `bob@${b.host}`, { owner: `eve@${c.host}` }), { key: keyA }),
      403,
      'OWNER_PROVIDER_MISMATCH',
    ],
    [
      'an unsigned share claiming a sender whose server signs',
      async () => ocmPost(b, '/shares', noteShareBody(a.host, `bob@${b.host}`)),
      401,
      'SIGNATURE_REQUIRED',
    ],
    [
      'a share whose body was changed after signing',
      async () =>
        ocmPost(b, '/shares', noteShareBody(a.host, `bob@${b.host}`), {
          key: keyA,
          tamper: (_h, raw) => Buffer.from(raw.toString().replace('forged.txt', 'forgex.txt')),
        }),
      401,
      'SIGNATURE_DIGEST_MISMATCH',
    ],
    [
      'a share signed too long ago (replay outside the window)',
      async () =>
        ocmPost(b, '/shares', noteShareBody(a.host, `bob@${b.host}`), {
          key: keyA,
          created: Math.floor(Date.now() / 1000) - 3600,
        }),
      401,
      'SIGNATURE_STALE',
    ],
    [
      'a share with two ocm-tagged signatures',
      async () =>
        ocmPost(b, '/shares', noteShareBody(a.host, `bob@${b.host}`), {
          key: keyA,
          tamper: (h, raw) => {
            h['signature-input'] = `${h['signature-input']}, ${h['signature-input']?.replace(/^sig1/, 'sig2')}`;
            h.signature = `${h.signature}, ${h.signature?.replace(/^sig1/, 'sig2')}`;
            return raw;
          },
        }),
      401,
      'SIGNATURE_DUPLICATE_OCM',
    ],
    ['a share missing required fields', async () => ocmPost(b, '/shares', { name: 'x' }, { key: keyA }), 400],
    [
      'a share for an unknown user',
      async () => ocmPost(b, '/shares', noteShareBody(a.host, `nobody@${b.host}`), { key: keyA }),
      400,
    ],
    [
      'a share of an unknown resource type',
      async () =>
        ocmPost(b, '/shares', noteShareBody(a.host, `bob@${b.host}`, { resourceType: 'spaceship' }), { key: keyA }),
      501,
    ],
    [
      'a share of an unsupported share type',
      async () => ocmPost(b, '/shares', noteShareBody(a.host, `bob@${b.host}`, { shareType: 'group' }), { key: keyA }),
      501,
    ],
    [
      'a share over a protocol the resource type does not speak',
      async () =>
        ocmPost(
          b,
          '/shares',
          noteShareBody(a.host, `bob@${b.host}`, { protocol: { name: 'multi', ssh: { uri: 'x@y:/z' } } }),
          { key: keyA },
        ),
      501,
    ],
    [
      'a share with an unknown requirement',
      async () =>
        ocmPost(
          b,
          '/shares',
          noteShareBody(a.host, `bob@${b.host}`, {
            protocol: {
              name: 'multi',
              note: { uri: 'n', sharedSecret: 's', permissions: ['read'], requirements: ['must-dance'] },
            },
          }),
          { key: keyA },
        ),
      400,
      'UNKNOWN_REQUIREMENT',
    ],
    [
      'a notification about a share the signer has nothing to do with',
      async () =>
        ocmPost(
          b,
          '/notifications',
          { notificationType: 'SHARE_UNSHARED', resourceType: 'note', providerId: 'does-not-exist' },
          { key: keyC },
        ),
      400,
      'RESOURCE_NOT_FOUND',
    ],
    [
      'a body that is not JSON',
      async () => {
        const res = await fetch(`${b.origin}/ocm/shares`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"oops',
        });
        return { status: res.status, body: await res.json() };
      },
      400,
    ],
  ];
  for (const [what, send, status, code] of rejections) {
    it(`rejects ${what} with ${status}${code ? ` ${code}` : ''}`, async () => {
      const res = await send();
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(typeof res.body.message, 'string');
      if (code) assert.equal(res.body.message, code);
      if (spec) assert.deepEqual(spec.validate('Error', res.body).errors, []);
      if (status === 400 && !code && res.body.validationErrors)
        assert.ok(res.body.validationErrors.every((v: any) => typeof v.name === 'string'));
    });
  }

  it('a forged SHARE_UNSHARED from a third server cannot remove a real share', async () => {
    const body = noteShareBody(a.host, `bob@${b.host}`);
    assert.equal((await ocmPost(b, '/shares', body, { key: keyA })).status, 201);
    const forged = await ocmPost(
      b,
      '/notifications',
      { notificationType: 'SHARE_UNSHARED', resourceType: 'note', providerId: body.providerId },
      { key: keyC },
    );
    assert.equal(forged.status, 400);
    const share = (await b.engine.shares.listIncoming('bob')).find((s) => s.providerId === body.providerId);
    assert.equal(share?.state, 'pending');
    const real = await ocmPost(
      b,
      '/notifications',
      { notificationType: 'SHARE_UNSHARED', resourceType: 'note', providerId: body.providerId },
      { key: keyA },
    );
    assert.equal(real.status, 201);
    assert.equal(
      (await b.engine.shares.listIncoming('bob')).find((s) => s.providerId === body.providerId)?.state,
      'removed',
    );
  });
});
