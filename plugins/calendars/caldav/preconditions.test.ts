import assert from 'node:assert/strict';
import type { TestServer } from '../../../test/harness/test-server.ts';
import { ics, vevent } from '../testing/ics.ts';
import type { CalendarServices } from '../index.ts';
import { CAL_NS, ENGINES, engineServer, mkcalendarBody, propfindBody, putIcs, userClient } from './testing.ts';

const C_ERR = (name: string) => new RegExp(`<c:${name} xmlns:c="urn:ietf:params:xml:ns:caldav"`);
const BERLIN =
  'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n';

for (const engine of ENGINES)
  describe(`caldav on ${engine}: RFC 4791 preconditions, conditional requests, properties, access`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let services: CalendarServices;
    let cleanup: () => Promise<void>;
    let alice: Awaited<ReturnType<typeof userClient>>;
    let bob: Awaited<ReturnType<typeof userClient>>;
    const cal = '/dav/calendars/alice/work/';
    const event = (uid: string, summary = 'x') =>
      ics(...vevent(`UID:${uid}`, 'DTSTART:20260105T100000Z', 'DTEND:20260105T110000Z', `SUMMARY:${summary}`));

    before(async function () {
      const s = await engineServer(this, engine, { maxResourceSize: 4000 });
      if (!s) return;
      ({ server, services, cleanup } = s);
      alice = await userClient(server, 'alice');
      bob = await userClient(server, 'bob');
      assert.equal((await alice.send('MKCALENDAR', cal, { body: mkcalendarBody('Work', ['VEVENT']) })).status, 201);
    });
    after(async () => cleanup?.());

    it('refuses invalid data, UID clashes, oversized and unsupported objects, and stores nothing', async () => {
      const put = await putIcs(alice, `${cal}a.ics`, event('a', 'original'));
      assert.equal(put.status, 201);
      const cases: Array<[string, string | Buffer, RegExp]> = [
        ['a.ics', 'not a calendar', C_ERR('valid-calendar-data')],
        ['a.ics', Buffer.from([0xff, 0xfe, 0x00]), C_ERR('valid-calendar-data')],
        ['a.ics', event('a').replace('DTEND:20260105T110000Z', 'DTEND:garbage'), C_ERR('valid-calendar-data')],
        [
          'a.ics',
          ics('METHOD:REQUEST', ...vevent('UID:a', 'DTSTART:20260105T100000Z')),
          C_ERR('valid-calendar-object-resource'),
        ],
        [
          'a.ics',
          ics(...vevent('UID:a', 'DTSTART:20260105T100000Z'), ...vevent('UID:b', 'DTSTART:20260105T100000Z')),
          C_ERR('valid-calendar-object-resource'),
        ],
        [
          'a.ics',
          ics('BEGIN:VTODO', 'UID:a', 'DTSTAMP:20260101T000000Z', 'END:VTODO'),
          C_ERR('supported-calendar-component'),
        ],
        [
          'a.ics',
          ics(...vevent('UID:a', 'DTSTART:20260105T100000Z', `DESCRIPTION:${'x'.repeat(5000)}`)),
          C_ERR('max-resource-size'),
        ],
        ['b.ics', event('a'), C_ERR('no-uid-conflict')],
      ];
      for (const [name, body, cond] of cases) {
        const r = await putIcs(alice, `${cal}${name}`, body);
        assert.equal(r.status, 403, `${name}: ${r.text}`);
        assert.match(r.text, cond);
      }
      const clash = await putIcs(alice, `${cal}b.ics`, event('a'));
      assert.match(clash.text, /<d:href>\/dav\/calendars\/alice\/work\/a\.ics<\/d:href>/);
      const vcard = await putIcs(alice, `${cal}c.ics`, event('c'), { 'content-type': 'text/vcard' });
      assert.equal(vcard.status, 403);
      assert.match(vcard.text, C_ERR('supported-calendar-data'));
      const get = await alice.send('GET', `${cal}a.ics`);
      assert.equal(get.text, event('a', 'original'));
      assert.equal((await alice.send('GET', `${cal}b.ics`)).status, 404);
      assert.equal((await alice.send('GET', `${cal}c.ics`)).status, 404);
    });

    it('honours If-Match and If-None-Match on PUT and DELETE, with strong ETags', async () => {
      const first = await putIcs(alice, `${cal}m.ics`, event('m', 'one'), { 'if-none-match': '*' });
      assert.equal(first.status, 201);
      const etag = first.headers.get('etag')!;
      assert.equal((await putIcs(alice, `${cal}m.ics`, event('m', 'two'), { 'if-none-match': '*' })).status, 412);
      assert.equal((await putIcs(alice, `${cal}m.ics`, event('m', 'two'), { 'if-match': '"0000"' })).status, 412);
      assert.equal((await putIcs(alice, `${cal}nope.ics`, event('n'), { 'if-match': '*' })).status, 412);
      const second = await putIcs(alice, `${cal}m.ics`, event('m', 'two'), { 'if-match': etag });
      assert.equal(second.status, 204);
      const etag2 = second.headers.get('etag')!;
      assert.notEqual(etag2, etag);
      assert.equal((await alice.send('GET', `${cal}m.ics`, { headers: { 'if-none-match': etag2 } })).status, 304);
      assert.equal((await alice.send('DELETE', `${cal}m.ics`, { headers: { 'if-match': etag } })).status, 412);
      assert.ok((await alice.send('GET', `${cal}m.ics`)).text.includes('SUMMARY:two'));
      assert.equal((await alice.send('DELETE', `${cal}m.ics`, { headers: { 'if-match': etag2 } })).status, 204);
      assert.equal((await alice.send('DELETE', `${cal}m.ics`)).status, 404);
    });

    it('sets and removes calendar properties with PROPPATCH, moving the ctag', async () => {
      const props = () =>
        alice.send('PROPFIND', cal, {
          headers: { depth: '0' },
          body: propfindBody(
            'd:displayname',
            'c:calendar-description',
            'ic:calendar-color',
            'ic:calendar-order',
            'c:calendar-timezone',
            'cs:getctag',
          ),
        });
      const ctag = /getctag[^>]*>([^<]+)</.exec((await props()).text)![1];
      const patch = await alice.send('PROPPATCH', cal, {
        body: `<d:propertyupdate ${CAL_NS} xmlns:ic="http://apple.com/ns/ical/"><d:set><d:prop><d:displayname>Büro</d:displayname><c:calendar-description>Team &amp; me</c:calendar-description><ic:calendar-color>#FF0000FF</ic:calendar-color><ic:calendar-order>3</ic:calendar-order><c:calendar-timezone>${BERLIN}</c:calendar-timezone></d:prop></d:set></d:propertyupdate>`,
      });
      assert.equal(patch.status, 207, patch.text);
      assert.match(patch.text, /HTTP\/1.1 200 OK/);
      const after = (await props()).text;
      assert.match(after, /<d:displayname>Büro<\/d:displayname>/);
      assert.match(after, /Team &amp; me/);
      assert.match(after, /#FF0000FF/);
      assert.match(after, /calendar-order[^>]*>3</);
      assert.match(after, /TZID:Europe\/Berlin/);
      assert.notEqual(/getctag[^>]*>([^<]+)</.exec(after)![1], ctag);
      const bad = await alice.send('PROPPATCH', cal, {
        body: `<d:propertyupdate ${CAL_NS}><d:set><d:prop><d:displayname>Never</d:displayname><c:calendar-timezone>nonsense</c:calendar-timezone></d:prop></d:set></d:propertyupdate>`,
      });
      assert.equal(bad.status, 403);
      assert.match(bad.text, C_ERR('valid-calendar-timezone'));
      const removed = await alice.send('PROPPATCH', cal, {
        body: `<d:propertyupdate ${CAL_NS}><d:remove><d:prop><c:calendar-description/></d:prop></d:remove></d:propertyupdate>`,
      });
      assert.equal(removed.status, 207);
      const final = (await props()).text;
      assert.match(final, /<d:displayname>Büro<\/d:displayname>/);
      assert.doesNotMatch(final, /Team &amp; me/);
      const protectedProp = await alice.send('PROPPATCH', cal, {
        body: `<d:propertyupdate ${CAL_NS} xmlns:cs="http://calendarserver.org/ns/"><d:set><d:prop><cs:getctag>1</cs:getctag></d:prop></d:set></d:propertyupdate>`,
      });
      assert.match(protectedProp.text, /cannot-modify-protected-property/);
    });

    it('makes calendars with extended MKCOL and refuses other collections', async () => {
      const mk = await alice.send('MKCOL', '/dav/calendars/alice/todo/', {
        body: `<d:mkcol ${CAL_NS}><d:set><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype><d:displayname>Tasks</d:displayname><c:supported-calendar-component-set><c:comp name="VTODO"/></c:supported-calendar-component-set></d:prop></d:set></d:mkcol>`,
      });
      assert.equal(mk.status, 201, mk.text);
      const todo = ics('BEGIN:VTODO', 'UID:t1', 'DTSTAMP:20260101T000000Z', 'SUMMARY:Do it', 'END:VTODO');
      assert.equal((await putIcs(alice, '/dav/calendars/alice/todo/t1.ics', todo)).status, 201);
      assert.equal((await alice.send('MKCOL', '/dav/calendars/alice/plain/')).status, 403);
      assert.equal((await alice.send('MKCOL', `${cal}sub/`)).status, 403);
      assert.equal((await alice.send('MKCALENDAR', `${cal}sub/`)).status, 403);
      assert.equal((await alice.send('MKCALENDAR', '/dav/calendars/alice/bad/', { body: '<x' })).status, 400);
      assert.equal((await alice.send('DELETE', '/dav/calendars/alice/todo/')).status, 204);
      assert.equal((await alice.send('GET', '/dav/calendars/alice/todo/t1.ics')).status, 404);
      assert.equal((await alice.send('DELETE', '/dav/calendars/alice/')).status, 403);
    });

    it('lets the access policy open a calendar read-only: reads work, changes are refused', async () => {
      const work = await services.calendars.get('alice', 'work');
      services.caldav.policy.addRule((who, c) =>
        who.kind === 'user' && who.userId === 'bob' && c.id === work!.id ? 'read' : undefined,
      );
      const home = await bob.send('PROPFIND', '/dav/calendars/alice/', { headers: { depth: '1' } });
      assert.equal(home.status, 207);
      assert.match(home.text, /\/dav\/calendars\/alice\/work\//);
      assert.equal((await bob.send('GET', `${cal}a.ics`)).status, 200);
      const privs = await bob.send('PROPFIND', cal, {
        headers: { depth: '0' },
        body: propfindBody('d:current-user-privilege-set'),
      });
      assert.match(privs.text, /<d:read\/>/);
      assert.doesNotMatch(privs.text, /<d:write/);
      const put = await putIcs(bob, `${cal}bob.ics`, event('bob'));
      assert.equal(put.status, 403);
      assert.match(put.text, /need-privileges/);
      assert.equal((await bob.send('DELETE', `${cal}a.ics`)).status, 403);
      assert.equal(
        (
          await bob.send('PROPPATCH', cal, {
            body: `<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>x</d:displayname></d:prop></d:set></d:propertyupdate>`,
          })
        ).status,
        403,
      );
      assert.equal((await bob.send('MKCALENDAR', '/dav/calendars/alice/bobs/')).status, 403);
      assert.equal((await bob.send('GET', '/dav/calendars/alice/todo/')).status, 404);
    });
  });
