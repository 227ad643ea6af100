import assert from 'node:assert/strict';
import { DAVClient, type DAVCalendar } from 'tsdav';
import { caldavServer } from '../../plugins/calendars/caldav/testing.ts';
import { ics, vevent } from '../../plugins/calendars/testing/ics.ts';
import type { TestServer } from '../harness/test-server.ts';

/** tsdav (npm) against our CalDAV server: the flows dav.md §2 traced on the wire. */
describe('clients: tsdav against /dav/calendars', function () {
  this.timeout(60_000);
  let server: TestServer;
  let client: DAVClient;
  let calendar: DAVCalendar;

  before(async () => {
    ({ server } = await caldavServer());
    await server.user('alice');
    client = new DAVClient({
      serverUrl: server.origin,
      credentials: { username: 'alice', password: 'alice-password' },
      authMethod: 'Basic',
      defaultAccountType: 'caldav',
    });
  });
  after(async () => server?.destroy());

  it('discovers the principal and calendar home through /.well-known/caldav', async () => {
    await client.login();
    assert.equal(client.account?.principalUrl, `${server.origin}/dav/principals/alice/`);
    assert.equal(client.account?.homeUrl, `${server.origin}/dav/calendars/alice/`);
  });

  it('creates a calendar and lists it with its reports', async () => {
    await client.makeCalendar({
      url: `${server.origin}/dav/calendars/alice/work/`,
      props: { displayname: 'Work' },
    });
    const calendars = await client.fetchCalendars();
    // Beside the server's default calendar, made the first time alice's calendars were listed.
    assert.deepEqual(calendars.map((c) => c.displayName).sort(), ['Personal', 'Work']);
    calendar = calendars.find((c) => c.displayName === 'Work')!;
    assert.equal(calendar.displayName, 'Work');
    assert.ok(calendar.reports?.includes('syncCollection'), JSON.stringify(calendar.reports));
    assert.ok(calendar.reports?.includes('calendarQuery'));
    assert.ok(calendar.reports?.includes('calendarMultiget'));
    assert.match(String(calendar.syncToken), /^http:\/\/sabre\.io\/ns\/sync\/\d+$/);
  });

  it('creates, updates and deletes events, and syncs each change', async () => {
    const weekly = ics(
      ...vevent(
        'UID:w1',
        'DTSTART:20260105T090000Z',
        'DTEND:20260105T093000Z',
        'RRULE:FREQ=WEEKLY;COUNT=10',
        'SUMMARY:Standup',
      ),
    );
    const created = await client.createCalendarObject({ calendar, filename: 'w1.ics', iCalString: weekly });
    assert.equal(created.status, 201);
    const once = ics(...vevent('UID:o1', 'DTSTART:20260110T120000Z', 'DTEND:20260110T130000Z', 'SUMMARY:Lunch'));
    assert.equal((await client.createCalendarObject({ calendar, filename: 'o1.ics', iCalString: once })).status, 201);
    // A second create of the same name is refused (If-None-Match: *).
    assert.equal((await client.createCalendarObject({ calendar, filename: 'o1.ics', iCalString: once })).status, 412);

    let objects = await client.fetchCalendarObjects({ calendar });
    assert.deepEqual(objects.map((o) => o.url.split('/').pop()).sort(), ['o1.ics', 'w1.ics']);
    const lunch = objects.find((o) => o.url.endsWith('o1.ics'))!;
    assert.equal(String(lunch.data).trim(), once.trim(), 'tsdav trims the text it reads');

    const ranged = await client.fetchCalendarObjects({
      calendar,
      timeRange: { start: '2026-01-12T00:00:00Z', end: '2026-01-13T00:00:00Z' },
      expand: true,
    });
    assert.equal(ranged.length, 1);
    assert.match(String(ranged[0]!.data), /RECURRENCE-ID:20260112T090000Z/);

    const updated = once.replace('SUMMARY:Lunch', 'SUMMARY:Long lunch');
    const up = await client.updateCalendarObject({ calendarObject: { ...lunch, data: updated } });
    assert.equal(up.status, 204);
    const stale = await client.updateCalendarObject({ calendarObject: { ...lunch, data: once } });
    assert.equal(stale.status, 412, 'the old ETag no longer matches');

    const before = calendar;
    const synced = await client.syncCalendars({ oldCalendars: [before], detailedResult: true });
    const changed = (synced as { updated: DAVCalendar[] }).updated;
    assert.equal(changed.length, 1);
    calendar = changed[0]!;
    assert.notEqual(calendar.syncToken, before.syncToken);
    assert.ok(calendar.objects?.some((o) => String(o.data).includes('Long lunch')));

    objects = await client.fetchCalendarObjects({ calendar });
    const fresh = objects.find((o) => o.url.endsWith('o1.ics'))!;
    assert.equal((await client.deleteCalendarObject({ calendarObject: fresh })).status, 204);
    const delta = await client.smartCollectionSync({
      collection: { ...calendar, objectMultiGet: client.calendarMultiGet },
      method: 'webdav',
      detailedResult: true,
      account: client.account,
    });
    const deleted = (delta.objects as { deleted: Array<{ url: string }> }).deleted;
    assert.deepEqual(
      deleted.map((o) => o.url.split('/').pop()),
      ['o1.ics'],
    );
  });
});
