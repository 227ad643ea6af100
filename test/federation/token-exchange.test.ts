import assert from 'node:assert/strict';
import { ocmPost, serverKey } from '../harness/forge.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';
import { loadOfficialSpec } from '../contract/official-spec.ts';

describe('token exchange (code flow) and strict shares', function () {
  this.timeout(30_000);
  let a: TestServer;
  let strict: TestServer;
  let alice: string;
  let bob: string;
  const spec = loadOfficialSpec();

  before(async () => {
    [a, strict] = await Promise.all([
      startTestServer(),
      startTestServer({ env: { MESHWORK_CRITERIA: 'must-exchange-token' } }),
    ]);
    alice = await a.user('alice', 'Alice');
    bob = await strict.user('bob', 'Bob');
  });
  after(async () => Promise.all([a, strict].map((s) => s?.destroy())));

  async function shareAndAccept(): Promise<{ outgoingId: string; incomingId: string; secret: string; noteId: string }> {
    const note = await a.api(alice, 'POST', '/api/v1/note/notes', { title: 'Strict', body: 'secret body' });
    const created = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: note.body.id,
      shareWith: `bob@${strict.host}`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.strict, true, 'the receiver demands must-exchange-token, so the share is strict');
    const incoming = (await strict.engine.shares.listIncoming('bob')).find(
      (s) => s.providerId === created.body.providerId,
    );
    assert.ok(incoming);
    assert.deepEqual(incoming.protocol.protocols.note?.requirements, ['must-exchange-token']);
    await strict.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`);
    return {
      outgoingId: created.body.id,
      incomingId: incoming.id,
      secret: String(incoming.protocol.protocols.note?.sharedSecret),
      noteId: note.body.id,
    };
  }

  it('the receiver reads a strict share with an exchanged token, and the raw secret is refused', async () => {
    const { incomingId, secret, noteId } = await shareAndAccept();
    const read = await strict.api(bob, 'GET', `/api/v1/note/shared/${incomingId}`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.via, 'token');
    const raw = await fetch(`${a.origin}/plugins/note/content/${noteId}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(raw.status, 401);
  });

  it('issues a Bearer token for a signed form-encoded request whose client_id is the signer', async () => {
    const { secret } = await shareAndAccept();
    const key = await serverKey(strict);
    const res = await ocmPost(
      a,
      '/token',
      { grant_type: 'authorization_code', client_id: strict.host, code: secret },
      { key, form: true },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(Number.isInteger(res.body.expires_in), true);
    assert.equal('refresh_token' in res.body, false);
    if (spec) assert.deepEqual(spec.validate('TokenResponse', res.body).errors, []);
  });

  const cases: Array<[string, Record<string, string>, 'strict' | 'a' | 'none', number, string]> = [
    ['missing grant_type', { client_id: 'X', code: 'c' }, 'strict', 400, 'invalid_request'],
    [
      'a wrong grant_type',
      { grant_type: 'password', client_id: 'X', code: 'c' },
      'strict',
      400,
      'unsupported_grant_type',
    ],
    ['missing code', { grant_type: 'authorization_code', client_id: 'X' }, 'strict', 400, 'invalid_request'],
    [
      'an unknown code',
      { grant_type: 'authorization_code', client_id: 'X', code: 'nope' },
      'strict',
      400,
      'invalid_grant',
    ],
    [
      'a client_id that is not the signer',
      { grant_type: 'authorization_code', client_id: 'X', code: 'c' },
      'a',
      401,
      'invalid_client',
    ],
    [
      'an unsigned request from a signing server',
      { grant_type: 'authorization_code', client_id: 'X', code: 'c' },
      'none',
      401,
      'invalid_client',
    ],
  ];
  for (const [what, form, signer, status, error] of cases) {
    it(`answers ${what} with ${status} ${error}`, async () => {
      const body = { ...form };
      if (body.client_id === 'X') body.client_id = strict.host;
      const key = signer === 'none' ? undefined : await serverKey(signer === 'strict' ? strict : a);
      const res = await ocmPost(a, '/token', body, { form: true, ...(key ? { key } : {}) });
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error, error);
    });
  }

  it('a token stops working when the owner unshares', async () => {
    const { outgoingId, secret } = await shareAndAccept();
    const key = await serverKey(strict);
    const tok = await ocmPost(
      a,
      '/token',
      { grant_type: 'authorization_code', client_id: strict.host, code: secret },
      { key, form: true },
    );
    const outgoing = await a.engine.shares.getOutgoing(outgoingId);
    const url = `${a.origin}/plugins/note/content/${outgoing?.resourceId}`;
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${tok.body.access_token}` } })).status, 200);
    await a.api(alice, 'DELETE', `/api/v1/shares/outgoing/${outgoingId}`);
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${tok.body.access_token}` } })).status, 401);
    await eventually(
      async () =>
        (await strict.api(bob, 'GET', '/api/v1/shares/incoming')).body.every(
          (s: any) => s.providerId !== outgoing?.providerId,
        ),
      5000,
      'unshare to reach the receiver',
    );
  });
});
