import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createAccount, createDAVClient, getBasicAuthHeaders, type DAVAccount } from 'tsdav';
import { contactsPlugin } from '../../plugins/contacts/index.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/vcards/${name}`, import.meta.url), 'utf8');

describe('interop: tsdav as a CardDAV client of /dav/addressbooks', function () {
  this.timeout(60_000);
  let s: TestServer;
  let client: Awaited<ReturnType<typeof createDAVClient>>;
  let account: DAVAccount;

  before(async () => {
    s = await startTestServer({ plugins: [contactsPlugin()] });
    await s.user('tess');
    client = await createDAVClient({
      serverUrl: s.origin,
      credentials: { username: 'tess', password: 'tess-password' },
      authMethod: 'Basic',
      defaultAccountType: 'carddav',
    });
    account = await createAccount({
      account: { serverUrl: s.origin, accountType: 'carddav' },
      headers: getBasicAuthHeaders({ username: 'tess', password: 'tess-password' }),
    });
  });
  after(async () => s?.destroy());

  it('discovers the account, creates an address book and keeps Apple, Google and 4.0 cards byte-identical', async () => {
    const home = account.homeUrl ?? '';
    assert.equal(new URL(account.principalUrl ?? '').pathname, '/dav/principals/tess/');
    assert.equal(new URL(home).pathname, '/dav/addressbooks/tess/');
    await client.makeCollection({
      url: `${home}friends/`,
      props: {
        'd:resourcetype': { 'd:collection': {}, 'card:addressbook': {} },
        'd:displayname': 'Friends',
      },
    });
    const books = await client.fetchAddressBooks();
    const friends = books.find((b) => b.url.endsWith('/friends/'));
    assert.ok(friends, `books: ${books.map((b) => b.url).join(', ')}`);
    assert.equal(friends.displayName, 'Friends');
    for (const f of ['apple-3.0.vcf', 'google-3.0.vcf', 'rfc6350-4.0.vcf']) {
      const r = await client.createVCard({ addressBook: friends, filename: f, vCardString: fixture(f) });
      assert.equal(r.status, 201, f);
    }
    const cards = await client.fetchVCards({ addressBook: friends });
    assert.equal(cards.length, 3);
    for (const c of cards) {
      const name = c.url.split('/').pop() as string;
      // XML keeps the card's CRs (sent as &#13;); tsdav's XML reader trims the text's final line break.
      assert.equal(c.data, fixture(name).replace(/\r\n$/, ''), name);
      const raw = await fetch(c.url, { headers: getBasicAuthHeaders({ username: 'tess', password: 'tess-password' }) });
      assert.equal(Buffer.from(await raw.arrayBuffer()).toString('utf8'), fixture(name), `${name} byte-identical`);
    }
  });

  it('updates and deletes cards, and syncs only what changed', async () => {
    const [friends] = (await client.fetchAddressBooks()).filter((b) => b.url.endsWith('/friends/'));
    assert.ok(friends);
    const first = await client.smartCollectionSync({
      collection: { ...friends, syncToken: '', objects: [], objectMultiGet: client.addressBookMultiGet },
      method: 'webdav',
      detailedResult: true,
      account,
    });
    assert.equal(first.objects.created.length, 3);
    const cards = await client.fetchVCards({ addressBook: friends });
    const grace = cards.find((c) => c.url.endsWith('google-3.0.vcf'));
    const ada = cards.find((c) => c.url.endsWith('rfc6350-4.0.vcf'));
    assert.ok(grace && ada);
    const changed = String(grace.data).replace('TITLE:Rear Admiral', 'TITLE:Admiral');
    assert.equal((await client.updateVCard({ vCard: { ...grace, data: changed } })).status, 204);
    const stale = await client.updateVCard({ vCard: { ...grace, data: changed.replace('Admiral', 'Commodore') } });
    assert.equal(stale.status, 412, 'the old ETag no longer matches');
    assert.equal((await client.deleteVCard({ vCard: ada })).status, 204);
    const prev = { ...friends, syncToken: first.syncToken, objects: cards, objectMultiGet: client.addressBookMultiGet };
    const next = await client.smartCollectionSync({
      collection: prev,
      method: 'webdav',
      detailedResult: true,
      account,
    });
    assert.deepEqual(
      next.objects.updated.map((o) => o.url.split('/').pop()),
      ['google-3.0.vcf'],
    );
    assert.deepEqual(
      next.objects.deleted.map((o) => o.url.split('/').pop()),
      ['rfc6350-4.0.vcf'],
    );
    assert.equal(next.objects.created.length, 0);
    const after = await client.fetchVCards({ addressBook: friends });
    assert.equal(after.find((c) => c.url.endsWith('google-3.0.vcf'))?.data, changed);
  });
});
