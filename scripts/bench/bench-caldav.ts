/**
 * `npm run bench:caldav`: CalDAV throughput of the calendars plugin against Radicale and Xandikos (Debian packages)
 * in the same run, each in its own process on loopback, with the same workload: 1,000 events over 2026 of which
 * every fifth recurs weekly ten times. Measures PUT/s (sequential, If-None-Match: *), a month calendar-query with
 * expand, an initial sync-collection, a calendar-multiget of 100, a depth-1 PROPFIND and a GET (medians), and checks
 * that the month query returns exactly the instances the rules produce.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './bench-util.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const GET_ROUNDS = Number(process.env.BENCH_GET_ROUNDS ?? 200);
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
  const engine = new Engine({ config: loadConfig(), plugins: [calendarsPlugin()] });
  await engine.start();
  await engine.accounts.createUser({ id: USER, password: PASSWORD });
  process.stdout.write(`READY ${engine.identity.origin}\n`);
  process.once('SIGTERM', () => void engine.stop().finally(() => process.exit(0)));
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

function waitFor(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const m = pattern.exec(buf);
      if (m) resolve(m[1] ?? '');
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${buf.slice(-500)}`)));
  });
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
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-caldav-mw-'));
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', ...prof, fileURLToPath(import.meta.url), '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      MESHWORK_PORT: String(port),
      MESHWORK_HOST: '127.0.0.1',
      MESHWORK_PUBLIC_URL: `http://127.0.0.1:${port}`,
      MESHWORK_DATA_DIR: dir,
      MESHWORK_LOG_LEVEL: 'silent',
    },
  });
  const origin = await waitFor(child, /READY (\S+)/, 'meshwork');
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

async function timed(rounds: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"';
const range = `start="${utc(MONTH.start)}" end="${utc(MONTH.end)}"`;
const MONTH_QUERY = `<c:calendar-query ${NS}><d:prop><d:getetag/><c:calendar-data><c:expand ${range}/></c:calendar-data></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range ${range}/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`;
const SYNC = `<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
const PROPFIND = `<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:getcontenttype/><d:resourcetype/></d:prop></d:propfind>`;
const multiget = (cal: string) =>
  `<c:calendar-multiget ${NS}><d:prop><d:getetag/><c:calendar-data/></d:prop>${Array.from({ length: 100 }, (_, i) => `<d:href>${cal}bench-${i * Math.floor(EVENTS / 100)}.ics</d:href>`).join('')}</c:calendar-multiget>`;

interface Figures {
  putPerSec: number;
  query: number;
  sync: number;
  multiget: number;
  propfind: number;
  get: number;
  instances: string;
}

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
  const q = await send(t, 'REPORT', t.calendar, MONTH_QUERY, { depth: '1' });
  const found = foundInstances(q.text);
  const exact = found.length === expected.length && found.every((x, i) => x === expected[i]);
  const instances = exact ? `exact (${found.length})` : `WRONG: ${found.length} of ${expected.length}`;
  return {
    putPerSec,
    query: await timed(ROUNDS, () => send(t, 'REPORT', t.calendar, MONTH_QUERY, { depth: '1' })),
    sync: await timed(ROUNDS, () => send(t, 'REPORT', t.calendar, SYNC)),
    multiget: await timed(ROUNDS, () => send(t, 'REPORT', t.calendar, multiget(t.calendar), { depth: '1' })),
    propfind: await timed(ROUNDS, () => send(t, 'PROPFIND', t.calendar, PROPFIND, { depth: '1' })),
    get: await timed(GET_ROUNDS, () => send(t, 'GET', `${t.calendar}bench-7.ics`)),
    instances,
  };
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
  const rows: Array<[string, keyof Figures, (v: number) => string, boolean]> = [
    ['PUT (events/s, higher is better)', 'putPerSec', (v) => v.toFixed(0), true],
    ['month calendar-query + expand (ms)', 'query', (v) => v.toFixed(1), false],
    ['initial sync-collection (ms)', 'sync', (v) => v.toFixed(1), false],
    ['calendar-multiget of 100 (ms)', 'multiget', (v) => v.toFixed(1), false],
    ['PROPFIND depth 1 (ms)', 'propfind', (v) => v.toFixed(1), false],
    ['GET one object (ms)', 'get', (v) => v.toFixed(2), false],
  ];
  console.log(`\n${EVENTS} events (${EVENTS / 5} weekly ×10), medians of ${ROUNDS} (GET ${GET_ROUNDS}) on loopback\n`);
  console.log(['operation'.padEnd(38), ...names.map((n) => n.padStart(10)), '  vs faster anchor'].join(''));
  for (const [label, key, fmt, higher] of rows) {
    const vals = names.map((n) => results.get(n)![key] as number);
    const ours = vals[0]!;
    const anchors = vals.slice(1);
    const best = higher ? Math.max(...anchors) : Math.min(...anchors);
    const ratio = higher ? ours / best : best / ours;
    console.log([label.padEnd(38), ...vals.map((v) => fmt(v).padStart(10)), `  ${ratio.toFixed(1)}×`].join(''));
  }
  console.log(['month query instances'.padEnd(38), ...names.map((n) => `  ${results.get(n)!.instances}`)].join(''));
}

if (process.argv.includes('--serve')) void serve();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
