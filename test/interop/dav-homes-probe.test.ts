import assert from 'node:assert/strict';
import { parseXml, type XmlElement } from '#dav';
import { calendarsPlugin } from '../../plugins/calendars/index.ts';
import { ics, vevent } from '../../plugins/calendars/testing/ics.ts';
import { contactsPlugin } from '../../plugins/contacts/index.ts';
import { card4 } from '../../plugins/contacts/testing/vcf.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const NS =
  'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/"';
const propfind = (...props: string[]) =>
  `<?xml version="1.0"?><d:propfind ${NS}><d:prop>${props.map((p) => `<${p}/>`).join('')}</d:prop></d:propfind>`;
const C = 'urn:ietf:params:xml:ns:caldav';
const CARD = 'urn:ietf:params:xml:ns:carddav';

/** A minimal, valid body for each report a client may find advertised (what DAVx5, tsdav, Apple send). */
const REPORT_BODIES: Record<string, (target: string) => string> = {
  [`{DAV:}sync-collection`]: () =>
    `<d:sync-collection ${NS}><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`,
  [`{${C}}calendar-query`]: () =>
    `<c:calendar-query ${NS}><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>`,
  [`{${C}}calendar-multiget`]: (t) =>
    `<c:calendar-multiget ${NS}><d:prop><d:getetag/></d:prop><d:href>${t}</d:href></c:calendar-multiget>`,
  [`{${C}}free-busy-query`]: () =>
    `<c:free-busy-query ${NS}><c:time-range start="20260101T000000Z" end="20260201T000000Z"/></c:free-busy-query>`,
  [`{${CARD}}addressbook-query`]: () =>
    `<card:addressbook-query ${NS}><d:prop><d:getetag/></d:prop></card:addressbook-query>`,
  [`{${CARD}}addressbook-multiget`]: (t) =>
    `<card:addressbook-multiget ${NS}><d:prop><d:getetag/></d:prop><d:href>${t}</d:href></card:addressbook-multiget>`,
};

function elementsNamed(root: XmlElement, ns: string, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: XmlElement[] = [root];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.ns === ns && n.local === local) out.push(n);
    for (const c of n.children) if (c.kind === 'element') stack.push(c);
  }
  return out;
}

/** The Clark names in a supported-report-set answer. */
function advertised(text: string): string[] {
  return elementsNamed(parseXml(text), 'DAV:', 'report').flatMap((r) =>
    r.children.filter((c): c is XmlElement => c.kind === 'element').map((c) => `{${c.ns}}${c.local}`),
  );
}

/** CalDAV/CardDAV probes on the principal, the homes and the collections (RFC 4791, RFC 6352, RFC 3744, RFC 6578). */
describe('interop: what probes check on the principal, the homes and the collections', function () {
  this.timeout(60_000);
  let s: TestServer;
  let dav: ReturnType<typeof davClient>;
  const places = {
    principals: '/dav/principals/',
    principal: '/dav/principals/rita/',
    calendarsRoot: '/dav/calendars/',
    calendarHome: '/dav/calendars/rita/',
    calendar: '/dav/calendars/rita/work/',
    event: '/dav/calendars/rita/work/e1.ics',
    booksRoot: '/dav/addressbooks/',
    bookHome: '/dav/addressbooks/rita/',
    book: '/dav/addressbooks/rita/contacts/',
    card: '/dav/addressbooks/rita/contacts/a.vcf',
  };

  before(async () => {
    s = await startTestServer({ plugins: [calendarsPlugin(), contactsPlugin()] });
    await s.user('rita');
    dav = davClient(s.origin, basicFor('rita'));
    assert.equal((await dav.send('MKCALENDAR', places.calendar)).status, 201);
    const event = ics(...vevent('UID:e1', 'DTSTART:20260105T100000Z', 'DTEND:20260105T110000Z', 'SUMMARY:x'));
    const headers = { 'content-type': 'text/calendar' };
    assert.equal((await dav.send('PUT', places.event, { body: event, headers })).status, 201);
    const card = { body: card4('a', 'Ann'), headers: { 'content-type': 'text/vcard' } };
    assert.equal((await dav.send('PUT', places.card, card)).status, 201);
  });
  after(async () => s?.destroy());

  it('advertises in supported-report-set exactly the reports REPORT accepts, everywhere', async () => {
    const seen: Record<string, string[]> = {};
    for (const [label, path] of Object.entries(places)) {
      const r = await dav.send('PROPFIND', path, { headers: { depth: '0' }, body: propfind('d:supported-report-set') });
      assert.equal(r.status, 207, `${label}: ${r.text}`);
      const list = advertised(r.text);
      seen[label] = list;
      for (const [name, body] of Object.entries(REPORT_BODIES)) {
        const depth = name.endsWith('sync-collection') ? '0' : '1';
        const target = path.endsWith('/') ? path : path;
        const answer = await dav.send('REPORT', path, { headers: { depth }, body: body(target) });
        assert.ok(answer.status < 500, `${label} ${name}: ${answer.status} ${answer.text}`);
        if (list.includes(name))
          assert.ok(![403, 405, 501].includes(answer.status), `${label} ${name}: ${answer.text}`);
        else {
          assert.equal(answer.status, 403, `${label} ${name} is not advertised: ${answer.text}`);
          assert.match(answer.text, /supported-report/);
        }
      }
    }
    // The homes hold no change log of their own: sync-collection is not offered there (nor on the principal).
    for (const label of ['calendarHome', 'bookHome', 'principal', 'calendarsRoot', 'booksRoot'])
      assert.ok(!seen[label]!.includes('{DAV:}sync-collection'), `${label}: ${seen[label]!.join()}`);
    assert.ok(seen.calendar!.includes('{DAV:}sync-collection'));
    assert.ok(seen.book!.includes('{DAV:}sync-collection'));
    assert.ok(seen.calendar!.includes(`{${C}}free-busy-query`));
    assert.ok(seen.book!.includes(`{${CARD}}addressbook-multiget`));
  });

  it('lists calendar-access, addressbook and extended-mkcol in the DAV header where they apply', async () => {
    const header = async (p: string) => ((await dav.send('OPTIONS', p)).headers.get('dav') ?? '').split(/,\s*/);
    for (const p of [places.principal, places.principals]) {
      const h = await header(p);
      for (const t of ['1', '3', 'access-control', 'calendar-access', 'addressbook', 'extended-mkcol'])
        assert.ok(h.includes(t), `${p}: ${h.join()}`);
    }
    for (const p of [places.calendarHome, places.calendar]) {
      const h = await header(p);
      for (const t of ['1', '3', 'access-control', 'calendar-access', 'extended-mkcol'])
        assert.ok(h.includes(t), h.join());
    }
    for (const p of [places.bookHome, places.book]) {
      const h = await header(p);
      for (const t of ['1', '3', 'access-control', 'addressbook', 'extended-mkcol']) assert.ok(h.includes(t), h.join());
    }
  });

  it('answers current-user-privilege-set, resourcetype and getctag on principal, homes and collections', async () => {
    const ask = async (p: string, ...props: string[]) => {
      const r = await dav.send('PROPFIND', p, { headers: { depth: '0' }, body: propfind(...props) });
      assert.equal(r.status, 207, `${p}: ${r.text}`);
      return r.text.split('HTTP/1.1 404')[0]!;
    };
    for (const p of Object.values(places)) {
      const ok = await ask(p, 'd:current-user-privilege-set', 'd:current-user-principal');
      assert.match(ok, /<d:privilege><d:read\/><\/d:privilege>/, p);
      assert.match(ok, /<d:current-user-principal><d:href>\/dav\/principals\/rita\/<\/d:href>/, p);
    }
    assert.match(await ask(places.calendarHome, 'd:current-user-privilege-set'), /<d:bind\/>/);
    assert.match(await ask(places.bookHome, 'd:current-user-privilege-set'), /<d:bind\/>/);
    for (const p of [places.calendarHome, places.bookHome])
      assert.match(await ask(p, 'd:resourcetype'), /<d:resourcetype><d:collection\/><\/d:resourcetype>/);
    assert.match(await ask(places.principal, 'd:resourcetype'), /<d:collection\/><d:principal\/>/);
    assert.match(await ask(places.calendar, 'd:resourcetype'), /<d:collection\/><[a-z0-9]+:calendar /);
    assert.match(await ask(places.book, 'd:resourcetype'), /<d:collection\/><[a-z0-9]+:addressbook /);
    for (const p of [places.calendar, places.book])
      assert.match(await ask(p, 'cs:getctag'), /getctag[^>]*>http:\/\/sabre\.io\/ns\/sync\/\d+</);
  });

  it('answers allprop and propname on every place (never a 500) and refuses Depth: infinity', async () => {
    for (const [label, p] of Object.entries(places)) {
      for (const body of [
        undefined,
        `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>`,
        `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>`,
        `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:allprop/><d:include><d:supported-report-set/></d:include></d:propfind>`,
      ]) {
        const r = await dav.send('PROPFIND', p, { headers: { depth: '1' }, ...(body ? { body } : {}) });
        assert.equal(r.status, 207, `${label}: ${r.status} ${r.text}`);
        assert.match(r.text, /<d:resourcetype/, label);
        parseXml(r.text);
      }
      const inf = await dav.send('PROPFIND', p, { headers: { depth: 'infinity' }, body: propfind('d:getetag') });
      assert.equal(inf.status, 403, label);
      assert.match(inf.text, /<d:propfind-finite-depth\/>/, label);
    }
  });
});
