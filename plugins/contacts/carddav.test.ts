import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../test/harness/test-server.ts';
import { basicFor, davClient } from '../../test/harness/dav-test-client.ts';
import { contactsPlugin } from './index.ts';
import { card3, card4 } from './testing/vcf.ts';

const C = 'urn:ietf:params:xml:ns:carddav';
const PROPFIND = (props: string) =>
  `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="${C}" xmlns:cs="http://calendarserver.org/ns/"><d:prop>${props}</d:prop></d:propfind>`;

describe('contacts: CardDAV at /dav/addressbooks/<user>/', function () {
  this.timeout(30_000);
  let s: TestServer;
  let dav: ReturnType<typeof davClient>;
  const H = '/dav/addressbooks/ann';
  const B = `${H}/contacts`;
  const put = (path: string, body: string, headers: Record<string, string> = {}) =>
    dav.send('PUT', path, { body, headers: { 'content-type': 'text/vcard; charset=utf-8', ...headers } });

  before(async () => {
    s = await startTestServer({ plugins: [contactsPlugin({ limits: { maxBytes: 64 * 1024, maxPhotoBytes: 4096 } })] });
    await s.user('ann');
    await s.user('ben');
    dav = davClient(s.origin, basicFor('ann'));
  });
  after(async () => s?.destroy());

  it('discovers the principal and home through /.well-known/carddav', async () => {
    const wk = await fetch(`${s.origin}/.well-known/carddav`, { method: 'PROPFIND', redirect: 'manual' });
    assert.equal(wk.status, 301);
    assert.equal(wk.headers.get('location'), '/dav/principals/');
    const r = await dav.send('PROPFIND', '/dav/addressbooks/', {
      headers: { depth: '0' },
      body: PROPFIND('<d:current-user-principal/>'),
    });
    assert.equal(r.status, 207);
    assert.match(r.text, /<d:current-user-principal><d:href>\/dav\/principals\/ann\/<\/d:href>/);
    const p = await dav.send('PROPFIND', `${H}/`, {
      headers: { depth: '0' },
      body: PROPFIND('<c:addressbook-home-set/><d:principal-URL/><d:resourcetype/>'),
    });
    // The home was the principal URL before the shared one: configured clients still find their home there.
    assert.match(p.text, /addressbook-home-set[^>]*><d:href>\/dav\/addressbooks\/ann\/<\/d:href>/);
    assert.match(p.text, /<d:principal-URL><d:href>\/dav\/principals\/ann\/<\/d:href>/);
    assert.match(p.headers.get('dav') ?? '', /addressbook/);
    assert.equal((await davClient(s.origin, '').send('PROPFIND', `${H}/`)).status, 401);
    const other = await davClient(s.origin, basicFor('ben')).send('PROPFIND', `${H}/`, { headers: { depth: '0' } });
    assert.equal(other.status, 403);
  });

  it('lists the default address book with its CardDAV properties', async () => {
    const r = await dav.send('PROPFIND', `${H}/`, {
      headers: { depth: '1' },
      body: PROPFIND(
        '<d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/><c:supported-address-data/><d:current-user-privilege-set/><d:supported-report-set/>',
      ),
    });
    assert.equal(r.status, 207);
    assert.ok(r.text.includes('<d:href>/dav/addressbooks/ann/contacts/</d:href>'), r.text);
    assert.match(r.text, /<x:addressbook xmlns:x="urn:ietf:params:xml:ns:carddav"\/>/);
    assert.match(r.text, /version="3.0"/);
    assert.match(r.text, /<d:write\/>/);
    assert.match(r.text, /addressbook-multiget/);
    assert.match(r.text, /sync-collection/);
    assert.match(r.text, /getctag[^>]*>http:\/\/sabre.io\/ns\/sync\/\d+</);
  });

  it('creates an address book with extended MKCOL and changes it with PROPPATCH', async () => {
    const mk = await dav.send('MKCOL', `${H}/work/`, {
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:c="${C}"><d:set><d:prop><d:resourcetype><d:collection/><c:addressbook/></d:resourcetype><d:displayname>Work</d:displayname><c:addressbook-description>Colleagues</c:addressbook-description></d:prop></d:set></d:mkcol>`,
    });
    assert.equal(mk.status, 201, mk.text);
    assert.equal((await dav.send('MKCOL', `${H}/work/`)).status, 405);
    const pp = await dav.send('PROPPATCH', `${H}/work/`, {
      body: `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:c="${C}"><d:set><d:prop><d:displayname>Team</d:displayname></d:prop></d:set><d:remove><d:prop><c:addressbook-description/></d:prop></d:remove></d:propertyupdate>`,
    });
    assert.equal(pp.status, 207);
    const r = await dav.send('PROPFIND', `${H}/work/`, {
      headers: { depth: '0' },
      body: PROPFIND('<d:displayname/><c:addressbook-description/>'),
    });
    assert.match(r.text, /<d:displayname>Team<\/d:displayname>/);
    assert.match(r.text, /404/);
    assert.equal((await dav.send('DELETE', `${H}/work/`)).status, 204);
  });

  it('stores vCard 3.0 and 4.0 byte for byte and serves them with strong ETags', async () => {
    const v3 = card3(
      'apple-1',
      'Bob Builder',
      'EMAIL;type=INTERNET;type=HOME;type=pref:bob@example.org',
      'item1.X-ABLabel:_$!<Other>!$_',
    );
    const v4 = card4(
      'urn:uuid:2',
      'Carol Chen',
      'EMAIL;TYPE=work:carol@example.org',
      'TEL;VALUE=uri;TYPE=cell:tel:+1-555-0100',
    );
    const a = await put(`${B}/a.vcf`, v3, { 'if-none-match': '*' });
    assert.equal(a.status, 201);
    const etag = a.headers.get('etag') ?? '';
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    assert.equal((await put(`${B}/b.vcf`, v4)).status, 201);
    const g = await dav.send('GET', `${B}/a.vcf`);
    assert.equal(g.text, v3);
    assert.equal(g.headers.get('etag'), etag);
    assert.match(g.headers.get('content-type') ?? '', /^text\/vcard/);
    assert.equal((await dav.send('GET', `${B}/b.vcf`)).text, v4);
    assert.equal((await put(`${B}/a.vcf`, v3, { 'if-match': '"nope"' })).status, 412);
    assert.equal((await put(`${B}/a.vcf`, v3, { 'if-none-match': '*' })).status, 412);
  });

  it('refuses bad cards with the RFC 6352 preconditions, never a 500', async () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['not a vcard at all', {}, /valid-address-data/],
      ['BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\nEND:VCARD\r\n', {}, /valid-address-data/],
      ['BEGIN:VCARD\r\nVERSION:2.1\r\nFN:x\r\nUID:y\r\nEND:VCARD\r\n', {}, /supported-address-data/],
      [card4('z', 'Z'), { 'content-type': 'application/json' }, /supported-address-data/],
      [card4('z', 'Z') + card4('z2', 'Z2'), {}, /valid-address-data/],
      [card4('big', 'Big', `NOTE:${'x'.repeat(70_000)}`), {}, /max-resource-size/],
      [card4('pic', 'Pic', `PHOTO:data:image/jpeg;base64,${'A'.repeat(8000)}`), {}, /max-resource-size/],
      [Buffer.from([0xff, 0xfe, 0x00]).toString('latin1'), {}, /valid-address-data/],
    ];
    for (const [body, headers, cond] of cases) {
      const r = await put(`${B}/bad.vcf`, body, headers);
      assert.equal(r.status, 403, `${r.status} ${r.text}`);
      assert.match(r.text, cond);
    }
    const clash = await put(`${B}/dup.vcf`, card3('apple-1', 'Bob Again'));
    assert.equal(clash.status, 403);
    assert.match(clash.text, /no-uid-conflict[^>]*><d:href>\/dav\/addressbooks\/ann\/contacts\/a.vcf<\/d:href>/);
    assert.equal((await dav.send('GET', `${B}/bad.vcf`)).status, 404);
    const photo = await put(`${B}/url-photo.vcf`, card4('p2', 'Pic', 'PHOTO:https://example.org/p.jpg'));
    assert.equal(photo.status, 201, 'a photo by URI is fine');
  });

  it('converts between vCard 3.0 and 4.0 when the client asks', async () => {
    const g4 = await dav.send('GET', `${B}/a.vcf`, { headers: { accept: 'text/vcard; version=4.0' } });
    assert.match(g4.text, /^VERSION:4.0\r$/m);
    assert.match(g4.headers.get('content-type') ?? '', /version=4.0/);
    const g3 = await dav.send('GET', `${B}/b.vcf`, { headers: { accept: 'text/vcard;version=3.0' } });
    assert.match(g3.text, /^VERSION:3.0\r$/m);
    assert.match(g3.text, /^TEL;TYPE=cell:\+1-555-0100\r$/m);
    assert.match(g3.text, /^N:;;;;\r$/m);
    const m = await dav.send('REPORT', `${B}/`, {
      headers: { depth: '1' },
      body: `<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="${C}"><d:prop><d:getetag/><c:address-data content-type="text/vcard" version="4.0"><c:prop name="FN"/><c:prop name="EMAIL"/></c:address-data></d:prop><d:href>${B}/a.vcf</d:href><d:href>${B}/missing.vcf</d:href></c:addressbook-multiget>`,
    });
    assert.equal(m.status, 207);
    assert.match(m.text, /VERSION:4.0/);
    assert.match(m.text, /FN:Bob Builder/);
    assert.match(m.text, /EMAIL;TYPE=home;PREF=1:bob@example.org/);
    assert.doesNotMatch(m.text, /X-ABLabel/);
    assert.match(m.text, /missing.vcf<\/d:href><d:status>HTTP\/1.1 404/);
  });

  it('answers addressbook-query text-matches on names, emails, phones and CLOUD', async () => {
    await put(`${B}/dan.vcf`, card4('dan', 'Dan Dör', 'CLOUD:dan@cloud.example.net', 'TEL:+44 20 7946 0018'));
    const q = async (filter: string, extra = '') => {
      const r = await dav.send('REPORT', `${B}/`, {
        headers: { depth: '1' },
        body: `<c:addressbook-query xmlns:d="DAV:" xmlns:c="${C}"><d:prop><d:getetag/></d:prop><c:filter ${extra}>${filter}</c:filter></c:addressbook-query>`,
      });
      assert.equal(r.status, 207, r.text);
      return [...r.text.matchAll(/contacts\/([^<]+)\.vcf<\/d:href><d:propstat/g)].map((x) => x[1]).sort();
    };
    assert.deepEqual(await q('<c:prop-filter name="FN"><c:text-match>bo</c:text-match></c:prop-filter>'), ['a']);
    assert.deepEqual(
      await q(
        '<c:prop-filter name="EMAIL"><c:text-match match-type="ends-with">example.org</c:text-match></c:prop-filter>',
      ),
      ['a', 'b'],
    );
    assert.deepEqual(await q('<c:prop-filter name="TEL"><c:text-match>7946</c:text-match></c:prop-filter>'), ['dan']);
    assert.deepEqual(
      await q('<c:prop-filter name="CLOUD"><c:text-match match-type="starts-with">dan@</c:text-match></c:prop-filter>'),
      ['dan'],
    );
    assert.deepEqual(
      await q(
        '<c:prop-filter name="FN"><c:text-match collation="i;unicode-casemap">DÖR</c:text-match></c:prop-filter>',
      ),
      ['dan'],
    );
    assert.deepEqual(
      await q(
        '<c:prop-filter name="FN"><c:text-match>bob</c:text-match></c:prop-filter><c:prop-filter name="CLOUD"><c:text-match>cloud</c:text-match></c:prop-filter>',
      ),
      ['a', 'dan'],
    );
    assert.deepEqual(
      await q(
        '<c:prop-filter name="EMAIL"><c:text-match>example</c:text-match></c:prop-filter><c:prop-filter name="TEL"/>',
        'test="allof"',
      ),
      ['b'],
    );
    assert.deepEqual(await q('<c:prop-filter name="CLOUD"><c:is-not-defined/></c:prop-filter>'), [
      'a',
      'b',
      'url-photo',
    ]);
    const bad = await dav.send('REPORT', `${B}/`, {
      body: `<c:addressbook-query xmlns:d="DAV:" xmlns:c="${C}"><c:filter><c:prop-filter name="FN"><c:text-match collation="i;klingon">x</c:text-match></c:prop-filter></c:filter></c:addressbook-query>`,
    });
    assert.equal(bad.status, 403);
    assert.match(bad.text, /supported-collation/);
  });

  it('reports changes with sync-collection and deletes cards', async () => {
    const sync = (token: string) =>
      dav.send('REPORT', `${B}/`, {
        body: `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`,
      });
    const first = await sync('');
    const token = /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(first.text)?.[1] ?? '';
    assert.match(token, /^http:\/\/sabre.io\/ns\/sync\/\d+$/);
    assert.equal((await dav.send('DELETE', `${B}/dan.vcf`)).status, 204);
    const next = await sync(token);
    assert.match(next.text, /dan.vcf<\/d:href><d:status>HTTP\/1.1 404/);
    assert.equal((await sync('http://sabre.io/ns/sync/1')).status, 403);
  });
});
