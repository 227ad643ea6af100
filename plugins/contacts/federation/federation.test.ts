import assert from 'node:assert/strict';
import { eventually } from '../../../test/harness/test-server.ts';
import { card4 } from '../testing/vcf.ts';
import { signedPost } from '../../../test/harness/forge.ts';
import { newBook, peer, shareAndAccept, VCARD, type Peer } from './testing/nodes.ts';

/** Two Meshwork servers: alice on A shares address books with bob on B; bob's CardDAV home holds the copies. */
describe('federated address books: two servers', function () {
  this.timeout(60_000);
  let a: Peer;
  let b: Peer;

  before(async () => {
    [a, b] = await Promise.all([peer('alice'), peer('bob')]);
  });
  after(async () => Promise.all([a, b].map((p) => p?.server.destroy())));

  it('a read share: the copy is listed, follows the owner, refuses writes with need-privileges, goes on unshare', async () => {
    const book = await newBook(a, 'Team');
    assert.equal(
      (await a.dav.send('PUT', `${book.path}/one.vcf`, { headers: VCARD, body: card4('one', 'One') })).status,
      201,
    );
    const s = await shareAndAccept(a, book.id, b, ['read']);
    const home = await b.dav.list('/dav/addressbooks/bob/');
    assert.ok(home.hrefs.includes(`${s.copyPath}/`), home.text);
    await eventually(async () => (await b.dav.send('GET', `${s.copyPath}/one.vcf`)).status === 200, 10_000, 'one.vcf');
    assert.match((await b.dav.send('GET', `${s.copyPath}/one.vcf`)).text, /FN:One/);

    // A change on the owner's side arrives through SYNC_ADDRESSBOOK.
    await a.dav.send('PUT', `${book.path}/two.vcf`, { headers: VCARD, body: card4('two', 'Two') });
    await a.dav.send('DELETE', `${book.path}/one.vcf`);
    await eventually(
      async () =>
        (await b.dav.send('GET', `${s.copyPath}/two.vcf`)).status === 200 &&
        (await b.dav.send('GET', `${s.copyPath}/one.vcf`)).status === 404,
      15_000,
      'the change on B',
    );

    const put = await b.dav.send('PUT', `${s.copyPath}/three.vcf`, { headers: VCARD, body: card4('three', 'Three') });
    assert.equal(put.status, 403);
    assert.match(put.text, /need-privileges/);
    assert.equal((await a.dav.send('GET', `${book.path}/three.vcf`)).status, 404);

    assert.ok((await a.server.api(a.token, 'DELETE', `/api/v1/shares/outgoing/${s.outgoingId}`)).status < 300);
    await eventually(
      async () => (await b.dav.send('PROPFIND', `${s.copyPath}/`, { headers: { depth: '0' } })).status === 404,
      15_000,
      'the copy removed',
    );
  });
});

describe('federated address books: writes through the owner', function () {
  this.timeout(60_000);
  let a: Peer;
  let b: Peer;
  let aDown = false;

  before(async () => {
    [a, b] = await Promise.all([peer('alice'), peer('bob')]);
  });
  after(async () => Promise.all([...(aDown ? [] : [a]), b].map((p) => p?.server.destroy())));

  it('a read-write share: CardDAV writes go to the owner first, with If-Match; a stale ETag is 412', async () => {
    const book = await newBook(a, 'Family');
    await a.dav.send('PUT', `${book.path}/one.vcf`, { headers: VCARD, body: card4('one', 'One') });
    const s = await shareAndAccept(a, book.id, b, ['read', 'write']);
    await eventually(async () => (await b.dav.send('GET', `${s.copyPath}/one.vcf`)).status === 200, 10_000, 'one');
    const props = await b.dav.send('PROPFIND', `${s.copyPath}/`, {
      headers: { depth: '0', 'content-type': 'application/xml' },
      body: '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-privilege-set/></d:prop></d:propfind>',
    });
    assert.match(props.text, /<d:write\/>/);

    const created = await b.dav.send('PUT', `${s.copyPath}/new.vcf`, {
      headers: { ...VCARD, 'if-none-match': '*' },
      body: card4('new', 'From Bob'),
    });
    assert.equal(created.status, 201, created.text);
    assert.match((await a.dav.send('GET', `${book.path}/new.vcf`)).text, /FN:From Bob/);

    const etag = String((await b.dav.send('GET', `${s.copyPath}/one.vcf`)).headers.get('etag'));
    // The owner changes the card meanwhile: bob's write with his (now stale) ETag reaches the owner as a 412.
    await a.dav.send('PUT', `${book.path}/one.vcf`, { headers: VCARD, body: card4('one', 'Changed by Alice') });
    const stale = await b.dav.send('PUT', `${s.copyPath}/one.vcf`, {
      headers: { ...VCARD, 'if-match': etag },
      body: card4('one', 'Changed by Bob'),
    });
    assert.equal(stale.status, 412, stale.text);
    assert.match((await a.dav.send('GET', `${book.path}/one.vcf`)).text, /FN:Changed by Alice/);

    await eventually(
      async () => /Changed by Alice/.test((await b.dav.send('GET', `${s.copyPath}/one.vcf`)).text),
      15_000,
      'the owner change on B',
    );
    assert.equal((await b.dav.send('DELETE', `${s.copyPath}/new.vcf`)).status, 204);
    assert.equal((await a.dav.send('GET', `${book.path}/new.vcf`)).status, 404);

    // Owner down: 503 with a clear DAV error, nothing stored on B.
    await a.server.destroy();
    aDown = true;
    const down = await b.dav.send('PUT', `${s.copyPath}/later.vcf`, { headers: VCARD, body: card4('later', 'Later') });
    assert.equal(down.status, 503, down.text);
    assert.match(down.text, /ADDRESSBOOK_OWNER_UNREACHABLE/);
    assert.match(down.text, /cannot be reached/);
    assert.equal((await b.dav.send('GET', `${s.copyPath}/later.vcf`)).status, 404);
    assert.equal((await b.dav.send('GET', `${s.copyPath}/one.vcf`)).status, 200);
  });
});

describe('federated address books: permission changes and revocation', function () {
  this.timeout(60_000);
  let a: Peer;
  let b: Peer;
  const privileges = async (path: string) =>
    (
      await b.dav.send('PROPFIND', `${path}/`, {
        headers: { depth: '0', 'content-type': 'application/xml' },
        body: '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-privilege-set/></d:prop></d:propfind>',
      })
    ).text;

  before(async () => {
    [a, b] = await Promise.all([peer('alice'), peer('bob')]);
  });
  after(async () => Promise.all([a, b].map((p) => p?.server.destroy())));

  it('a downgrade to read-only reaches the copy at once: no write privilege, a write is refused with need-privileges', async () => {
    const book = await newBook(a, 'Staff');
    await a.dav.send('PUT', `${book.path}/one.vcf`, { headers: VCARD, body: card4('one', 'One') });
    const s = await shareAndAccept(a, book.id, b, ['read', 'write']);
    await eventually(async () => (await b.dav.send('GET', `${s.copyPath}/one.vcf`)).status === 200, 10_000, 'one');
    assert.match(await privileges(s.copyPath), /<d:write\/>/);

    const down = await a.server.api(a.token, 'PATCH', `/api/v1/shares/outgoing/${s.outgoingId}`, {
      permissions: ['read'],
    });
    assert.equal(down.status, 200, JSON.stringify(down.body));
    // No write is attempted: the change itself reaches bob's server and his clients see a read-only book.
    await eventually(async () => !/<d:write\/>/.test(await privileges(s.copyPath)), 10_000, 'the copy read-only');
    const put = await b.dav.send('PUT', `${s.copyPath}/two.vcf`, { headers: VCARD, body: card4('two', 'Two') });
    assert.equal(put.status, 403, put.text);
    assert.match(put.text, /need-privileges/);
    assert.equal((await a.dav.send('GET', `${book.path}/two.vcf`)).status, 404);
  });

  it('a revocation seen only as 401 on the next pull removes that copy and nothing else', async () => {
    const own = await newBook(b, 'Mine');
    await b.dav.send('PUT', `${own.path}/me.vcf`, { headers: VCARD, body: card4('me', 'Me') });
    const [gone, kept] = [await newBook(a, 'Gone'), await newBook(a, 'Kept')];
    await a.dav.send('PUT', `${gone.path}/g.vcf`, { headers: VCARD, body: card4('g', 'G') });
    await a.dav.send('PUT', `${kept.path}/k.vcf`, { headers: VCARD, body: card4('k', 'K') });
    const sGone = await shareAndAccept(a, gone.id, b, ['read']);
    const sKept = await shareAndAccept(a, kept.id, b, ['read']);
    await eventually(async () => (await b.dav.send('GET', `${sGone.copyPath}/g.vcf`)).status === 200, 10_000, 'g');
    await eventually(async () => (await b.dav.send('GET', `${sKept.copyPath}/k.vcf`)).status === 200, 10_000, 'k');

    // The owner's server ends the share without telling bob's (its SHARE_UNSHARED lost, as with Nextcloud's calendars).
    assert.ok(await a.server.engine.shares.setOutgoingState(sGone.outgoingId, 'unshared'));
    // A later change announced by the owner makes bob's server pull: the owner answers 401.
    const sync = await signedPost(a.server, b.server, '/ocm/notifications', {
      notificationType: 'SYNC_ADDRESSBOOK',
      resourceType: 'addressbook',
      providerId: (await a.server.engine.shares.getOutgoing(sGone.outgoingId))!.providerId,
      notification: { sharedSecret: 'unknown', shareWith: `bob@${b.server.host}` },
    });
    assert.ok(sync.status < 300 || sync.status === 400, JSON.stringify(sync.body));
    await eventually(
      async () => (await b.dav.send('PROPFIND', `${sGone.copyPath}/`, { headers: { depth: '0' } })).status === 404,
      10_000,
      'the revoked copy gone',
    );
    const incoming = (await b.server.api(b.token, 'GET', '/api/v1/shares/incoming')).body;
    // The share ended as an unshare would end it: it is no longer in bob's inbox.
    assert.equal(
      incoming.find((x: any) => x.id === sGone.incomingId),
      undefined,
    );
    // Nothing else is lost: the other copy and bob's own book stay as they were.
    assert.equal((await b.dav.send('GET', `${sKept.copyPath}/k.vcf`)).status, 200);
    assert.equal((await b.dav.send('GET', `${own.path}/me.vcf`)).status, 200);
    assert.equal(incoming.find((x: any) => x.id === sKept.incomingId)?.state, 'accepted');
  });
});
