import assert from 'node:assert/strict';
import type { TestServer } from '../../../test/harness/test-server.ts';
import { ics, vevent } from '../testing/ics.ts';
import { caldavServer, mkcalendarBody, propfindBody, userClient } from './testing.ts';

describe('caldav: discovery, calendars and objects', () => {
  let server: TestServer;
  let alice: Awaited<ReturnType<typeof userClient>>;
  let bob: Awaited<ReturnType<typeof userClient>>;
  before(async () => {
    ({ server } = await caldavServer());
    alice = await userClient(server, 'alice');
    bob = await userClient(server, 'bob');
  });
  after(async () => server?.destroy());

  it('redirects /.well-known/caldav for PROPFIND and GET, without credentials', async () => {
    for (const method of ['PROPFIND', 'GET']) {
      const r = await fetch(`${server.origin}/.well-known/caldav`, { method, redirect: 'manual' });
      assert.equal(r.status, 301);
      assert.equal(r.headers.get('location'), '/dav/principals/');
    }
  });

  it('asks for credentials everywhere else', async () => {
    for (const p of ['/dav/calendars/', '/dav/calendars/alice/', '/dav/principals/alice/']) {
      const r = await fetch(server.origin + p, { method: 'PROPFIND', headers: { depth: '0' } });
      assert.equal(r.status, 401, p);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Basic/);
    }
  });

  it('finds the principal and the calendar home from the redirect target', async () => {
    const r = await alice.send('PROPFIND', '/dav/calendars/', {
      headers: { depth: '0' },
      body: propfindBody('d:current-user-principal'),
    });
    assert.equal(r.status, 207);
    assert.match(r.text, /<d:current-user-principal><d:href>\/dav\/principals\/alice\/<\/d:href>/);
    const p = await alice.send('PROPFIND', '/dav/principals/alice/', {
      headers: { depth: '0' },
      body: propfindBody('c:calendar-home-set', 'd:resourcetype', 'c:calendar-user-address-set', 'd:displayname'),
    });
    assert.equal(p.status, 207);
    assert.match(p.text, /calendar-home-set[^>]*><d:href>\/dav\/calendars\/alice\/<\/d:href>/);
    assert.match(p.text, /<d:principal\/>/);
    assert.match(p.text, /mailto:alice@/);
  });

  it('keeps each user to their own home and principal', async () => {
    assert.equal((await bob.send('PROPFIND', '/dav/calendars/alice/', { headers: { depth: '0' } })).status, 404);
    assert.equal((await bob.send('PROPFIND', '/dav/principals/alice/', { headers: { depth: '0' } })).status, 404);
    assert.equal((await bob.send('MKCALENDAR', '/dav/calendars/alice/x/')).status, 403);
    const list = await bob.send('PROPFIND', '/dav/calendars/', { headers: { depth: '1' } });
    const hrefs = [...list.text.matchAll(/<d:response><d:href>([^<]*)</g)].map((m) => m[1]);
    assert.deepEqual(hrefs, ['/dav/calendars/', '/dav/calendars/bob/']);
  });

  it('creates a calendar with MKCALENDAR, stores an object with a strong ETag and lists it', async () => {
    const mk = await alice.send('MKCALENDAR', '/dav/calendars/alice/work/', { body: mkcalendarBody('Work') });
    assert.equal(mk.status, 201);
    assert.equal((await alice.send('MKCALENDAR', '/dav/calendars/alice/work/')).status, 405);
    const body = ics(...vevent('UID:e1', 'DTSTART:20260105T100000Z', 'DTEND:20260105T110000Z', 'SUMMARY:One'));
    const put = await alice.send('PUT', '/dav/calendars/alice/work/e1.ics', {
      headers: { 'content-type': 'text/calendar; charset=utf-8', 'if-none-match': '*' },
      body,
    });
    assert.equal(put.status, 201);
    const etag = put.headers.get('etag');
    assert.match(etag ?? '', /^"[0-9a-f]{32}"$/);
    const get = await alice.send('GET', '/dav/calendars/alice/work/e1.ics');
    assert.equal(get.status, 200);
    assert.equal(get.text, body);
    assert.equal(get.headers.get('etag'), etag);
    assert.match(get.headers.get('content-type') ?? '', /^text\/calendar/);
    const list = await alice.send('PROPFIND', '/dav/calendars/alice/', {
      headers: { depth: '1' },
      body: propfindBody(
        'd:resourcetype',
        'd:displayname',
        'cs:getctag',
        'd:sync-token',
        'c:supported-calendar-component-set',
        'd:current-user-privilege-set',
      ),
    });
    assert.equal(list.status, 207);
    assert.match(list.text, /<d:href>\/dav\/calendars\/alice\/work\/<\/d:href>/);
    assert.match(list.text, /<x:calendar xmlns:x="urn:ietf:params:xml:ns:caldav"\/>/);
    assert.match(list.text, /<d:displayname>Work<\/d:displayname>/);
    assert.match(list.text, /getctag[^>]*>http:\/\/sabre\.io\/ns\/sync\/\d+</);
    assert.match(list.text, /<d:sync-token>http:\/\/sabre\.io\/ns\/sync\/\d+<\/d:sync-token>/);
    assert.match(list.text, /name="VEVENT"/);
    assert.match(list.text, /<d:write-content\/>/);
    const objects = await alice.send('PROPFIND', '/dav/calendars/alice/work/', {
      headers: { depth: '1' },
      body: propfindBody('d:getetag', 'd:getcontenttype'),
    });
    assert.match(objects.text, /<d:href>\/dav\/calendars\/alice\/work\/e1\.ics<\/d:href>/);
    assert.ok(objects.text.includes(`<d:getetag>${etag!.replace(/"/g, '&quot;')}</d:getetag>`));
    assert.match(objects.text, /text\/calendar; charset=utf-8; component=vevent/);
    assert.equal((await bob.send('GET', '/dav/calendars/alice/work/e1.ics')).status, 404);
  });
});
