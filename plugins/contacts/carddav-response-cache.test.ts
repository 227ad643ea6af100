import assert from 'node:assert/strict';
import pg from 'pg';
import { ResponseCache } from '#dav';
import { freshPostgresUrl, postgresAvailable } from '../../test/harness/databases.ts';
import { basicFor, davClient } from '../../test/harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../../test/harness/test-server.ts';
import { contactsPlugin } from './index.ts';
import { card3 } from './testing/vcf.ts';

const C = 'urn:ietf:params:xml:ns:carddav';
const NS = `xmlns:d="DAV:" xmlns:c="${C}" xmlns:x="urn:example:x"`;
const LISTING = `<?xml version="1.0"?><d:propfind ${NS}><d:prop><d:getetag/><d:displayname/><d:current-user-privilege-set/><x:note/></d:prop></d:propfind>`;
const SYNC = `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
const QUERY = `<?xml version="1.0"?><c:addressbook-query ${NS}><d:prop><d:getetag/><c:address-data/></d:prop><c:filter><c:prop-filter name="FN"><c:text-match collation="i;unicode-casemap" match-type="contains">person</c:text-match></c:prop-filter></c:filter></c:addressbook-query>`;
const setProp = (props: string) =>
  `<?xml version="1.0"?><d:propertyupdate ${NS}><d:set><d:prop>${props}</d:prop></d:set></d:propertyupdate>`;

type Client = ReturnType<typeof davClient>;

interface Node {
  server: TestServer;
  cache: ResponseCache;
  ann: Client;
}

async function node(env: Record<string, string> = {}): Promise<Node> {
  const cache = new ResponseCache();
  const server = await startTestServer({ env, plugins: [contactsPlugin({ responseCache: cache })] });
  await server.user('ann');
  return { server, cache, ann: davClient(server.origin, basicFor('ann')) };
}

for (const engine of ['sqlite', 'postgres'] as const)
  describe(`carddav on ${engine}: whole answers from the response cache are never stale`, function () {
    this.timeout(60_000);
    let a: Node;
    /** A second app node on the same database (PostgreSQL only). */
    let b: Node | null = null;
    let pgUrl: string | null = null;
    const drops: Array<() => Promise<void>> = [];
    const book = '/dav/addressbooks/ann/contacts/';
    const put = (n: Node, uri: string, fn: string) =>
      n.ann.send('PUT', `${book}${uri}`, {
        body: card3(uri, fn),
        headers: { 'content-type': 'text/vcard; charset=utf-8' },
      });

    before(async function () {
      let env: Record<string, string> = {};
      if (engine === 'postgres') {
        if (!(await postgresAvailable())) return this.skip();
        const db = await freshPostgresUrl();
        drops.push(db.drop);
        pgUrl = db.url;
        env = { MESHWORK_DATABASE_URL: db.url };
      }
      a = await node(env);
      drops.unshift(() => a.server.destroy());
      if (engine === 'postgres') {
        b = await node(env);
        drops.unshift(() => b!.server.destroy());
      }
      assert.equal((await put(a, 'p1.vcf', 'Person One')).status, 201);
    });
    after(async () => {
      for (const d of drops) await d().catch(() => {});
    });

    async function twice(send: () => Promise<{ status: number; text: string }>): Promise<string> {
      const first = await send();
      assert.equal(first.status, 207, first.text);
      const hits = a.cache.stats.hits;
      const second = await send();
      assert.equal(a.cache.stats.hits, hits + 1, 'the repeated request is answered from the cache');
      assert.equal(second.text, first.text);
      return second.text;
    }
    const listing = () => twice(() => a.ann.send('PROPFIND', book, { headers: { depth: '1' }, body: LISTING }));
    const query = () => twice(() => a.ann.send('REPORT', book, { headers: { depth: '1' }, body: QUERY }));
    const sync = () => twice(() => a.ann.send('REPORT', book, { body: SYNC }));

    it('sees PUT, DELETE, PROPPATCH and dead properties made through DAV on the next identical request', async () => {
      assert.match(await listing(), /p1\.vcf/);
      await query();
      await sync();
      assert.equal((await put(a, 'p2.vcf', 'Person Two')).status, 201);
      assert.match(await listing(), /p2\.vcf/);
      assert.match(await query(), /Person Two/);
      assert.match(await sync(), /p2\.vcf/);
      assert.equal((await put(a, 'p2.vcf', 'Person Deux')).status, 204);
      assert.match(await query(), /Person Deux/);
      assert.equal((await a.ann.send('DELETE', `${book}p2.vcf`)).status, 204);
      assert.doesNotMatch(await listing(), /p2\.vcf/);
      assert.doesNotMatch(await query(), /Person Deux/);
      await a.ann.send('PROPPATCH', book, { body: setProp('<d:displayname>Renamed</d:displayname>') });
      assert.match(await listing(), /Renamed/);
      await a.ann.send('PROPPATCH', `${book}p1.vcf`, { body: setProp('<x:note>card note</x:note>') });
      assert.match(await listing(), /card note/);
      assert.match(await sync(), /p1\.vcf/);
    });

    // On SQLite one server owns the database file: another app node exists only on PostgreSQL.
    if (engine === 'postgres')
      it('sees changes and a change of access made by another app node', async function () {
        if (!b || !pgUrl) throw new Error('the second app node did not start');
        await listing();
        await query();
        assert.equal((await put(b, 'p3.vcf', 'Person Three')).status, 201);
        assert.match(await listing(), /p3\.vcf/);
        assert.match(await query(), /Person Three/);
        await b.ann.send('PROPPATCH', book, { body: setProp('<x:note>book note from b</x:note>') });
        assert.match(await listing(), /book note from b/);
        assert.equal((await b.ann.send('DELETE', `${book}p3.vcf`)).status, 204);
        assert.doesNotMatch(await query(), /Person Three/);
        // The book becomes a read-only share (what the share's owner granting less does to its synced copy).
        assert.match(await listing(), /<d:write\/>/);
        const c = new pg.Client({ connectionString: pgUrl });
        await c.connect();
        await c.query(`update contacts_books set kind = 'shared', shared_access = 'read' where uri = 'contacts'`);
        await c.end();
        assert.doesNotMatch(await listing(), /<d:write\/>/);
      });
  });
