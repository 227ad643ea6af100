/**
 * `npm run bench:calendar-core`: cost of the calendars plugin's core, without HTTP: PUT-path validation and
 * indexing per event, storing 1,000 events (SQLite, and PostgreSQL when reachable), and a month
 * `calendar-query` (prefilter + exact filter), its `expand` and a month free-busy over those 1,000 events,
 * of which 20% recur (weekly with BYDAY, daily with COUNT, monthly, yearly; some with EXDATE and a moved
 * instance) in Europe/Berlin, America/New_York and UTC, the month being March 2026 (DST changes in both
 * zones). Prints figures only; nothing is asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate } from '../../core/storage/migrations.ts';
import { openDatabase, type Database } from '../../core/storage/database.ts';
import { CalendarStore } from '../../plugins/calendars/calendar-store.ts';
import { forgetParsedObjects, runCalendarQuery, runFreeBusyQuery } from '../../plugins/calendars/calendar-query.ts';
import { expandCalendar } from '../../plugins/calendars/expand.ts';
import { validateCalendarObject } from '../../plugins/calendars/ical-validate.ts';
import { ObjectStore } from '../../plugins/calendars/object-store.ts';
import { calendarMigrations } from '../../plugins/calendars/schema.ts';
import { utcZone } from '../../plugins/calendars/timezones.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const PG_URL = process.env.MESHWORK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
const pad = (n: number) => String(n).padStart(2, '0');

function eventText(i: number): { text: string; recurring: boolean } {
  const zone = pick(['Europe/Berlin', 'America/New_York', 'UTC']);
  const recurring = i % 5 === 0;
  const month = recurring ? pick([1, 2, 3]) : 1 + Math.floor(rnd() * 12);
  const day = 1 + Math.floor(rnd() * 28);
  const hour = 7 + Math.floor(rnd() * 11);
  const local = `2026${pad(month)}${pad(day)}T${pad(hour)}${pick(['00', '30'])}00`;
  const start = zone === 'UTC' ? `DTSTART:${local}Z` : `DTSTART;TZID=${zone}:${local}`;
  const lines = [
    'BEGIN:VEVENT',
    `UID:bench-${i}@meshwork`,
    'DTSTAMP:20260101T000000Z',
    start,
    `DURATION:PT${pick([30, 60, 90])}M`,
    `SUMMARY:Event ${i}`,
  ];
  const overrides: string[] = [];
  if (recurring) {
    const rule = pick([
      'FREQ=WEEKLY;BYDAY=MO,WE',
      'FREQ=WEEKLY',
      'FREQ=DAILY;COUNT=30',
      'FREQ=MONTHLY',
      'FREQ=YEARLY',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20261231T000000Z',
    ]);
    lines.push(`RRULE:${rule}`);
    if (rnd() < 0.3) lines.push(zone === 'UTC' ? `EXDATE:${local}Z` : `EXDATE;TZID=${zone}:${local}`);
    if (rnd() < 0.2) {
      const rid = zone === 'UTC' ? `RECURRENCE-ID:${local}Z` : `RECURRENCE-ID;TZID=${zone}:${local}`;
      overrides.push(
        'BEGIN:VEVENT',
        `UID:bench-${i}@meshwork`,
        'DTSTAMP:20260101T000000Z',
        rid,
        start.replace(/T(\d\d)/, 'T19'),
        'DURATION:PT1H',
        'SUMMARY:moved',
        'END:VEVENT',
      );
    }
  }
  lines.push('END:VEVENT');
  const text = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//bench//EN',
    ...lines,
    ...overrides,
    'END:VCALENDAR',
    '',
  ].join('\r\n');
  return { text, recurring };
}

function ms(t0: number): number {
  return performance.now() - t0;
}

/** CPU time of this process in ms (user+system): on a shared machine it moves less than wall time. */
function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function onEngine(name: string, database: Database, events: Array<{ text: string }>): Promise<void> {
  await migrate(database.db, database.dialect, [{ owner: 'calendars', migrations: calendarMigrations }]);
  const calendars = new CalendarStore(database.db);
  const objects = new ObjectStore(database.db);
  const cal = await calendars.create({ ownerId: 'bench', uri: `bench-${Date.now()}` });
  let t0 = performance.now();
  for (let i = 0; i < events.length; i++) {
    const v = validateCalendarObject(events[i]!.text, { supportedComponents: ['VEVENT'] });
    await objects.put(cal.id, `e${i}.ics`, v.bytes, v.index, { ifNoneMatch: '*' });
  }
  const putMs = ms(t0);
  console.log(
    `${name}: validate+index+store ${events.length} events: ${(events.length / (putMs / 1000)).toFixed(0)} PUT/s (${(putMs / events.length).toFixed(2)} ms each)`,
  );

  const month = { start: Date.parse('2026-03-01T00:00:00Z'), end: Date.parse('2026-04-01T00:00:00Z') };
  const filter = { name: 'VCALENDAR', compFilters: [{ name: 'VEVENT', timeRange: month }] };
  forgetParsedObjects();
  t0 = performance.now();
  const cold = await runCalendarQuery(objects, cal.id, filter, utcZone);
  const coldMs = ms(t0);
  const times: number[] = [];
  let matched = cold.length;
  let instances = 0;
  const expandTimes: number[] = [];
  const cpuTimes: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = cpu();
    t0 = performance.now();
    const hits = await runCalendarQuery(objects, cal.id, filter, utcZone);
    times.push(ms(t0));
    matched = hits.length;
    t0 = performance.now();
    instances = 0;
    for (const h of hits)
      instances += (expandCalendar(h.vcalendar, month, utcZone).match(/BEGIN:VEVENT/g) ?? []).length;
    expandTimes.push(ms(t0));
    cpuTimes.push(cpu() - c0);
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(
    `${name}: month calendar-query: ${matched} objects, cold ${coldMs.toFixed(1)} ms, warm median ${med(times).toFixed(1)} ms; ` +
      `expand of the matches: ${instances} instances in ${med(expandTimes).toFixed(1)} ms (query+expand ${(med(times) + med(expandTimes)).toFixed(1)} ms wall, ${med(cpuTimes).toFixed(1)} ms CPU)`,
  );
  const fbTimes: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    t0 = performance.now();
    await runFreeBusyQuery(objects, cal.id, month, utcZone);
    fbTimes.push(ms(t0));
  }
  console.log(`${name}: month free-busy-query: median ${med(fbTimes).toFixed(1)} ms`);
  t0 = performance.now();
  const listed = await objects.list(cal.id);
  console.log(`${name}: list ${listed.length} members (Depth 1 data): ${ms(t0).toFixed(1)} ms`);
  t0 = performance.now();
  await objects.getMany(
    cal.id,
    listed.slice(0, 100).map((o) => o.uri),
  );
  console.log(`${name}: multiget of 100 members: ${ms(t0).toFixed(1)} ms`);
  t0 = performance.now();
  await objects.changesSince(cal, null);
  console.log(`${name}: initial sync listing: ${ms(t0).toFixed(1)} ms`);
}

async function main(): Promise<void> {
  const events = Array.from({ length: EVENTS }, (_, i) => eventText(i));
  for (let i = 0; i < 200; i++)
    validateCalendarObject(events[i % events.length]!.text, { supportedComponents: ['VEVENT'] });
  for (const kind of [false, true]) {
    const list = events.filter((e) => e.recurring === kind);
    const t0 = performance.now();
    const c0 = cpu();
    for (let r = 0; r < 5; r++)
      for (const e of list) validateCalendarObject(e.text, { supportedComponents: ['VEVENT'] });
    const each = (x: number) => ((x * 1000) / (5 * list.length)).toFixed(0);
    console.log(
      `validate+index, ${kind ? 'recurring' : 'single'} events: ${each(ms(t0))} µs wall, ${each(cpu() - c0)} µs CPU each (${list.length} events)`,
    );
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'meshwork-bench-cal-'));
  const sqlite = openDatabase({ databaseUrl: null, dataDir: dir });
  try {
    await onEngine('SQLite', sqlite, events);
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const pg = openDatabase({ databaseUrl: PG_URL, dataDir: tmpdir() });
  try {
    await pg.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
  } catch {
    console.log('PostgreSQL not reachable; skipped');
    await pg.close();
    return;
  }
  const schema = `bench_cal_${Date.now()}`;
  await pg.close();
  const admin = openDatabase({ databaseUrl: PG_URL, dataDir: tmpdir() });
  const { sql } = await import('kysely');
  await sql.raw(`create schema ${schema}`).execute(admin.db);
  const scoped = openDatabase({
    databaseUrl: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    dataDir: tmpdir(),
  });
  try {
    await onEngine('PostgreSQL', scoped, events);
  } finally {
    await scoped.close();
    await sql.raw(`drop schema ${schema} cascade`).execute(admin.db);
    await admin.close();
  }
}

await main();
