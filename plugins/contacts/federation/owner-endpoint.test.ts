import assert from 'node:assert/strict';
import { definePlugin, type PluginNotification } from '#core';
import { eventually, startTestServer, type TestServer } from '../../../test/harness/test-server.ts';
import { basicFor, davClient } from '../../../test/harness/dav-test-client.ts';
import { contactsPlugin } from '../index.ts';
import { card4 } from '../testing/vcf.ts';

/**
 * The owner's `/dav/remote-addressbooks/<providerId>/` endpoint on the wire, with the credential B holds. B runs a
 * stand-in receiver (it keeps `addressbook` shares and records notifications) so the owner side is tested alone.
 */
const VCARD = { 'content-type': 'text/vcard' };

describe('federated address books: the owner endpoint', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  let aliceToken: string;
  const received: PluginNotification[] = [];
  const receiver = definePlugin({
    id: 'addressbook-receiver',
    resourceTypes: [{ name: 'addressbook', shareTypes: ['user'], protocols: { 'webdav-receive': {} } }],
    async setup() {
      return {
        async onNotification(n) {
          received.push(n);
          return {};
        },
      };
    },
  });

  const basic = (s: string) =>
    `Basic ${Buffer.from(`${Buffer.from('bob@elsewhere').toString('base64')}:${s}`).toString('base64')}`;
  const send = async (
    url: string,
    method: string,
    auth: string,
    opts: { body?: string; headers?: Record<string, string> } = {},
  ) => {
    const res = await fetch(url, {
      method,
      headers: { authorization: auth, 'content-type': 'application/xml', ...(opts.headers ?? {}) },
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });
    return { status: res.status, text: await res.text(), etag: res.headers.get('etag') };
  };

  const share = async (bookId: string, name: string, permissions: string[]) => {
    const created = await a.api(aliceToken, 'POST', '/api/v1/shares', {
      resourceType: 'addressbook',
      resourceId: bookId,
      shareWith: `bob@${b.host}`,
      permissions,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const mine = await eventually(
      async () =>
        (await b.engine.shares.listIncoming('bob', 'addressbook')).find(
          (x) => x.protocol.protocols.webdav?.displayName === name,
        ),
      10_000,
      'the address-book share',
    );
    return {
      id: String(created.body.id),
      url: String(mine.protocol.protocols.webdav!.url),
      secret: String(mine.protocol.protocols.webdav!.sharedSecret),
      webdav: mine.protocol.protocols.webdav!,
    };
  };

  before(async () => {
    [a, b] = await Promise.all([
      startTestServer({ plugins: [contactsPlugin()] }),
      startTestServer({ plugins: [receiver] }),
    ]);
    aliceToken = await a.user('alice');
    await b.user('bob');
  });
  after(async () => Promise.all([a, b].map((n) => n?.destroy())));

  it('sends the webdav v1 block, serves sync-collection and multiget, refuses writes on read, notifies changes', async () => {
    const dav = davClient(a.origin, basicFor('alice'));
    const book = (await a.api(aliceToken, 'POST', '/api/v1/contacts/books', { name: 'Team' })).body;
    const B = `/dav/addressbooks/alice/${book.uri}`;
    assert.equal(
      (await dav.send('PUT', `${B}/one.vcf`, { headers: VCARD, body: card4('one', 'One Person') })).status,
      201,
    );
    const s = await share(book.id, 'Team', ['read']);
    assert.equal(s.webdav.version, 'v1');
    assert.equal(s.webdav.access, 3);
    assert.equal(s.webdav.displayName, 'Team');
    assert.match(s.url, /\/dav\/remote-addressbooks\/[^/]+\/$/);

    const sync = await send(s.url, 'REPORT', basic(s.secret), {
      body: '<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>',
    });
    assert.equal(sync.status, 207, sync.text);
    assert.match(sync.text, /one\.vcf/);
    const base = new URL(s.url).pathname;
    const multi = await send(s.url, 'REPORT', `Bearer ${s.secret}`, {
      headers: { depth: '1' },
      body: `<?xml version="1.0"?><c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><c:address-data/></d:prop><d:href>${base}one.vcf</d:href></c:addressbook-multiget>`,
    });
    assert.equal(multi.status, 207, multi.text);
    assert.match(multi.text, /FN:One Person/);

    assert.equal((await send(`${s.url}one.vcf`, 'GET', basic('wrong'))).status, 401);
    assert.equal((await send(`${s.url}one.vcf`, 'GET', '')).status, 401);
    const put = await send(`${s.url}two.vcf`, 'PUT', basic(s.secret), {
      headers: { 'content-type': 'text/vcard' },
      body: card4('two', 'Two'),
    });
    assert.equal(put.status, 403);
    assert.match(put.text, /need-privileges/);
    assert.equal((await dav.send('GET', `${B}/two.vcf`)).status, 404);

    // A change on the owner's side reaches B as SYNC_ADDRESSBOOK naming the share's URL and secret.
    assert.equal(
      (await dav.send('PUT', `${B}/three.vcf`, { headers: VCARD, body: card4('three', 'Three') })).status,
      201,
    );
    const note = await eventually(
      async () => received.find((n) => n.notificationType === 'SYNC_ADDRESSBOOK'),
      15_000,
      'SYNC_ADDRESSBOOK',
    );
    assert.equal(note.notification.addressbookUrl, s.url);
    assert.equal(note.notification.sharedSecret, s.secret);
    assert.ok(note.incoming, 'the notification names the share');
  });

  it('takes writes on a read-write share with If-Match, and answers 401 once unshared', async () => {
    const dav = davClient(a.origin, basicFor('alice'));
    const book = (await a.api(aliceToken, 'POST', '/api/v1/contacts/books', { name: 'Shared rw' })).body;
    const B = `/dav/addressbooks/alice/${book.uri}`;
    const first = await dav.send('PUT', `${B}/one.vcf`, { headers: VCARD, body: card4('rw-one', 'First') });
    const s = await share(book.id, 'Shared rw', ['read', 'write']);
    assert.equal(s.webdav.access, 2);
    const stale = await send(`${s.url}one.vcf`, 'PUT', basic(s.secret), {
      headers: { 'content-type': 'text/vcard', 'if-match': '"stale"' },
      body: card4('rw-one', 'Changed'),
    });
    assert.equal(stale.status, 412);
    const ok = await send(`${s.url}one.vcf`, 'PUT', basic(s.secret), {
      headers: { 'content-type': 'text/vcard', 'if-match': String(first.headers.get('etag')) },
      body: card4('rw-one', 'Changed'),
    });
    assert.equal(ok.status, 204, ok.text);
    assert.match((await dav.send('GET', `${B}/one.vcf`)).text, /FN:Changed/);

    assert.equal((await a.api(aliceToken, 'DELETE', `/api/v1/shares/outgoing/${s.id}`)).status < 300, true);
    assert.equal((await send(`${s.url}one.vcf`, 'GET', basic(s.secret))).status, 401);
  });

  it('stores dead properties as the owner’s own mount does on a read-write share, and refuses them on a read one', async () => {
    const PROP = (v: string) =>
      `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:x="urn:example:x"><d:set><d:prop>${v}</d:prop></d:set></d:propertyupdate>`;
    const FIND = `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:x="urn:example:x"><d:prop><x:note/></d:prop></d:propfind>`;
    const dav = davClient(a.origin, basicFor('alice'));
    for (const permissions of [['read'], ['read', 'write']]) {
      const name = `Props ${permissions.length}`;
      const book = (await a.api(aliceToken, 'POST', '/api/v1/contacts/books', { name })).body;
      const B = `/dav/addressbooks/alice/${book.uri}`;
      assert.equal(
        (await dav.send('PUT', `${B}/one.vcf`, { headers: VCARD, body: card4(`p${name}`, 'P') })).status,
        201,
      );
      const s = await share(book.id, name, permissions);
      for (const [path, value] of [
        ['', 'on the book'],
        ['one.vcf', 'on the card'],
      ] as const) {
        const set = await send(`${s.url}${path}`, 'PROPPATCH', basic(s.secret), {
          body: PROP(`<x:note>${value}</x:note>`),
        });
        const own = await dav.send('PROPFIND', `${B}/${path}`, { headers: { depth: '0' }, body: FIND });
        if (permissions.length === 1) {
          assert.equal(set.status, 403, set.text);
          assert.match(set.text, /need-privileges/);
          assert.doesNotMatch(own.text, new RegExp(value));
          continue;
        }
        assert.equal(set.status, 207, set.text);
        const back = await send(`${s.url}${path}`, 'PROPFIND', basic(s.secret), {
          body: FIND,
          headers: { depth: '0' },
        });
        assert.match(back.text, new RegExp(value));
        assert.match(own.text, new RegExp(value));
      }
    }
  });
});
