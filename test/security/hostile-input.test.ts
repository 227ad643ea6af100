import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

// Inputs the fuzz test found answered with 500, each kept as a plain regression test.
describe('hostile inputs found by fuzzing get a 4xx', function () {
  this.timeout(20_000);
  let s: TestServer;
  let token: string;
  before(async () => {
    s = await startTestServer();
    token = await s.user('alice');
  });
  after(async () => s?.destroy());

  it('user settings named like Object.prototype members (constructor, toString, __proto__) are refused with 400', async () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const r = await fetch(`${s.origin}/api/v1/me/settings`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: `{"${key}":0}`,
      });
      assert.equal(r.status, 400, key);
      assert.equal(((await r.json()) as { code: string }).code, 'SETTINGS_INVALID');
    }
    assert.deepEqual((await s.api(token, 'GET', '/api/v1/me/settings')).body, { autoAcceptShares: false });
  });
});
