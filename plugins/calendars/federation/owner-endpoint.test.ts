import assert from 'node:assert/strict';
import { event, ownerPut, shareAndAccept, start, type Node } from './testing/federation-nodes.ts';

/** The owner's `/dav/remote-calendars/<providerId>/` endpoint on the wire, with the credential B holds. */
describe('federated calendars: the owner endpoint', function () {
  this.timeout(60_000);
  let a: Node;
  let b: Node;
  let url: string;
  let secret: string;
  let calId: string;

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
    const alice = await a.server.user('alice');
    const bob = await b.server.user('bob');
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
});
