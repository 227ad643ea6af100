import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

describe('client API: sessions, identity and abuse limits', function () {
  this.timeout(30_000);
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s?.destroy());

  it('logs in, reports the OCM address, and logs out (the token stops working)', async () => {
    const token = await s.user('gina', 'Gina');
    const me = await s.api(token, 'GET', '/api/v1/me');
    assert.deepEqual(me.body, {
      id: 'gina',
      displayName: 'Gina',
      email: null,
      address: `gina@${s.host}`,
      server: s.host,
      // The web app shows the pages of these plugins only.
      plugins: ['note'],
    });
    assert.equal((await s.api(token, 'POST', '/api/v1/auth/logout')).status, 204);
    assert.equal((await s.api(token, 'GET', '/api/v1/me')).status, 401);
  });

  it('answers a wrong password and missing fields with 401/400, never 500', async () => {
    await s.user('hank');
    assert.equal(
      (await s.api(null, 'POST', '/api/v1/auth/login', { username: 'hank', password: 'wrong-password' })).status,
      401,
    );
    assert.equal((await s.api(null, 'POST', '/api/v1/auth/login', { username: 'hank' })).status, 400);
    assert.equal((await s.api(null, 'POST', '/api/v1/auth/login', 'not json')).status, 400);
  });

  it('throttles password guessing per username (details in test/security/password-throttle.test.ts)', async () => {
    await s.user('ivy');
    for (let i = 0; i < 10; i++)
      await s.api(null, 'POST', '/api/v1/auth/login', { username: 'ivy', password: `guess-${i}` });
    const blocked = await s.api(null, 'POST', '/api/v1/auth/login', { username: 'ivy', password: 'ivy-password' });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.code, 'TOO_MANY_ATTEMPTS');
    assert.equal(
      (await s.api(null, 'POST', '/api/v1/auth/login', { username: 'hank', password: 'hank-password' })).status,
      200,
      'other users are unaffected',
    );
  });

  it('answers unknown routes with 404 JSON and refuses oversized bodies with 413', async () => {
    const res = await s.api(null, 'GET', '/api/v1/nope');
    assert.equal(res.status, 401, 'API routes need a session first');
    const token = await s.user('jo');
    const notFound = await s.api(token, 'GET', '/api/v1/nope');
    assert.equal(notFound.status, 404);
    const big = await s.api(token, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      pad: 'x'.repeat(2 * 1024 * 1024),
    });
    assert.equal(big.status, 413);
  });
});
