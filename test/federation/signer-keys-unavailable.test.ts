import assert from 'node:assert/strict';
import { noteShareBody, ocmPost, serverKey } from '../harness/forge.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

/**
 * A receiver that cannot fetch the signer's keys right now answers 502, which the sender retries (its share is
 * queued), not 401 for an unknown key, which the sender takes as a refusal for good. Seen under load in
 * `npm run bench:ocm`: the first share's key fetch failed and the share was refused ("does not accept shares").
 */
describe('a signed request whose signer’s keys cannot be fetched right now', function () {
  this.timeout(30_000);
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  let bob: string;

  before(async () => {
    [a, b, c] = await Promise.all([startTestServer(), startTestServer(), startTestServer()]);
    bob = await b.user('bob', 'Bob');
  });
  after(async () => Promise.all([a, b, c].map((s) => s?.destroy())));

  it('is answered 502 (try again) and stores nothing; an unknown key of a reachable signer stays 401', async () => {
    const keyA = await serverKey(a);
    await a.stop(); // nothing listens on a's port now, and b has not fetched a's keys yet
    const unreachable = await ocmPost(b, '/shares', noteShareBody(a.host, `bob@${b.host}`), { key: keyA });
    assert.equal(unreachable.status, 502, JSON.stringify(unreachable.body));
    assert.match(JSON.stringify(unreachable.body), /cannot be fetched right now/);
    assert.deepEqual((await b.api(bob, 'GET', '/api/v1/shares/incoming')).body, []);

    const keyC = await serverKey(c);
    const unknown = await ocmPost(b, '/shares', noteShareBody(c.host, `bob@${b.host}`), {
      key: { ...keyC, keyId: `${c.host}#not-published` },
    });
    assert.equal(unknown.status, 401, JSON.stringify(unknown.body));
    assert.match(JSON.stringify(unknown.body), /SIGNATURE_UNKNOWN_KEY/);
  });
});
