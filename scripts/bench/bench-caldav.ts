/**
 * `npm run bench:caldav`: CalDAV throughput of the calendars plugin against Radicale and Xandikos (Debian packages)
 * in the same run, each in its own process on loopback, with the same workload: 1,000 events over 2026 of which
 * every fifth recurs weekly ten times. Measures PUT/s (sequential, If-None-Match: *), a month calendar-query with
 * expand, an initial sync-collection, a calendar-multiget of 100, a depth-1 PROPFIND and a GET, each with its first
 * (cold) time and the median of the repeats (warm: Meshwork answers repeated reports and PROPFINDs of an unchanged
 * calendar from its response cache), and checks that the month query returns exactly the instances the rules produce.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, serveChild } from './bench-util.ts';
import { cpuPerCall, profileOnSignal } from './dav-bench-util.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const GET_ROUNDS = Number(process.env.BENCH_GET_ROUNDS ?? 200);
const CPU_ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 100);
const USER = 'alice';
const PASSWORD = 'alice-bench-pw';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const HOUR = 3_600_000;
const YEAR_START = Date.UTC(2026, 0, 1);
const MONTH = { start: Date.UTC(2026, 2, 1), end: Date.UTC(2026, 3, 1) };

/** Child mode: a Meshwork server with the calendars plugin; prints `READY <origin>`. */
async function serve(): Promise<void> {
  const { Engine, loadConfig } = await import('#core');
  const { calendarsPlugin } = await import('../../plugins/calendars/index.ts');
  const writeProfile = await profileOnSignal();
  const engine = new Engine({ config: loadConfig(), plugins: [calendarsPlugin()] });
  await engine.start();
  await engine.accounts.createUser({ id: USER, password: PASSWORD });
  process.stdout.write(`READY ${engine.identity.origin}\n`);
  process.once('SIGTERM', () => void writeProfile().then(() => engine.stop().finally(() => process.exit(0))));
}

const utc = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Event i: every fifth recurs weekly 10 times; starts spread over the year on the hour, one hour long. */
function eventOf(i: number): { uid: string; start: number; recurring: boolean; text: string } {
  const start = YEAR_START + Math.floor((i * 8760) / EVENTS) * HOUR;
  const recurring = i % 5 === 0;
  const uid = `bench-${i}`;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Meshwork bench//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20260101T000000Z',
    `DTSTART:${utc(start)}`,
    `DTEND:${utc(start + HOUR)}`,
    ...(recurring ? ['RRULE:FREQ=WEEKLY;COUNT=10'] : []),
    `SUMMARY:Event ${i}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ];
  return { uid, start, recurring, text: lines.join('\r\n') };
}

/** The instances (`uid@start`) of the workload that overlap the month. */
function expectedInstances(): string[] {
  const out: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const e = eventOf(i);
    for (let k = 0; k < (e.recurring ? 10 : 1); k++) {
      const s = e.start + k * 7 * 24 * HOUR;
      if (s < MONTH.end && s + HOUR > MONTH.start) out.push(`${e.uid}@${utc(s)}`);
    }
  }
  return out.sort();
}

/** The instances in an expanded calendar-query answer. */
function foundInstances(xml: string): string[] {
  const text = xml.replace(/&#13;|\r/g, '').replace(/\n /g, '');
  const out: string[] = [];
  for (const m of text.matchAll(/BEGIN:VEVENT\n([\s\S]*?)END:VEVENT/g)) {
    const uid = /^UID:(.*)$/m.exec(m[1]!)?.[1];
    const start = /^DTSTART(?:;[^:\n]*)?:(.*)$/m.exec(m[1]!)?.[1];
    out.push(`${uid}@${start}`);
  }
  return out.sort();
}

interface Target {
  name: string;
  origin: string;
  calendar: string;
  child: ChildProcess;
  dir: string;
}

async function until(origin: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(origin, { method: 'OPTIONS' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${origin} did not come up`);
}

async function startMeshwork(): Promise<Target> {
  const { origin, child, dir } = await serveChild(fileURLToPath(import.meta.url), 'bench-caldav-mw-');
  return { name: 'Meshwork', origin, calendar: `/dav/calendars/${USER}/bench/`, child, dir };
}

async function startRadicale(): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-caldav-radicale-'));
  writeFileSync(
    path.join(dir, 'config'),
    `[server]\nhosts = 127.0.0.1:${port}\n[auth]\ntype = none\n[storage]\nfilesystem_folder = ${dir}/collections\n[logging]\nlevel = warning\n`,
  );
  const child = spawn('/usr/bin/python3', ['-m', 'radicale', '--config', path.join(dir, 'config')], {
    stdio: 'ignore',
  });
  child.once('exit', (c) => c && console.error(`radicale exited ${c}`));
  const origin = `http://127.0.0.1:${port}`;
  await until(origin);
  return { name: 'Radicale', origin, calendar: `/${USER}/bench/`, child, dir };
}

async function startXandikos(): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-caldav-xandikos-'));
  const child = spawn(
    'xandikos',
    ['--defaults', '-d', dir, '-l', '127.0.0.1', '-p', String(port), '--current-user-principal', `/${USER}/`],
    { stdio: 'ignore' },
  );
  const origin = `http://127.0.0.1:${port}`;
  await until(origin);
  return { name: 'Xandikos', origin, calendar: `/${USER}/calendars/bench/`, child, dir };
}

async function send(t: Target, method: string, p: string, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(t.origin + p, {
    method,
    headers: { authorization: AUTH, ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  return { status: res.status, text: await res.text() };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The first (cold) time and the median of `rounds` repeats (warm). */
async function timed(rounds: number, fn: () => Promise<unknown>): Promise<ColdWarm> {
  const c0 = performance.now();
  await fn();
  const cold = performance.now() - c0;
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return { cold, warm: median(times) };
}

interface ColdWarm {
  cold: number;
  warm: number;
}

const NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"';
const range = `start="${utc(MONTH.start)}" end="${utc(MONTH.end)}"`;
const MONTH_QUERY = `<c:calendar-query ${NS}><d:prop><d:getetag/><c:calendar-data><c:expand ${range}/></c:calendar-data></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range ${range}/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`;
const SYNC = `<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
const PROPFIND = `<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:getcontenttype/><d:resourcetype/></d:prop></d:propfind>`;
const multiget = (cal: string) =>
  `<c:calendar-multiget ${NS}><d:prop><d:getetag/><c:calendar-data/></d:prop>${Array.from({ length: 100 }, (_, i) => `<d:href>${cal}bench-${i * Math.floor(EVENTS / 100)}.ics</d:href>`).join('')}</c:calendar-multiget>`;

type ReadOp = 'query' | 'sync' | 'multiget' | 'propfind' | 'get';

interface Figures {
  putPerSec: number;
  /** Wall-clock ms: the first request and the median of the repeats. */
  wall: Record<ReadOp, ColdWarm>;
  /** Server CPU ms per request: repeats of the same request (warm), and with the body's bytes varied (miss). */
  cpu: Record<ReadOp, ColdWarm>;
  instances: string;
}

/** Trailing white space after the root element: the same request to the server, but not the same bytes. */
const varied = (body: string, i: number) => body + ' '.repeat(1 + (i % 4000));

async function measure(t: Target, expected: string[]): Promise<Figures> {
  const mk = await send(t, 'MKCALENDAR', t.calendar);
  if (mk.status !== 201) throw new Error(`${t.name}: MKCALENDAR ${mk.status} ${mk.text.slice(0, 200)}`);
  const t0 = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    const r = await send(t, 'PUT', `${t.calendar}bench-${i}.ics`, eventOf(i).text, {
      'content-type': 'text/calendar; charset=utf-8',
      'if-none-match': '*',
    });
    if (r.status !== 201) throw new Error(`${t.name}: PUT ${r.status} ${r.text.slice(0, 200)}`);
  }
  const putPerSec = EVENTS / ((performance.now() - t0) / 1000);
  console.log(`  ${t.name}: ${putPerSec.toFixed(0)} PUT/s`);
  if (t.name === 'Meshwork' && process.env.BENCH_PROF) t.child.kill('SIGUSR2');
  const q = await send(t, 'REPORT', t.calendar, MONTH_QUERY, { depth: '1' });
  const found = foundInstances(q.text);
  const exact = found.length === expected.length && found.every((x, i) => x === expected[i]);
  const instances = exact ? `exact (${found.length})` : `WRONG: ${found.length} of ${expected.length}`;
  const requests: Record<ReadOp, (body?: (b: string) => string) => Promise<unknown>> = {
    query: (v = (b) => b) => send(t, 'REPORT', t.calendar, v(MONTH_QUERY), { depth: '1' }),
    sync: (v = (b) => b) => send(t, 'REPORT', t.calendar, v(SYNC)),
    multiget: (v = (b) => b) => send(t, 'REPORT', t.calendar, v(multiget(t.calendar)), { depth: '1' }),
    propfind: (v = (b) => b) => send(t, 'PROPFIND', t.calendar, v(PROPFIND), { depth: '1' }),
    get: () => send(t, 'GET', `${t.calendar}bench-7.ics`),
  };
  const wall = {} as Record<ReadOp, ColdWarm>;
  const cpu = {} as Record<ReadOp, ColdWarm>;
  for (const op of Object.keys(requests) as ReadOp[]) {
    const request = requests[op];
    wall[op] = await timed(op === 'get' ? GET_ROUNDS : ROUNDS, () => request());
    const pid = t.child.pid;
    // A server that takes most of a second per request gets fewer (its CPU is well above the 10 ms tick anyway).
    const rounds = wall[op].warm > 200 ? 5 : CPU_ROUNDS;
    cpu[op] = {
      warm: await cpuPerCall(pid, rounds, () => request()),
      cold: op === 'get' ? NaN : await cpuPerCall(pid, rounds, (i) => request((b) => varied(b, i))),
    };
  }
  return { putPerSec, wall, cpu, instances };
}

async function main(): Promise<void> {
  const expected = expectedInstances();
  const targets: Target[] = [];
  const results = new Map<string, Figures>();
  try {
    const wanted = (process.env.BENCH_TARGETS ?? 'meshwork,radicale,xandikos').split(',');
    const starters = { meshwork: startMeshwork, radicale: startRadicale, xandikos: startXandikos };
    for (const start of wanted.map((w) => starters[w as keyof typeof starters]).filter(Boolean)) {
      const t = await start();
      targets.push(t);
      console.log(`${t.name}: ${EVENTS} events …`);
      results.set(t.name, await measure(t, expected));
    }
  } finally {
    for (const t of targets) {
      t.child.kill('SIGTERM');
      rmSync(t.dir, { recursive: true, force: true });
    }
  }
  const names = [...results.keys()];
  const reads: Array<[string, ReadOp, number]> = [
    ['month calendar-query + expand', 'query', 1],
    ['initial sync-collection', 'sync', 1],
    ['calendar-multiget of 100', 'multiget', 1],
    ['PROPFIND depth 1', 'propfind', 1],
    ['GET one object', 'get', 2],
  ];
  console.log(
    `\n${EVENTS} events (${EVENTS / 5} weekly ×10) on loopback; cold: the first request after the PUTs, warm: the median of the next ${ROUNDS} (GET ${GET_ROUNDS}); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  console.log(['operation'.padEnd(44), ...names.map((n) => n.padStart(10)), '  vs faster anchor'].join(''));
  const row = (label: string, vals: number[], fmt: (v: number) => string, higher: boolean) => {
    const ours = vals[0]!;
    const anchors = vals.slice(1).filter((v) => Number.isFinite(v));
    const best = higher ? Math.max(...anchors) : Math.min(...anchors);
    const ratio = higher ? ours / best : best / ours;
    console.log([label.padEnd(44), ...vals.map((v) => fmt(v).padStart(10)), `  ${ratio.toFixed(1)}×`].join(''));
  };
  row(
    'PUT (events/s, higher is better)',
    names.map((n) => results.get(n)!.putPerSec),
    (v) => v.toFixed(0),
    true,
  );
  for (const [label, key, digits] of reads)
    for (const phase of ['cold', 'warm'] as const)
      row(
        `${label}, ${phase} (ms)`,
        names.map((n) => results.get(n)!.wall[key][phase]),
        (v) => v.toFixed(digits),
        false,
      );
  console.log(['month query instances'.padEnd(38), ...names.map((n) => `  ${results.get(n)!.instances}`)].join(''));
  console.log(
    `\nserver CPU per request (ms, from /proc/<pid>/stat over ${CPU_ROUNDS} requests, 5 for a read over 200 ms; same: the same bytes again, varied: trailing white space varied, so no response cache answers)\n`,
  );
  for (const [label, key] of reads)
    for (const [phase, what] of [
      ['warm', 'same'],
      ['cold', 'varied'],
    ] as const)
      if (key !== 'get' || phase === 'warm')
        row(
          `${label}, ${what}`,
          names.map((n) => results.get(n)!.cpu[key][phase]),
          (v) => v.toFixed(2),
          false,
        );
}

if (process.argv.includes('--serve')) void serve();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
