import assert from 'node:assert/strict';
import { signRequest } from '../../core/signatures/http-signature.ts';
import type { SigningKey } from '../../core/signatures/key-pair.ts';
import { noteShareBody, serverKey } from '../harness/forge.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

/**
 * The hot path (core/transport/hot-routes.ts) answers `POST /ocm/shares` and `POST /api/v1/shares` without express.
 * Its answers must be express's answers: the same request with a query string (which the hot path leaves to express)
 * is the reference. Express puts an ETag on every JSON answer and the hot path does not: that tells the two apart.
 */
describe('hot routes: share creation answered without express, exactly as express answers it', function () {
  this.timeout(30_000);
  let a: TestServer;
  let b: TestServer;
  let keyA: SigningKey;

  before(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
    await b.user('bob', 'Bob');
    keyA = await serverKey(a);
  });
  after(async () => Promise.all([a, b].map((s) => s?.destroy())));

  async function post(
    s: TestServer,
    path: string,
    raw: Buffer | string,
    headers: Record<string, string>,
    key?: SigningKey,
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const body = Buffer.from(raw);
    const all = { ...headers };
    if (key) Object.assign(all, signRequest({ method: 'POST', url: s.origin + path, headers: all, body }, key));
    const res = await fetch(s.origin + path, { method: 'POST', headers: all, body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }
  const json = { 'content-type': 'application/json' };

  it('takes a signed share from a peer on the hot path, with a request id, as express does', async () => {
    const hot = await post(b, '/ocm/shares', JSON.stringify(noteShareBody(a.host, `bob@${b.host}`)), json, keyA);
    const cold = await post(
      b,
      '/ocm/shares?via=express',
      JSON.stringify(noteShareBody(a.host, `bob@${b.host}`)),
      json,
      keyA,
    );
    assert.equal(hot.status, 201, JSON.stringify(hot.body));
    assert.equal(cold.status, 201, JSON.stringify(cold.body));
    assert.deepEqual(hot.body, cold.body);
    assert.deepEqual(hot.body, { recipientDisplayName: 'Bob', recipientUserId: 'bob' });
    assert.equal(hot.headers.get('etag'), null, 'answered on the hot path');
    assert.ok(cold.headers.get('etag'), 'answered by express');
    assert.match(hot.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(hot.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal((await b.engine.shares.listIncoming('bob')).length, 2);
  });

  it('answers broken and refused bodies in the OCM error shape, the same as express', async () => {
    for (const raw of ['{"shareWith": ', '"a string"', '{}']) {
      const hot = await post(b, '/ocm/shares', raw, json);
      const cold = await post(b, '/ocm/shares?via=express', raw, json);
      assert.equal(hot.status, 400, raw);
      assert.equal(hot.status, cold.status, raw);
      assert.deepEqual(hot.body, cold.body, raw);
      assert.equal(typeof hot.body.message, 'string');
    }
    const forged = await post(b, '/ocm/shares', JSON.stringify(noteShareBody(a.host, `bob@${b.host}`)), {
      ...json,
      'signature-input': 'sig1=("@method");keyid="x";created=1',
      signature: 'sig1=:AAAA:',
    });
    assert.equal(forged.status, 401, JSON.stringify(forged.body));
  });

  it('leaves other content types and an oversized declared length to express', async () => {
    const form = await post(b, '/ocm/shares', 'shareWith=x', { 'content-type': 'text/plain' });
    assert.equal(form.status, 400);
    const big = await post(b, '/ocm/shares', `{"x":"${'y'.repeat(1024 * 1024)}"}`, json);
    assert.equal(big.status, 413);
    assert.equal(big.body.message, 'BODY_TOO_LARGE');
  });

  it('creates a share for a logged-in user on the hot path, and refuses a missing login as express does', async () => {
    const token = await a.user('alice', 'Alice');
    const note = await a.api(token, 'POST', '/api/v1/note/notes', { title: 't', body: 'x' });
    const body = JSON.stringify({ resourceType: 'note', resourceId: note.body.id, shareWith: `bob@${b.host}` });
    const auth = { ...json, authorization: `Bearer ${token}` };
    const hot = await post(a, '/api/v1/shares', body, auth);
    const cold = await post(a, '/api/v1/shares?via=express', body, auth);
    assert.equal(hot.status, 201, JSON.stringify(hot.body));
    assert.equal(cold.status, 201, JSON.stringify(cold.body));
    assert.equal(hot.headers.get('etag'), null);
    assert.equal(hot.body.state, 'pending');
    assert.deepEqual(Object.keys(hot.body).sort(), Object.keys(cold.body).sort());
    const anonymous = await post(a, '/api/v1/shares', body, json);
    const anonymousCold = await post(a, '/api/v1/shares?via=express', body, json);
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.body, anonymousCold.body);
    const broken = await post(a, '/api/v1/shares', '{', auth);
    assert.equal(broken.status, 400);
    assert.deepEqual(broken.body, (await post(a, '/api/v1/shares?via=express', '{', auth)).body);
  });
});
