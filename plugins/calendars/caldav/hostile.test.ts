import assert from 'node:assert/strict';
import type { TestServer } from '../../../test/harness/test-server.ts';
import { ics, vevent } from '../testing/ics.ts';
import { caldavServer, CAL_NS, mkcalendarBody, putIcs, userClient } from './testing.ts';

/** Hostile and broken requests: always a DAV status below 500, and the stored calendar stays exactly as it was. */
describe('caldav: bad input never answers 500 and never changes stored data', function () {
  this.timeout(120_000);
  let server: TestServer;
  let alice: Awaited<ReturnType<typeof userClient>>;
  const cal = '/dav/calendars/alice/h/';
  const stored = ics(...vevent('UID:keep', 'DTSTART:20260105T100000Z', 'RRULE:FREQ=DAILY', 'SUMMARY:Keep'));

  before(async () => {
    ({ server } = await caldavServer());
    alice = await userClient(server, 'alice');
    assert.equal((await alice.send('MKCALENDAR', cal, { body: mkcalendarBody('H') })).status, 201);
    assert.equal((await putIcs(alice, `${cal}keep.ics`, stored)).status, 201);
  });
  after(async () => server?.destroy());

  const snapshot = async () => {
    const r = await alice.send('REPORT', cal, {
      body: '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:prop><d:getetag/><d:displayname/></d:prop></d:sync-collection>',
    });
    return r.text.replace(/<d:sync-token>[^<]*<\/d:sync-token>/, '');
  };

  it('survives broken bodies for every method and path', async () => {
    const before = await snapshot();
    const deep = '<a>'.repeat(200) + '</a>'.repeat(200);
    const bodies = [
      '',
      '<',
      'garbage',
      deep,
      '<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>',
      `<c:calendar-query ${CAL_NS}><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20261301T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`,
      `<c:calendar-query ${CAL_NS}><c:filter><c:comp-filter/></c:filter></c:calendar-query>`,
      `<c:calendar-query ${CAL_NS}><d:prop><c:calendar-data><c:expand start="20300101T000000Z" end="20200101T000000Z"/></c:calendar-data></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>`,
      `<c:calendar-query ${CAL_NS}><c:timezone>BEGIN:VCALENDAR</c:timezone><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>`,
      `<c:calendar-multiget ${CAL_NS}><d:href>http://evil.example/x</d:href><d:href>%zz</d:href><d:href>../../bob/</d:href></c:calendar-multiget>`,
      `<c:free-busy-query ${CAL_NS}><c:time-range start="x" end="y"/></c:free-busy-query>`,
      '<d:sync-collection xmlns:d="DAV:"><d:sync-token>http://sabre.io/ns/sync/abc</d:sync-token><d:limit><d:nresults>0</d:nresults></d:limit></d:sync-collection>',
      `<d:propertyupdate ${CAL_NS}><d:set><d:prop><c:calendar-timezone>BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nEND:VCALENDAR</c:calendar-timezone></d:prop></d:set></d:propertyupdate>`,
      `<d:propertyupdate ${CAL_NS}><d:set><d:prop><d:displayname>x</d:displayname><x:dead xmlns:x="urn:x">1</x:dead><d:getetag>"1"</d:getetag></d:prop></d:set></d:propertyupdate>`,
      `<d:mkcol ${CAL_NS}><d:set><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype><c:supported-calendar-component-set><c:comp name="VCARD"/></c:supported-calendar-component-set></d:prop></d:set></d:mkcol>`,
      'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:keep\r\nDTSTART:nonsense\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:keep\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=SECONDLY;BYMONTH=13\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
    ];
    const methods = [
      'PUT',
      'PROPFIND',
      'PROPPATCH',
      'REPORT',
      'MKCALENDAR',
      'MKCOL',
      'DELETE',
      'COPY',
      'MOVE',
      'LOCK',
      'POST',
    ];
    const paths = [
      cal,
      `${cal}keep.ics`,
      '/dav/calendars/alice/',
      '/dav/calendars/',
      '/dav/principals/alice/',
      `${cal}x%2fy.ics`,
    ];
    const statuses = new Map<number, number>();
    for (const method of methods)
      for (const path of paths)
        for (const body of bodies) {
          // The stored object is never the target of a write that should succeed: keep.ics only gets broken bodies.
          if ((method === 'DELETE' || method === 'MOVE') && path.endsWith('keep.ics')) continue;
          if (method === 'DELETE' && path === cal) continue;
          const headers: Record<string, string> = { depth: method === 'PROPFIND' ? '1' : 'infinity' };
          if (method === 'PUT' && !body.startsWith('BEGIN')) headers['content-type'] = 'text/calendar';
          const r = await alice.send(method, path, { headers, body });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          assert.ok(r.status < 500, `${method} ${path} ${body.slice(0, 60)} → ${r.status} ${r.text}`);
        }
    assert.equal(await snapshot(), before);
    const get = await alice.send('GET', `${cal}keep.ics`);
    assert.equal(get.text, stored);
  });
});
