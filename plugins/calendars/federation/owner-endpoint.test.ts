import assert from 'node:assert/strict';
import { basicFor, davClient } from '../../../test/harness/dav-test-client.ts';
import { event, ownerPut, shareAndAccept, start, type Node } from './testing/federation-nodes.ts';

/** The owner's `/dav/remote-calendars/<providerId>/` endpoint on the wire, with the credential B holds. */
describe('federated calendars: the owner endpoint', function () {
  this.timeout(60_000);
  let a: Node;
  let b: Node;
  let url: string;
  let secret: string;
  let calId: string;
  let alice: string;
  let bob: string;

  const basic = (s: string) =>
    `Basic ${Buffer.from(`${Buffer.from('bob@elsewhere').toString('base64')}:${s}`).toString('base64')}`;
  const send = (
    method: string,
    path: string,
    opts: { auth?: string; body?: string; headers?: Record<string, string> } = {},
  ) =>
    fetch(new URL(path, url), {
      method,
      headers: {
        authorization: opts.auth ?? basic(secret),
        'content-type': 'application/xml',
        ...(opts.headers ?? {}),
      },
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });

  before(async () => {
    [a, b] = await Promise.all([start(), start()]);
    alice = await a.server.user('alice');
    bob = await b.server.user('bob');
    calId = (await a.services.calendars.create({ ownerId: 'alice', uri: 'w' })).id;
    await ownerPut(a, calId, 'one.ics', event('one', 'One'));
    await ownerPut(a, calId, 'two.ics', event('two', 'Two'));
    await shareAndAccept(a, alice, calId, b, bob, 'bob', ['read']);
    const [incoming] = await b.server.engine.shares.listIncoming('bob', 'calendar');
    url = String(incoming!.protocol.protocols.webdav!.url);
    secret = String(incoming!.protocol.protocols.webdav!.sharedSecret);
  });
  after(async () => Promise.all([a, b].map((n) => n?.server.destroy())));

  it('answers sync-collection without sync-level or Depth, tokens in the sabre form, deletions as 404', async () => {
    const first = await send('REPORT', url, {
      body: '<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:prop><d:getetag/></d:prop></d:sync-collection>',
    });
    assert.equal(first.status, 207);
    const text = await first.text();
    assert.match(text, /one\.ics/);
    const token = /<d:sync-token>(http:\/\/sabre\.io\/ns\/sync\/\d+)<\/d:sync-token>/.exec(text)![1]!;
    await a.services.objects.delete(calId, 'two.ics');
    const next = await send('REPORT', url, {
      body: `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:prop><d:getetag/></d:prop></d:sync-collection>`,
    });
    const t2 = await next.text();
    assert.match(t2, /two\.ics<\/d:href><d:status>HTTP\/1\.1 404/);
  });

  it('answers calendar-multiget with the stored bytes and 404 for unknown members', async () => {
    const base = new URL(url).pathname;
    const res = await send('REPORT', url, {
      headers: { depth: '1' },
      body: `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>${base}one.ics</d:href><d:href>${base}nope.ics</d:href></c:calendar-multiget>`,
    });
    assert.equal(res.status, 207);
    const text = await res.text();
    assert.match(text, /SUMMARY:One/);
    assert.match(text, /nope\.ics<\/d:href><d:status>HTTP\/1\.1 404/);
  });

  it('takes the secret as Bearer too, and answers 401 to anything else', async () => {
    assert.equal((await send('GET', `${url}one.ics`, { auth: `Bearer ${secret}` })).status, 200);
    assert.equal((await send('GET', `${url}one.ics`, { auth: basic('wrong') })).status, 401);
    assert.equal((await send('GET', `${url}one.ics`, { auth: '' })).status, 401);
  });

  it('refuses writes on a read-only share with 403 need-privileges', async () => {
    const res = await send('PUT', `${url}three.ics`, {
      headers: { 'content-type': 'text/calendar' },
      body: event('three', 'Three'),
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /need-privileges/);
    assert.equal(await a.services.objects.get(calId, 'three.ics'), null);
  });

  it('stores dead properties as the owner’s own mount does on a read-write share, and refuses them on a read one', async () => {
    const PROP = (v: string) =>
      `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:x="urn:example:x"><d:set><d:prop>${v}</d:prop></d:set></d:propertyupdate>`;
    const FIND = `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:x="urn:example:x"><d:prop><x:note/></d:prop></d:propfind>`;
    // The read share of this suite: PROPPATCH is a write like any other.
    const refused = await send('PROPPATCH', url, { body: PROP('<x:note>no</x:note>') });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /need-privileges/);
    const rwId = (await a.services.calendars.create({ ownerId: 'alice', uri: 'rw' })).id;
    await ownerPut(a, rwId, 'e.ics', event('e', 'E'));
    await shareAndAccept(a, alice, rwId, b, bob, 'bob', ['read', 'write']);
    const rw = (await b.server.engine.shares.listIncoming('bob', 'calendar')).find(
      (s) => String(s.protocol.protocols.webdav!.url) !== url,
    )!;
    const rwUrl = String(rw.protocol.protocols.webdav!.url);
    const auth = basic(String(rw.protocol.protocols.webdav!.sharedSecret));
    const remote = (method: string, path: string, body: string) =>
      send(method, new URL(path, rwUrl).href, { auth, body, headers: { depth: '0' } });
    for (const [path, value] of [
      ['', 'on the calendar'],
      ['e.ics', 'on the event'],
    ] as const) {
      const set = await remote('PROPPATCH', path || rwUrl, PROP(`<x:note>${value}</x:note>`));
      assert.equal(set.status, 207, await set.text());
      // The recipient reads it back, and the owner's own CalDAV client sees the same property.
      assert.match(await (await remote('PROPFIND', path || rwUrl, FIND)).text(), new RegExp(value));
      const own = await davClient(a.server.origin, basicFor('alice')).send(
        'PROPFIND',
        `/dav/calendars/alice/rw/${path}`,
        { headers: { depth: '0' }, body: FIND },
      );
      assert.match(own.text, new RegExp(value));
    }
    // The calendar's own properties stay the owner's: refused, not shadowed by a dead copy.
    const name = await remote('PROPPATCH', rwUrl, PROP('<d:displayname>Mine now</d:displayname>'));
    assert.equal(name.status, 207);
    assert.match(await name.text(), /cannot-modify-protected-property/);
    assert.notEqual((await a.services.calendars.getById(rwId))?.displayName, 'Mine now');
  });

  it('answers reads on the hot edge as express does, before and after the share is revoked', async () => {
    // The mount spelt in another case goes through express (case-insensitive), the exact one skips it.
    const viaExpress = (u: string) => u.replace('/dav/remote-calendars/', '/Dav/remote-calendars/');
    assert.notEqual(viaExpress(url), url);
    const both = async (method: string, u: string, opts: Parameters<typeof send>[2] = {}) => {
      const [hot, slow] = [await send(method, u, opts), await send(method, viaExpress(u), opts)];
      assert.equal(slow.status, hot.status, `${method} ${u}`);
      assert.equal(await slow.text(), await hot.text(), `${method} ${u}`);
      for (const h of ['www-authenticate', 'etag', 'content-type', 'dav'])
        assert.equal(slow.headers.get(h), hot.headers.get(h), `${method} ${u} ${h}`);
      return hot.status;
    };
    const LIST = `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>`;
    assert.equal(await both('PROPFIND', url, { body: LIST, headers: { depth: '1' } }), 207);
    assert.equal(await both('GET', `${url}one.ics`), 200);
    assert.equal(await both('GET', `${url}one.ics`, { auth: basic('wrong') }), 401);
    const [share] = await a.server.engine.shares.listOutgoingForResource('calendar', calId);
    assert.ok((await a.server.api(alice, 'DELETE', `/api/v1/shares/outgoing/${share!.id}`)).status < 300);
    assert.equal(await both('PROPFIND', url, { body: LIST, headers: { depth: '1' } }), 401);
    assert.equal(await both('GET', `${url}one.ics`), 401);
  });
});
