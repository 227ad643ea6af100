import assert from 'node:assert/strict';
import { migrate } from '../../core/storage/migrations.ts';
import type { Database } from '../../core/storage/database.ts';
import { postgresAvailable, throwawayDatabase } from '../harness/databases.ts';
import { CaldavPreconditionError } from '../../plugins/calendars/caldav-errors.ts';
import { CalendarStore } from '../../plugins/calendars/calendar-store.ts';
import { runCalendarQuery, runFreeBusyQuery } from '../../plugins/calendars/calendar-query.ts';
import { validateCalendarObject } from '../../plugins/calendars/ical-validate.ts';
import { ObjectStore } from '../../plugins/calendars/object-store.ts';
import { calendarMigrations } from '../../plugins/calendars/schema.ts';
import { ics, range, vevent } from '../../plugins/calendars/testing/ics.ts';
import { ianaZone, utcZone } from '../../plugins/calendars/timezones.ts';

// The same queries on both engines: the prefilter is SQL, the exact test is not.
for (const engine of ['sqlite', 'postgres'] as const)
  describe(`calendar-query and free-busy over stored objects on ${engine}`, () => {
    let database: Database;
    let cleanup: () => Promise<void>;
    let objects: ObjectStore;
    let calendarId: string;
    const store = async (uri: string, text: string) => {
      const v = validateCalendarObject(text, { supportedComponents: ['VEVENT', 'VTODO'] });
      await objects.put(calendarId, uri, v.bytes, v.index);
    };

    before(async function () {
      if (engine === 'postgres' && !(await postgresAvailable())) {
        console.log('    (PostgreSQL not reachable on 127.0.0.1:5432; skipping outside CI)');
        return this.skip();
      }
      ({ database, cleanup } = await throwawayDatabase(engine));
      await migrate(database.db, database.dialect, [{ owner: 'calendars', migrations: calendarMigrations }]);
      objects = new ObjectStore(database.db);
      calendarId = (await new CalendarStore(database.db).create({ ownerId: 'alice', uri: 'work' })).id;
      await store('jan.ics', ics(...vevent('UID:jan', 'DTSTART:20260110T100000Z', 'DURATION:PT1H')));
      await store('mar.ics', ics(...vevent('UID:mar', 'DTSTART:20260310T100000Z', 'DURATION:PT1H', 'SUMMARY:Review')));
      await store(
        'weekly.ics',
        ics(
          ...vevent(
            'UID:weekly',
            'DTSTART;TZID=Europe/Berlin:20250106T090000',
            'DURATION:PT1H',
            'RRULE:FREQ=WEEKLY;BYDAY=MO',
          ),
        ),
      );
      await store('floating.ics', ics(...vevent('UID:floating', 'DTSTART:20260401T003000', 'DURATION:PT1H')));
      await store('todo.ics', ics('BEGIN:VTODO', 'UID:todo', 'DUE:20260315T120000Z', 'END:VTODO'));
    });
    after(async () => cleanup?.());

    const march = range('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    const uris = (hits: Array<{ object: { uri: string } }>) => hits.map((h) => h.object.uri).sort();

    it('returns exactly the objects with an occurrence in the range, recurring ones included', async () => {
      const filter = { name: 'VCALENDAR', compFilters: [{ name: 'VEVENT', timeRange: march }] };
      assert.deepEqual(uris(await runCalendarQuery(objects, calendarId, filter, utcZone)), ['mar.ics', 'weekly.ics']);
      // 00:30 floating on April 1 is 22:30Z on March 31 when read in Berlin (UTC+2).
      assert.deepEqual(uris(await runCalendarQuery(objects, calendarId, filter, ianaZone('Europe/Berlin')!)), [
        'floating.ics',
        'mar.ics',
        'weekly.ics',
      ]);
      const todos = { name: 'VCALENDAR', compFilters: [{ name: 'VTODO', timeRange: march }] };
      assert.deepEqual(uris(await runCalendarQuery(objects, calendarId, todos, utcZone)), ['todo.ics']);
      const text = {
        name: 'VCALENDAR',
        compFilters: [{ name: 'VEVENT', propFilters: [{ name: 'SUMMARY', textMatch: { value: 'review' } }] }],
      };
      assert.deepEqual(uris(await runCalendarQuery(objects, calendarId, text, utcZone)), ['mar.ics']);
    });

    it('refuses an invalid filter before reading anything', async () => {
      await assert.rejects(runCalendarQuery(objects, calendarId, { name: 'VEVENT' }, utcZone), CaldavPreconditionError);
    });

    it('reports free-busy from every occurrence, and refuses a range holding too many occurrences', async () => {
      const week = range('2026-03-09T00:00:00Z', '2026-03-16T00:00:00Z');
      const fb = await runFreeBusyQuery(objects, calendarId, week, utcZone, Date.parse('2026-03-01T00:00:00Z'));
      assert.deepEqual(
        fb.split('\r\n').filter((l) => l.startsWith('FREEBUSY')),
        ['FREEBUSY:20260309T080000Z/20260309T090000Z', 'FREEBUSY:20260310T100000Z/20260310T110000Z'],
      );
      await store(
        'hourly.ics',
        ics(...vevent('UID:hourly', 'DTSTART:20260101T000000Z', 'DURATION:PT30M', 'RRULE:FREQ=HOURLY')),
      );
      await assert.rejects(
        runFreeBusyQuery(objects, calendarId, range('2026-01-01T00:00:00Z', '2046-01-01T00:00:00Z'), utcZone),
        (err: unknown) => err instanceof CaldavPreconditionError && err.precondition === 'max-instances',
      );
    });
  });
