import assert from 'node:assert/strict';
import { parseXml, type XmlNode } from '#dav';
import { freshPostgresUrl, postgresAvailable } from '../../test/harness/databases.ts';
import { basicFor, davClient } from '../../test/harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../../test/harness/test-server.ts';
import { contactsPlugin } from './index.ts';
import { card4 } from './testing/vcf.ts';

const NS = 'xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/"';
const set = (props: string) =>
  `<?xml version="1.0"?><d:propertyupdate ${NS}><d:set><d:prop>${props}</d:prop></d:set></d:propertyupdate>`;
const find = (props: string) => `<?xml version="1.0"?><d:propfind ${NS}><d:prop>${props}</d:prop></d:propfind>`;
/** Apple Contacts marks the user's own card on the home; DAVx5 and Thunderbird keep their own properties. */
const ME_CARD = '<cs:me-card><d:href>/dav/addressbooks/ann/contacts/me.vcf</d:href></cs:me-card>';
const NESTED = '<t:sync xmlns:t="urn:example:tb"><u:state xmlns:u="urn:example:u" u:v="2">ok &lt;3</u:state></t:sync>';

function meaning(n: XmlNode): unknown {
  if (n.kind !== 'element') return n.text;
  return { name: `{${n.ns}}${n.local}`, attrs: Object.fromEntries(n.attrs), children: n.children.map(meaning) };
}

/** The meaning of the first element named `{ns}local` in a document (or below an element). */
function valueOf(doc: string | XmlNode, ns: string, local: string): unknown {
  const stack: XmlNode[] = [typeof doc === 'string' ? parseXml(doc) : doc];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.kind !== 'element') continue;
    if (n.ns === ns && n.local === local) return meaning(n);
    stack.push(...n.children);
  }
  return undefined;
}

for (const engine of ['sqlite', 'postgres'] as const)
  describe(`contacts on ${engine}: CardDAV dead properties on the home, books and cards`, function () {
    this.timeout(60_000);
    let s: TestServer;
    let drop = async () => {};
    let dav: ReturnType<typeof davClient>;
    const H = '/dav/addressbooks/ann';
    const B = `${H}/contacts`;
    const rows = () => s.engine.database.db.selectFrom('contacts_props').selectAll().execute();

    before(async function () {
      const env: Record<string, string> = {};
      if (engine === 'postgres') {
        if (!(await postgresAvailable())) {
          if (process.env.CI === 'true') throw new Error('PostgreSQL is not running but CI needs it');
          return this.skip();
        }
        const pg = await freshPostgresUrl();
        env.MESHWORK_DATABASE_URL = pg.url;
        drop = pg.drop;
      }
      s = await startTestServer({ env, plugins: [contactsPlugin()] });
      await s.user('ann');
      dav = davClient(s.origin, basicFor('ann'));
      const put = await dav.send('PUT', `${B}/a.vcf`, {
        body: card4('a', 'Ann A'),
        headers: { 'content-type': 'text/vcard' },
      });
      assert.equal(put.status, 201, put.text);
    });
    after(async () => {
      await s?.destroy();
      await drop().catch(() => {});
    });

    it('stores, returns and removes dead properties with their namespaces on the home, a book and a card', async () => {
      for (const [path, prop] of [
        [`${H}/`, ME_CARD],
        [`${B}/`, NESTED],
        [`${B}/a.vcf`, NESTED],
      ] as const) {
        const r = await dav.send('PROPPATCH', path, { body: set(prop) });
        assert.equal(r.status, 207, r.text);
        assert.doesNotMatch(r.text, /HTTP\/1.1 (403|424)/, path);
      }
      const home = await dav.send('PROPFIND', `${H}/`, { headers: { depth: '0' }, body: find('<cs:me-card/>') });
      assert.deepEqual(
        valueOf(home.text, 'http://calendarserver.org/ns/', 'me-card'),
        valueOf(`<r ${NS}>${ME_CARD}</r>`, 'http://calendarserver.org/ns/', 'me-card'),
      );
      const listing = await dav.send('PROPFIND', `${B}/`, {
        headers: { depth: '1' },
        body: find('<t:sync xmlns:t="urn:example:tb"/>'),
      });
      const want = valueOf(NESTED, 'urn:example:tb', 'sync');
      const responses = parseXml(listing.text).children.filter((n) => n.kind === 'element');
      assert.equal(responses.length, 2);
      for (const r of responses) assert.deepEqual(valueOf(r, 'urn:example:tb', 'sync'), want);
      const removed = await dav.send('PROPPATCH', `${B}/a.vcf`, {
        body: `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:"><d:remove><d:prop><t:sync xmlns:t="urn:example:tb"/></d:prop></d:remove></d:propertyupdate>`,
      });
      assert.equal(removed.status, 207);
      const card = await dav.send('PROPFIND', `${B}/a.vcf`, {
        headers: { depth: '0' },
        body: find('<t:sync xmlns:t="urn:example:tb"/>'),
      });
      assert.match(card.text, /HTTP\/1.1 404/);
    });

    it('refuses protected properties with 403 (the rest 424) and stores nothing', async () => {
      const before = (await rows()).length;
      for (const prot of [
        '<cs:getctag>1</cs:getctag>',
        '<card:supported-address-data/>',
        '<d:getetag>"1"</d:getetag>',
      ]) {
        const r = await dav.send('PROPPATCH', `${B}/`, { body: set(`<cs:never>1</cs:never>${prot}`) });
        assert.equal(r.status, 207, prot);
        assert.match(r.text, /cannot-modify-protected-property/);
        assert.match(r.text, /HTTP\/1.1 424/);
      }
      assert.equal((await rows()).length, before);
    });

    it('drops a card’s properties with the card and a book’s with the book', async () => {
      const mk = await dav.send('MKCOL', `${H}/temp/`, {
        body: `<?xml version="1.0"?><d:mkcol ${NS}><d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>`,
      });
      assert.equal(mk.status, 201, mk.text);
      const card = { body: card4('t', 'T'), headers: { 'content-type': 'text/vcard' } };
      assert.equal((await dav.send('PUT', `${H}/temp/t.vcf`, card)).status, 201);
      assert.equal((await dav.send('PUT', `${H}/temp/u.vcf`, { ...card, body: card4('u', 'U') })).status, 201);
      for (const p of ['', 't.vcf', 'u.vcf'])
        assert.equal(
          (await dav.send('PROPPATCH', `${H}/temp/${p}`, { body: set('<cs:gone>1</cs:gone>') })).status,
          207,
        );
      const gone = async () => (await rows()).filter((r) => r.name === '{http://calendarserver.org/ns/}gone');
      assert.equal((await gone()).length, 3);
      assert.equal((await dav.send('DELETE', `${H}/temp/t.vcf`)).status, 204);
      assert.deepEqual((await gone()).map((r) => r.member).sort(), [null, 'u.vcf']);
      assert.equal((await dav.send('DELETE', `${H}/temp/`)).status, 204);
      assert.deepEqual(await gone(), []);
    });

    it('moves a card’s dead properties with it, in its book and to another, and copies them with COPY', async () => {
      const other = `${H}/moved/`;
      const mk = await dav.send('MKCOL', other, {
        body: `<?xml version="1.0"?><d:mkcol ${NS}><d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>`,
      });
      assert.equal(mk.status, 201, mk.text);
      const note = async (href: string) => {
        const r = await dav.send('PROPFIND', href, { headers: { depth: '0' }, body: find('<cs:x-note/>') });
        return valueOf(r.text, 'http://calendarserver.org/ns/', 'x-note');
      };
      const dest = (href: string) => ({ destination: `${s.origin}${href}` });
      const card = { body: card4('m', 'M'), headers: { 'content-type': 'text/vcard' } };
      assert.equal((await dav.send('PUT', `${B}/m.vcf`, card)).status, 201);
      const kept = { name: '{http://calendarserver.org/ns/}x-note', attrs: {}, children: ['kept'] };
      assert.equal(
        (await dav.send('PROPPATCH', `${B}/m.vcf`, { body: set('<cs:x-note>kept</cs:x-note>') })).status,
        207,
      );
      const renamed = await dav.send('MOVE', `${B}/m.vcf`, { headers: dest(`${B}/n.vcf`) });
      assert.equal(renamed.status, 201, renamed.text);
      assert.deepEqual(await note(`${B}/n.vcf`), kept);
      const moved = await dav.send('MOVE', `${B}/n.vcf`, { headers: dest(`${other}m.vcf`) });
      assert.equal(moved.status, 201, moved.text);
      assert.equal((await dav.send('GET', `${B}/n.vcf`)).status, 404);
      assert.deepEqual(await note(`${other}m.vcf`), kept);
      const copied = await dav.send('COPY', `${other}m.vcf`, { headers: dest(`${B}/c.vcf`) });
      assert.equal(copied.status, 201, copied.text);
      assert.deepEqual(await note(`${B}/c.vcf`), kept);
      assert.deepEqual(await note(`${other}m.vcf`), kept);
      assert.equal((await dav.send('DELETE', `${B}/c.vcf`)).status, 204);
      assert.equal((await dav.send('DELETE', other)).status, 204);
    });
  });
