import assert from 'node:assert/strict';
import { signedPost } from '../../../test/harness/forge.ts';
import { eventually } from '../../../test/harness/test-server.ts';
import { card4 } from '../testing/vcf.ts';
import { newBook, peer, shareAndAccept, VCARD, type Peer } from './testing/nodes.ts';

/**
 * The recipient's server demands the OCM code flow (`must-exchange-token`): the address-book share carries the
 * requirement, the recipient's server pulls and writes with a bearer token exchanged for the secret, and exchanges
 * again when the owner stops taking the token (expiry).
 */
describe('federated address books with a must-exchange-token recipient', function () {
  this.timeout(60_000);
  let a: Peer;
  let b: Peer;
  let book: { id: string; path: string };
  let s: Awaited<ReturnType<typeof shareAndAccept>>;

  before(async () => {
    [a, b] = await Promise.all([peer('alice'), peer('bob', { MESHWORK_CRITERIA: 'must-exchange-token' })]);
    book = await newBook(a, 'Suppliers');
    await a.dav.send('PUT', `${book.path}/one.vcf`, { headers: VCARD, body: card4('one', 'One') });
  });
  after(async () => Promise.all([a, b].map((p) => p?.server.destroy())));

  it('shares and pulls with an exchanged token; the owner refuses the raw secret', async () => {
    s = await shareAndAccept(a, book.id, b, ['read', 'write']);
    await eventually(async () => (await b.dav.send('GET', `${s.copyPath}/one.vcf`)).status === 200, 10_000, 'one');
    const held = await b.server.engine.shares.getIncoming(s.incomingId);
    const arm = held!.protocol.protocols.webdav!;
    assert.deepEqual(arm.requirements, ['must-exchange-token']);
    const raw = await fetch(String(arm.url), {
      method: 'PROPFIND',
      headers: { authorization: `Bearer ${String(arm.sharedSecret)}`, depth: '0' },
    });
    assert.equal(raw.status, 401);
    const tokens = await a.server.engine.database.db.selectFrom('access_tokens').selectAll().execute();
    assert.ok(tokens.length >= 1, 'the recipient exchanged the secret at the owner');
  });

  it('a token the owner no longer takes (expired) is exchanged again for pulls and writes', async () => {
    await a.server.engine.database.db.deleteFrom('access_tokens').execute();
    await a.dav.send('PUT', `${book.path}/two.vcf`, { headers: VCARD, body: card4('two', 'Two') });
    await eventually(async () => (await b.dav.send('GET', `${s.copyPath}/two.vcf`)).status === 200, 10_000, 'two');
    await a.server.engine.database.db.deleteFrom('access_tokens').execute();
    const put = await b.dav.send('PUT', `${s.copyPath}/bob.vcf`, { headers: VCARD, body: card4('bob', 'By Bob') });
    assert.equal(put.status, 201, put.text);
    assert.match((await a.dav.send('GET', `${book.path}/bob.vcf`)).text, /FN:By Bob/);
    const incoming = (await b.server.api(b.token, 'GET', '/api/v1/shares/incoming')).body;
    assert.equal(incoming.find((x: any) => x.id === s.incomingId)?.state, 'accepted');
  });

  it('a share the owner ended without telling: the token and a new exchange are refused, the copy goes', async () => {
    assert.ok(await a.server.engine.shares.setOutgoingState(s.outgoingId, 'unshared'));
    const providerId = (await a.server.engine.shares.getOutgoing(s.outgoingId))!.providerId;
    await signedPost(a.server, b.server, '/ocm/notifications', {
      notificationType: 'SYNC_ADDRESSBOOK',
      resourceType: 'addressbook',
      providerId,
      notification: { shareWith: `bob@${b.server.host}` },
    });
    await eventually(
      async () => (await b.dav.send('PROPFIND', `${s.copyPath}/`, { headers: { depth: '0' } })).status === 404,
      10_000,
      'the copy removed',
    );
    const incoming = (await b.server.api(b.token, 'GET', '/api/v1/shares/incoming')).body;
    assert.equal(
      incoming.find((x: any) => x.id === s.incomingId),
      undefined,
    );
  });
});
