import assert from 'node:assert/strict';
import { createDavServer } from './create-server.ts';
import { syncExtension } from './sync/sync-extension.ts';
import { MemoryStore, testLogger } from './testing/memory-backend.ts';
import { serveDav, type TestDav } from './testing/test-http.ts';

const SYNC = (token: string, extra = '') =>
  `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token>${extra}<d:prop><d:getetag/></d:prop></d:sync-collection>`;

function hrefs(xml: string, status: string): string[] {
  return [...xml.matchAll(/<d:response><d:href>([^<]*)<\/d:href>(.*?)<\/d:response>/g)]
    .filter((m) => (m[2] as string).includes(status))
    .map((m) => m[1] as string)
    .sort();
}

function tokenOf(xml: string): string {
  const m = /<d:sync-token>([^<]*)<\/d:sync-token><\/d:multistatus>/.exec(xml);
  assert.ok(m, xml);
  return m[1] as string;
}

describe('dav: sync-collection over a backend with a change log', () => {
  let t: TestDav;
  let store: MemoryStore;

  beforeEach(async () => {
    store = new MemoryStore();
    store.entries.set('/cal', { body: null, contentType: '', modified: Date.now() });
    store.put('/cal/a.ics', Buffer.from('A'));
    store.put('/cal/b.ics', Buffer.from('B'));
    const dav = createDavServer({ logger: testLogger(), extensions: [syncExtension()] });
    t = await serveDav(dav, '/dav', () => ({
      root: store.node('/')!,
      hrefPrefix: '/dav',
      space: 'alice',
      basePath: '/',
      principal: 'user:alice',
      canWrite: true,
    }));
  });
  afterEach(() => t.close());

  it('lists every member with a sabre-style token on the initial sync, and only changes (removals as 404) after', async () => {
    const first = await t.send('REPORT', '/dav/cal/', { headers: { depth: '1' }, body: SYNC('') });
    assert.equal(first.status, 207);
    assert.deepEqual(hrefs(first.text, '200 OK'), ['/dav/cal/a.ics', '/dav/cal/b.ics']);
    assert.match(first.text, /<d:getetag>&quot;[0-9a-f]+&quot;<\/d:getetag>/);
    const token = tokenOf(first.text);
    assert.match(token, /^http:\/\/sabre\.io\/ns\/sync\/\d+$/);

    store.put('/cal/a.ics', Buffer.from('A2'));
    store.put('/cal/c.ics', Buffer.from('C'));
    store.remove('/cal/b.ics');
    const next = await t.send('REPORT', '/dav/cal/', { body: SYNC(token) });
    assert.deepEqual(hrefs(next.text, '200 OK'), ['/dav/cal/a.ics', '/dav/cal/c.ics']);
    assert.deepEqual(hrefs(next.text, '404 Not Found'), ['/dav/cal/b.ics']);
    assert.notEqual(tokenOf(next.text), token);
    const idle = await t.send('REPORT', '/dav/cal/', { body: SYNC(tokenOf(next.text)) });
    assert.deepEqual(hrefs(idle.text, 'HTTP'), [], 'nothing changed since the last token');
  });

  it('tolerates a missing sync-level and any Depth header, and honours sync-level 1', async () => {
    for (const depth of [undefined, '0', '1', 'infinity']) {
      const r = await t.send('REPORT', '/dav/cal/', {
        headers: depth ? { depth } : {},
        body: SYNC('', depth === 'infinity' ? '<d:sync-level>1</d:sync-level>' : ''),
      });
      assert.equal(r.status, 207, `Depth ${depth}`);
      assert.equal(hrefs(r.text, '200 OK').length, 2);
    }
  });

  it('refuses an unknown or expired token with 403 valid-sync-token', async () => {
    for (const token of ['http://sabre.io/ns/sync/999999', 'urn:other:1', 'http://sabre.io/ns/sync/x']) {
      const r = await t.send('REPORT', '/dav/cal/', { body: SYNC(token) });
      assert.equal(r.status, 403, token);
      assert.match(r.text, /<d:valid-sync-token\/>/);
    }
    store.oldest = store.counter;
    const r = await t.send('REPORT', '/dav/cal/', { body: SYNC('http://sabre.io/ns/sync/1') });
    assert.equal(r.status, 403, 'a token older than the kept log');
  });

  it('reports truncation as 507 on the collection when the client set a limit', async () => {
    const r = await t.send('REPORT', '/dav/cal/', {
      body: SYNC('', '<d:limit><d:nresults>1</d:nresults></d:limit>'),
    });
    assert.equal(hrefs(r.text, '200 OK').length, 1);
    assert.deepEqual(hrefs(r.text, '507 Insufficient Storage'), ['/dav/cal/']);
    assert.equal(
      (await t.send('REPORT', '/dav/cal/', { body: SYNC('', '<d:limit><d:nresults>0</d:nresults></d:limit>') })).status,
      400,
    );
  });

  it('serves DAV:sync-token only when asked, and advertises the report where it applies', async () => {
    const all = await t.send('PROPFIND', '/dav/cal/', { headers: { depth: '0' } });
    assert.doesNotMatch(all.text, /sync-token/);
    const asked = await t.send('PROPFIND', '/dav/cal/', {
      headers: { depth: '0' },
      body: '<propfind xmlns="DAV:"><prop><sync-token/><supported-report-set/></prop></propfind>',
    });
    assert.match(asked.text, /<d:sync-token>http:\/\/sabre\.io\/ns\/sync\/\d+<\/d:sync-token>/);
    assert.match(asked.text, /<d:supported-report><d:report><d:sync-collection\/><\/d:report><\/d:supported-report>/);
    const onFile = await t.send('REPORT', '/dav/cal/a.ics', { body: SYNC('') });
    assert.equal(onFile.status, 403);
    assert.match(onFile.text, /<d:supported-report\/>/);
  });
});
