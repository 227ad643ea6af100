import assert from 'node:assert/strict';
import { filesPlugin } from '../../plugins/files/index.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

describe('a user changes their own password (POST /api/v1/me/password)', function () {
  this.timeout(30_000);
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer({ plugins: [filesPlugin()] });
  });
  afterEach(async () => s.destroy());

  const change = (token: string, body: unknown) => s.api(token, 'POST', '/api/v1/me/password', body);

  it('refuses missing, short and unchanged passwords with 400 naming the field, and a wrong current one with 403', async () => {
    const token = await s.user('alice');
    const missing = await change(token, { newPassword: 'long-enough-pw' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.validationErrors, [{ name: 'currentPassword', message: 'REQUIRED' }]);
    const short = await change(token, { currentPassword: 'alice-password', newPassword: 'short' });
    assert.equal(short.status, 400);
    assert.deepEqual(short.body.validationErrors, [{ name: 'newPassword', message: 'TOO_SHORT' }]);
    const same = await change(token, { currentPassword: 'alice-password', newPassword: 'alice-password' });
    assert.equal(same.status, 400);
    assert.equal(same.body.validationErrors[0].message, 'UNCHANGED');
    const wrong = await change(token, { currentPassword: 'not-it-at-all', newPassword: 'long-enough-pw' });
    assert.equal(wrong.status, 403, 'not 401: the session is fine and the app must not log out');
    assert.equal(wrong.body.code, 'WRONG_PASSWORD');
    assert.equal((await s.api(token, 'GET', '/api/v1/me')).status, 200);
    assert.equal(
      (await s.api(null, 'POST', '/api/v1/auth/login', { username: 'alice', password: 'alice-password' })).status,
      200,
    );
  });

  it('changes it: the old one stops everywhere at once (also cached Basic on WebDAV), other sessions end, this one stays', async () => {
    const mine = await s.user('alice');
    const other = await s.user('alice');
    // A sync client's Basic credentials, checked (and cached) before the change.
    const dav = (auth: string) =>
      fetch(`${s.origin}/dav/files/alice/`, { method: 'PROPFIND', headers: { authorization: auth, depth: '0' } });
    assert.equal((await dav(basic('alice', 'alice-password'))).status, 207);
    assert.equal(
      (await change(mine, { currentPassword: 'alice-password', newPassword: 'a-new-password' })).status,
      204,
    );
    assert.equal((await dav(basic('alice', 'alice-password'))).status, 401, 'the cached old password is dead');
    assert.equal((await dav(basic('alice', 'a-new-password'))).status, 207);
    assert.equal((await s.api(mine, 'GET', '/api/v1/me')).status, 200);
    assert.equal((await s.api(other, 'GET', '/api/v1/me')).status, 401);
    const old = await s.api(null, 'POST', '/api/v1/auth/login', { username: 'alice', password: 'alice-password' });
    assert.equal(old.status, 401);
    const fresh = await s.api(null, 'POST', '/api/v1/auth/login', { username: 'alice', password: 'a-new-password' });
    assert.equal(fresh.status, 200);
  });

  it('with Basic instead of a session, every session of the user ends', async () => {
    const session = await s.user('alice');
    const r = await fetch(`${s.origin}/api/v1/me/password`, {
      method: 'POST',
      headers: { authorization: basic('alice', 'alice-password'), 'content-type': 'application/json' },
      body: JSON.stringify({ currentPassword: 'alice-password', newPassword: 'a-new-password' }),
    });
    assert.equal(r.status, 204);
    assert.equal((await s.api(session, 'GET', '/api/v1/me')).status, 401);
  });
});
