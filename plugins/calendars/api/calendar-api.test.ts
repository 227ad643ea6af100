import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { startTestServer, eventually, type TestServer } from '../../../test/harness/test-server.ts';
import { calendarsPlugin, type CalendarServices } from '../index.ts';

describe('calendars: the JSON API of the Calendar page', function () {
  this.timeout(30_000);
  let s: TestServer;
  let services: CalendarServices | null = null;
  let ann: string;
  let ben: string;
  let cal: string;
  const api = (token: string, method: string, path: string, body?: unknown) =>
    s.api(token, method, `/api/v1/calendars${path}`, body);
  const occurrences = async (token: string, id: string, start: string, end: string) =>
    (await api(token, 'GET', `/${id}/occurrences?start=${start}&end=${end}`)).body.occurrences as Array<
      Record<string, any>
    >;

  before(async () => {
    s = await startTestServer({ plugins: [calendarsPlugin({ onReady: (x) => (services = x) })] });
    ann = await s.user('ann');
    ben = await s.user('ben');
  });
  after(async () => s?.destroy());

  it('gives a first visit a Personal calendar, and creates, renames, recolours and deletes calendars', async () => {
    const first = await api(ann, 'GET', '/');
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.calendars.map((c: any) => [c.name, c.kind, c.access]),
      [['Personal', 'own', 'owner']],
    );
    cal = first.body.calendars[0].id;
    const made = await api(ann, 'POST', '/', { name: 'Work', color: '#1A8A5A' });
    assert.equal(made.status, 201);
    assert.equal(made.body.color, '#1a8a5a');
    const renamed = await api(ann, 'PATCH', `/${made.body.id}`, { name: 'Office', color: '#c2410c' });
    assert.deepEqual([renamed.body.name, renamed.body.color], ['Office', '#c2410c']);
    assert.equal((await api(ann, 'PATCH', `/${made.body.id}`, { color: 'red' })).body.code, 'CALENDAR_INVALID_PROPS');
    assert.equal((await api(ann, 'POST', '/', { name: ' ' })).body.code, 'CALENDAR_INVALID_PROPS');
    // Another user's calendar does not exist for ben.
    assert.equal((await api(ben, 'GET', `/${made.body.id}/occurrences?start=2026-01-01&end=2026-02-01`)).status, 404);
    assert.equal((await api(ben, 'DELETE', `/${made.body.id}`)).status, 404);
    assert.equal((await api(ann, 'DELETE', `/${made.body.id}`)).status, 204);
    assert.equal((await api(ann, 'GET', '/')).body.calendars.length, 1);
    assert.equal((await s.api(null, 'GET', '/api/v1/calendars/')).status, 401);
  });

  it('creates a time-zoned event stored as iCalendar with its VTIMEZONE, listed as an instant', async () => {
    const r = await api(ann, 'POST', `/${cal}/events`, {
      title: 'Stand-up',
      start: '2026-03-30T09:00',
      end: '2026-03-30T09:15',
      timezone: 'Europe/Berlin',
    });
    assert.equal(r.status, 201);
    const stored = await services!.objects.get(cal, r.body.eventId);
    const text = stored!.data.toString();
    assert.match(text, /DTSTART;TZID=Europe\/Berlin:20260330T090000/);
    assert.match(text, /BEGIN:VTIMEZONE/);
    const list = await occurrences(ann, cal, '2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z');
    assert.deepEqual(
      list.map((o) => [o.title, o.start, o.end, o.timezone, o.recurring]),
      [['Stand-up', '2026-03-30T07:00:00.000Z', '2026-03-30T07:15:00.000Z', 'Europe/Berlin', false]],
    );
    // Moved by a drag (instants), it stays written in its zone.
    const moved = await api(ann, 'PATCH', `/${cal}/events/${r.body.eventId}`, {
      start: '2026-03-30T08:00:00.000Z',
      end: '2026-03-30T08:30:00.000Z',
    });
    assert.equal(moved.status, 204);
    assert.match(
      (await services!.objects.get(cal, r.body.eventId))!.data.toString(),
      /TZID=Europe\/Berlin:20260330T100000/,
    );
    assert.equal((await api(ann, 'DELETE', `/${cal}/events/${r.body.eventId}`)).status, 204);
    assert.equal((await occurrences(ann, cal, '2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z')).length, 0);
  });

  it('creates all-day and weekly events; edits and deletes one instance or the whole series', async () => {
    const day = await api(ann, 'POST', `/${cal}/events`, {
      title: 'Holiday',
      allDay: true,
      start: '2026-05-01',
      end: '2026-05-03',
    });
    assert.equal(day.status, 201);
    const weekly = await api(ann, 'POST', `/${cal}/events`, {
      title: 'Review',
      start: '2026-05-04T14:00',
      end: '2026-05-04T15:00',
      timezone: 'America/New_York',
      repeat: 'weekly',
    });
    const id = weekly.body.eventId;
    let list = await occurrences(ann, cal, '2026-05-01T00:00:00Z', '2026-05-26T00:00:00Z');
    assert.deepEqual(
      list.map((o) => [o.title, o.start, o.allDay]),
      [
        ['Holiday', '2026-05-01', true],
        ['Review', '2026-05-04T18:00:00.000Z', false],
        ['Review', '2026-05-11T18:00:00.000Z', false],
        ['Review', '2026-05-18T18:00:00.000Z', false],
        ['Review', '2026-05-25T18:00:00.000Z', false],
      ],
    );
    assert.equal(list[0]!.end, '2026-05-03');
    const second = list[2]!;
    assert.equal(second.recurrenceId, '2026-05-11T14:00:00');
    // This instance only: renamed and an hour later.
    const one = await api(ann, 'PATCH', `/${cal}/events/${id}`, {
      scope: 'instance',
      recurrenceId: second.recurrenceId,
      title: 'Review (moved)',
      start: '2026-05-11T19:00:00Z',
      end: '2026-05-11T20:00:00Z',
    });
    assert.equal(one.status, 204);
    // Delete another instance.
    const del = await api(ann, 'DELETE', `/${cal}/events/${id}?scope=instance&recurrenceId=2026-05-18T14:00:00`);
    assert.equal(del.status, 204);
    list = await occurrences(ann, cal, '2026-05-04T00:00:00Z', '2026-05-26T00:00:00Z');
    assert.deepEqual(
      list.map((o) => [o.title, o.start]),
      [
        ['Review', '2026-05-04T18:00:00.000Z'],
        ['Review (moved)', '2026-05-11T19:00:00.000Z'],
        ['Review', '2026-05-25T18:00:00.000Z'],
      ],
    );
    const text = (await services!.objects.get(cal, id))!.data.toString();
    assert.match(text, /RECURRENCE-ID;TZID=America\/New_York:20260511T140000/);
    assert.match(text, /EXDATE;TZID=America\/New_York:20260518T140000/);
    // The whole series renamed from an instance: the override keeps its own title.
    await api(ann, 'PATCH', `/${cal}/events/${id}`, { scope: 'all', title: 'Weekly review' });
    list = await occurrences(ann, cal, '2026-05-04T00:00:00Z', '2026-05-26T00:00:00Z');
    assert.deepEqual(
      list.map((o) => o.title),
      ['Weekly review', 'Review (moved)', 'Weekly review'],
    );
    // Dragging an instance with scope all moves the series by the same amount.
    await api(ann, 'PATCH', `/${cal}/events/${id}`, {
      scope: 'all',
      recurrenceId: '2026-05-25T14:00:00',
      start: '2026-05-25T19:00:00Z',
      end: '2026-05-25T20:00:00Z',
    });
    list = await occurrences(ann, cal, '2026-05-04T00:00:00Z', '2026-05-05T00:00:00Z');
    assert.equal(list[0]!.start, '2026-05-04T19:00:00.000Z');
    assert.equal((await api(ann, 'DELETE', `/${cal}/events/${id}?scope=all`)).status, 204);
    assert.equal((await api(ann, 'DELETE', `/${cal}/events/${day.body.eventId}`)).status, 204);
  });

  it('refuses bad input in plain words with declared codes, never a 500', async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      [
        'POST',
        `/${cal}/events`,
        { title: 'x', start: '2026-02-30T10:00', end: '2026-03-01T10:00' },
        400,
        'CALENDAR_INVALID_EVENT',
      ],
      [
        'POST',
        `/${cal}/events`,
        { title: 'x', start: '2026-03-02T10:00', end: '2026-03-01T10:00' },
        400,
        'CALENDAR_INVALID_EVENT',
      ],
      [
        'POST',
        `/${cal}/events`,
        { title: 'x', start: '2026-03-01T10:00', end: '2026-03-01T11:00', timezone: 'Mars/Base' },
        400,
        'CALENDAR_INVALID_EVENT',
      ],
      ['POST', `/${cal}/events`, { title: 'x', start: 5, end: [] }, 400, 'CALENDAR_INVALID_EVENT'],
      [
        'POST',
        `/${cal}/events`,
        { start: '2026-03-01', end: '2026-03-02', allDay: true },
        400,
        'CALENDAR_INVALID_EVENT',
      ],
      [
        'POST',
        `/${cal}/events`,
        { title: 'x', start: '2026-03-01', end: '2026-03-02', repeat: 'hourly' },
        400,
        'CALENDAR_INVALID_EVENT',
      ],
      ['POST', `/${cal}/events`, [1, 2], 400, 'CALENDAR_INVALID_EVENT'],
      ['PATCH', `/${cal}/events/nope.ics`, { title: 'y' }, 404, 'CALENDAR_EVENT_NOT_FOUND'],
      ['PATCH', `/${cal}/events/a%2Fb`, { title: 'y' }, 404, 'CALENDAR_EVENT_NOT_FOUND'],
      ['DELETE', `/${cal}/events/nope.ics?scope=sometimes`, undefined, 400, 'CALENDAR_INVALID_EVENT'],
      ['GET', `/${cal}/occurrences?start=2026-01-01&end=2028-01-01`, undefined, 400, 'CALENDAR_INVALID_RANGE'],
      ['GET', `/${cal}/occurrences?start=yesterday`, undefined, 400, 'CALENDAR_INVALID_RANGE'],
      ['GET', `/no-such-calendar/occurrences?start=2026-01-01&end=2026-01-02`, undefined, 404, 'CALENDAR_NOT_FOUND'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const r = await api(ann, method, path, body);
      assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)}`);
      assert.equal(r.body.code, code);
      assert.ok(typeof r.body.message === 'string' && r.body.message.length > 5);
    }
  });

  it('imports an .ics file (skipping and explaining what it cannot take) and downloads the calendar', async () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Test//EN',
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Paris',
      'BEGIN:STANDARD',
      'DTSTART:19701025T030000',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:19700329T020000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:imp-1',
      'DTSTAMP:20260101T000000Z',
      'DTSTART;TZID=Europe/Paris:20260610T100000',
      'DTEND;TZID=Europe/Paris:20260610T110000',
      'SUMMARY:Imported one',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:imp-2',
      'DTSTAMP:20260101T000000Z',
      'DTSTART;VALUE=DATE:20260611',
      'RRULE:FREQ=DAILY;COUNT=2',
      'SUMMARY:Imported two',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:imp-3',
      'DTSTAMP:20260101T000000Z',
      'SUMMARY:No start',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'DTSTAMP:20260101T000000Z',
      'DTSTART:20260612T100000Z',
      'SUMMARY:No uid',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const res = await fetch(`${s.origin}/api/v1/calendars/${cal}/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ann}`, 'content-type': 'text/calendar' },
      body: ics,
    });
    const summary = (await res.json()) as { imported: number; skipped: Array<{ title: string; reason: string }> };
    assert.equal(res.status, 200);
    assert.equal(summary.imported, 2, JSON.stringify(summary));
    assert.deepEqual(summary.skipped.map((x) => x.title).sort(), ['No start', 'No uid']);
    const again = await fetch(`${s.origin}/api/v1/calendars/${cal}/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ann}`, 'content-type': 'text/calendar' },
      body: ics,
    });
    const second = (await again.json()) as typeof summary;
    assert.equal(second.imported, 0);
    assert.ok(second.skipped.some((x) => x.title === 'Imported one' && /already/.test(x.reason)));
    const list = await occurrences(ann, cal, '2026-06-10T00:00:00Z', '2026-06-14T00:00:00Z');
    assert.deepEqual(
      list.map((o) => [o.title, o.start]),
      [
        ['Imported one', '2026-06-10T08:00:00.000Z'],
        ['Imported two', '2026-06-11'],
        ['Imported two', '2026-06-12'],
      ],
    );
    const bad = await fetch(`${s.origin}/api/v1/calendars/${cal}/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ann}`, 'content-type': 'text/calendar' },
      body: 'hello',
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, 'CALENDAR_INVALID_IMPORT');

    const dl = await fetch(`${s.origin}/api/v1/calendars/${cal}/export`, {
      headers: { authorization: `Bearer ${ann}` },
    });
    assert.equal(dl.status, 200);
    assert.match(dl.headers.get('content-type') ?? '', /text\/calendar/);
    assert.match(dl.headers.get('content-disposition') ?? '', /Personal\.ics/);
    const text = await dl.text();
    assert.equal(text.match(/BEGIN:VEVENT/g)?.length, 2);
    assert.equal(text.match(/BEGIN:VTIMEZONE/g)?.length, 1);
  });

  it('tells the owner’s open pages live when a calendar changes', async () => {
    const socket = io(`${s.origin}/calendars`, { auth: { token: ann }, transports: ['websocket'] });
    const seen: unknown[] = [];
    socket.on('calendar:changed', (m: unknown) => seen.push(m));
    try {
      await eventually(async () => socket.connected, 10_000, 'socket connected');
      await api(ann, 'POST', `/${cal}/events`, { title: 'Live', start: '2026-07-01T10:00Z', end: '2026-07-01T11:00Z' });
      await eventually(async () => seen.length > 0, 10_000, 'calendar:changed');
      assert.deepEqual(seen[0], { calendarId: cal });
    } finally {
      socket.close();
    }
  });
});
