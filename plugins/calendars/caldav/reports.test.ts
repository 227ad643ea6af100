import assert from 'node:assert/strict';
import { ics, vevent } from '../testing/ics.ts';
import type { TestServer } from '../../../test/harness/test-server.ts';
import { CAL_NS, ENGINES, engineServer, mkcalendarBody, putIcs, report, responseHrefs, userClient } from './testing.ts';

const C_ERR = (name: string) => new RegExp(`<c:${name} xmlns:c="urn:ietf:params:xml:ns:caldav"`);
const query = (filter: string, data = '<c:calendar-data/>') =>
  `<c:calendar-query ${CAL_NS}><d:prop><d:getetag/>${data}</d:prop><c:filter><c:comp-filter name="VCALENDAR">${filter}</c:comp-filter></c:filter></c:calendar-query>`;
const range = (start: string, end: string) => `<c:time-range start="${start}" end="${end}"/>`;
const syncBody = (token: string, level = '<d:sync-level>1</d:sync-level>') =>
  `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token>${level}<d:prop><d:getetag/></d:prop></d:sync-collection>`;

for (const engine of ENGINES)
  describe(`caldav on ${engine}: calendar-query, multiget, sync-collection, free-busy`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let cleanup: () => Promise<void>;
    let alice: Awaited<ReturnType<typeof userClient>>;
    const cal = '/dav/calendars/alice/r/';

    before(async function () {
      const s = await engineServer(this, engine);
      if (!s) return;
      ({ server, cleanup } = s);
      alice = await userClient(server, 'alice');
      assert.equal((await alice.send('MKCALENDAR', cal, { body: mkcalendarBody('R') })).status, 201);
      const objects: Record<string, string> = {
        // Every Monday 09:00 New York from 2 March 2026 (US summer time starts 8 March), one override, one EXDATE.
        'weekly.ics': ics(
          ...vevent(
            'UID:weekly',
            'DTSTART;TZID=America/New_York:20260302T090000',
            'DURATION:PT1H',
            'RRULE:FREQ=WEEKLY',
            'EXDATE;TZID=America/New_York:20260316T090000',
            'SUMMARY:Weekly',
          ),
          ...vevent(
            'UID:weekly',
            'RECURRENCE-ID;TZID=America/New_York:20260323T090000',
            'DTSTART:20260324T150000Z',
            'DURATION:PT1H',
            'SUMMARY:Moved',
          ),
        ),
        'single.ics': ics(
          ...vevent(
            'UID:single',
            'DTSTART:20260310T120000Z',
            'DTEND:20260310T130000Z',
            'SUMMARY:Lunch',
            'TRANSP:OPAQUE',
          ),
        ),
        'april.ics': ics(...vevent('UID:april', 'DTSTART;VALUE=DATE:20260415', 'SUMMARY:All day')),
        'task.ics': ics(
          'BEGIN:VTODO',
          'UID:task',
          'DTSTAMP:20260101T000000Z',
          'DUE:20260312T170000Z',
          'SUMMARY:Report',
          'END:VTODO',
        ),
      };
      for (const [name, body] of Object.entries(objects))
        assert.equal((await putIcs(alice, cal + name, body)).status, 201);
    });
    after(async () => cleanup?.());

    it('calendar-query finds recurring sets by any instance across DST, and honours text-match', async () => {
      const march = await report(
        alice,
        cal,
        query(`<c:comp-filter name="VEVENT">${range('20260323T000000Z', '20260324T000000Z')}</c:comp-filter>`),
      );
      assert.equal(march.status, 207);
      assert.deepEqual(responseHrefs(march.text), [], 'the 23rd moved to the 24th');
      const moved = await report(
        alice,
        cal,
        query(`<c:comp-filter name="VEVENT">${range('20260324T000000Z', '20260325T000000Z')}</c:comp-filter>`),
      );
      assert.deepEqual(responseHrefs(moved.text), [`${cal}weekly.ics`]);
      const year2030 = await report(
        alice,
        cal,
        query(`<c:comp-filter name="VEVENT">${range('20300101T000000Z', '20300108T000000Z')}</c:comp-filter>`),
      );
      assert.deepEqual(responseHrefs(year2030.text), [`${cal}weekly.ics`], 'endless rules are found far ahead');
      const text = await report(
        alice,
        cal,
        query(
          '<c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match>LUNCH</c:text-match></c:prop-filter></c:comp-filter>',
        ),
      );
      assert.deepEqual(responseHrefs(text.text), [`${cal}single.ics`]);
      const todos = await report(alice, cal, query('<c:comp-filter name="VTODO"/>'), null);
      assert.deepEqual(responseHrefs(todos.text), [`${cal}task.ics`]);
    });

    it('expands recurrences into UTC instances (expand) and trims overrides (limit-recurrence-set)', async () => {
      const r = await report(
        alice,
        cal,
        query(
          `<c:comp-filter name="VEVENT">${range('20260301T000000Z', '20260401T000000Z')}</c:comp-filter>`,
          `<c:calendar-data><c:expand start="20260301T000000Z" end="20260401T000000Z"/></c:calendar-data>`,
        ),
      );
      assert.deepEqual(responseHrefs(r.text), [`${cal}single.ics`, `${cal}weekly.ics`]);
      const weekly = r.text.slice(r.text.indexOf('weekly.ics'));
      const starts = [...weekly.matchAll(/DTSTART:(\d{8}T\d{6}Z)/g)].map((m) => m[1]);
      // EST (14:00Z) on 2 March, EDT (13:00Z) after 8 March; the 16th excluded; the 23rd moved to the 24th.
      assert.deepEqual(starts, ['20260302T140000Z', '20260309T130000Z', '20260324T150000Z', '20260330T130000Z']);
      assert.doesNotMatch(weekly, /RRULE|EXDATE|VTIMEZONE/);
      const early = await report(
        alice,
        cal,
        query(
          `<c:comp-filter name="VEVENT">${range('20260301T000000Z', '20260312T000000Z')}</c:comp-filter>`,
          `<c:calendar-data><c:expand start="20260301T000000Z" end="20260312T000000Z"/></c:calendar-data>`,
        ),
      );
      const ew = early.text.slice(early.text.indexOf('weekly.ics'));
      assert.deepEqual(
        [...ew.matchAll(/DTSTART:(\d{8}T\d{6}Z)/g)].map((m) => m[1]),
        ['20260302T140000Z', '20260309T130000Z'],
        'an override after the range hides no instance',
      );
      const limited = await report(
        alice,
        cal,
        query(
          `<c:comp-filter name="VEVENT">${range('20260401T000000Z', '20260501T000000Z')}</c:comp-filter>`,
          `<c:calendar-data><c:limit-recurrence-set start="20260401T000000Z" end="20260501T000000Z"/></c:calendar-data>`,
        ),
      );
      const lw = limited.text.slice(limited.text.indexOf('weekly.ics'));
      assert.match(lw, /RRULE:FREQ=WEEKLY/);
      assert.doesNotMatch(lw, /Moved/);
    });

    it('refuses bad filters with CalDAV preconditions, bad XML with 400', async () => {
      const bad = await report(
        alice,
        cal,
        query(`<c:comp-filter name="VEVENT"><c:time-range start="tomorrow"/></c:comp-filter>`),
      );
      assert.equal(bad.status, 403);
      assert.match(bad.text, C_ERR('valid-filter'));
      const collation = await report(
        alice,
        cal,
        query(
          '<c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match collation="i;klingon">x</c:text-match></c:prop-filter></c:comp-filter>',
        ),
      );
      assert.equal(collation.status, 403);
      assert.match(collation.text, C_ERR('supported-collation'));
      const noFilter = await report(
        alice,
        cal,
        `<c:calendar-query ${CAL_NS}><d:prop><d:getetag/></d:prop></c:calendar-query>`,
      );
      assert.equal(noFilter.status, 403);
      assert.equal(
        (await report(alice, cal, '<c:calendar-query xmlns:c="urn:ietf:params:xml:ns:caldav">')).status,
        400,
      );
      assert.equal((await report(alice, '/dav/calendars/alice/', query('<c:comp-filter name="VEVENT"/>'))).status, 403);
    });

    it('calendar-multiget returns the named objects and 404 for unknown ones, whatever the Depth', async () => {
      const body = `<c:calendar-multiget ${CAL_NS}><d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>${cal}single.ics</d:href><d:href>${cal}gone.ics</d:href><d:href>${cal}task.ics</d:href></c:calendar-multiget>`;
      for (const depth of [null, '0', '1']) {
        const r = await report(alice, cal, body, depth);
        assert.equal(r.status, 207);
        assert.deepEqual(responseHrefs(r.text), [`${cal}single.ics`, `${cal}task.ics`, `${cal}gone.ics`]);
        assert.match(r.text, /SUMMARY:Lunch/);
        assert.match(r.text, /<d:href>[^<]*gone\.ics<\/d:href><d:status>HTTP\/1.1 404 Not Found/);
      }
    });

    it('sync-collection: initial listing, changes and deletions since a token, bad tokens refused', async () => {
      const first = await report(alice, cal, syncBody(''), null);
      assert.equal(first.status, 207);
      assert.equal(responseHrefs(first.text).length, 4);
      const token = /<d:sync-token>([^<]+)<\/d:sync-token><\/d:multistatus>/.exec(first.text)![1]!;
      assert.match(token, /^http:\/\/sabre\.io\/ns\/sync\/\d+$/);
      assert.equal((await alice.send('DELETE', `${cal}april.ics`)).status, 204);
      assert.equal(
        (await putIcs(alice, `${cal}new.ics`, ics(...vevent('UID:new', 'DTSTART:20260601T100000Z')))).status,
        201,
      );
      const delta = await report(alice, cal, syncBody(token, ''), '1');
      assert.deepEqual(responseHrefs(delta.text).sort(), [`${cal}april.ics`, `${cal}new.ics`]);
      assert.match(delta.text, /april\.ics<\/d:href><d:status>HTTP\/1.1 404 Not Found/);
      for (const t of ['http://sabre.io/ns/sync/1', 'urn:other:5', 'http://sabre.io/ns/sync/99999999999999']) {
        const r = await report(alice, cal, syncBody(t));
        assert.equal(r.status, 403, t);
        assert.match(r.text, /<d:valid-sync-token\/>/);
      }
    });

    it('free-busy-query answers a VFREEBUSY of the busy times in range', async () => {
      const r = await report(
        alice,
        cal,
        `<c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav">${range('20260309T000000Z', '20260311T000000Z')}</c:free-busy-query>`,
      );
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/calendar/);
      const text = r.text.replace(/\r\n /g, '');
      assert.match(text, /FREEBUSY:20260309T130000Z\/20260309T140000Z/);
      assert.match(text, /FREEBUSY:20260310T120000Z\/20260310T130000Z/);
      const open = await report(
        alice,
        cal,
        `<c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:time-range start="20260309T000000Z"/></c:free-busy-query>`,
      );
      assert.equal(open.status, 400);
    });
  });
