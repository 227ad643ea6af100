/**
 * `npm run bench:caldav`: CalDAV throughput of the calendars plugin against Radicale and Xandikos (Debian packages)
 * in the same run, each in its own process on loopback, with the same workload: 1,000 events over 2026 of which
 * every fifth recurs weekly ten times. Measures PUT/s (sequential, If-None-Match: *), a month calendar-query with
 * expand, an initial sync-collection, a calendar-multiget of 100, a depth-1 PROPFIND and a GET, each with its first
 * (cold) time, the median of identical repeats (warm: Meshwork answers repeated reports and PROPFINDs of an unchanged
 * calendar from its response cache) and the median of BENCH_CPU_ROUNDS requests with their body bytes varied (miss: no
 * response cache answers), over keep-alive connections (http-client.ts), after the same warm-up on another calendar
 * for every server, and checks that the month query returns exactly the instances the rules produce.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startMeshwork, startRadicale, startXandikos, type Target } from './caldav-bench-servers.ts';
import { cpuPerCall, profileOnSignal } from './dav-bench-util.ts';
import { connectionsOpened, send as request } from './http-client.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const GET_ROUNDS = Number(process.env.BENCH_GET_ROUNDS ?? 200);
const CPU_ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 100);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100);
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

async function send(t: Target, method: string, p: string, body?: string, headers: Record<string, string> = {}) {
  return request(t.origin + p, method, body, { authorization: AUTH, ...headers });
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
  return { cold, warm: median(times), miss: NaN };
}

interface ColdWarm {
  cold: number;
  warm: number;
  /** Median with the body's bytes varied (no response cache answers); NaN for GET. */
  miss: number;
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

/** PUTs events `indices` into `calendar` (created first), one at a time. */
async function putEvents(t: Target, calendar: string, indices: number[]): Promise<void> {
  const mk = await send(t, 'MKCALENDAR', calendar);
  if (mk.status !== 201) throw new Error(`${t.name}: MKCALENDAR ${mk.status} ${mk.text.slice(0, 200)}`);
  for (const i of indices) {
    const r = await send(t, 'PUT', `${calendar}bench-${i}.ics`, eventOf(i).text, {
      'content-type': 'text/calendar; charset=utf-8',
      'if-none-match': '*',
    });
    if (r.status !== 201) throw new Error(`${t.name}: PUT ${r.status} ${r.text.slice(0, 200)}`);
  }
}

type ReadRequest = (body?: (b: string) => string) => Promise<{ text: string }>;

/** The measured reads against `calendar`; each throws unless the server answered 207 (GET: 200). */
function readRequests(t: Target, calendar: string): Record<ReadOp, ReadRequest> {
  const xml = { 'content-type': 'application/xml; charset=utf-8' };
  const send207 = async (method: string, body: string, depth?: string) => {
    const r = await send(t, method, calendar, body, depth ? { ...xml, depth } : xml);
    // An anchor's error answer must not pass for a fast read (Xandikos refuses bodies without an XML type: 415).
    if (r.status !== 207) throw new Error(`${t.name}: ${method} ${r.status} ${r.text.slice(0, 200)}`);
    return r;
  };
  return {
    query: (v = (b) => b) => send207('REPORT', v(MONTH_QUERY), '1'),
    sync: (v = (b) => b) => send207('REPORT', v(SYNC)),
    multiget: (v = (b) => b) => send207('REPORT', v(multiget(calendar)), '1'),
    propfind: (v = (b) => b) => send207('PROPFIND', v(PROPFIND), '1'),
    get: async () => {
      const r = await send(t, 'GET', `${calendar}bench-7.ics`);
      if (r.status !== 200) throw new Error(`${t.name}: GET ${r.status}`);
      return r;
    },
  };
}

/**
 * The same warm-up for every server (BENCH_WARMUP rounds of each read, default 100, at most 2 s per read; 0 for
 * none): each read with its body varied (so that no response cache answers and the whole read path runs) against a
 * second calendar holding the events the reads name. A long-running server has run its read paths many times
 * (Meshwork's JIT has optimised them: measured, a multiget's time falls by half over its first few hundred runs);
 * the measured calendar's data stays unread, so its first read is still cold for every cache that holds data.
 */
async function warmUp(t: Target): Promise<void> {
  if (WARMUP === 0) return;
  const calendar = t.calendar.replace(/bench\/$/, 'warmup/');
  const step = Math.floor(EVENTS / 100);
  await putEvents(t, calendar, [7, ...Array.from({ length: 100 }, (_, i) => i * step)]);
  const reads = readRequests(t, calendar);
  for (const op of Object.keys(reads) as ReadOp[]) {
    const until = performance.now() + 2000;
    for (let i = 0; i < WARMUP && performance.now() < until; i++)
      await reads[op]((b) => varied(b, i)).catch(() => null);
  }
}

async function measure(t: Target, expected: string[]): Promise<Figures> {
  await warmUp(t);
  const t0 = performance.now();
  await putEvents(
    t,
    t.calendar,
    Array.from({ length: EVENTS }, (_, i) => i),
  );
  const putPerSec = EVENTS / ((performance.now() - t0) / 1000);
  console.log(`  ${t.name}: ${putPerSec.toFixed(0)} PUT/s`);
  if (t.name === 'Meshwork' && process.env.BENCH_PROF) t.child.kill('SIGUSR2');
  const requests = readRequests(t, t.calendar);
  const wall = {} as Record<ReadOp, ColdWarm>;
  const cpu = {} as Record<ReadOp, ColdWarm>;
  const none = { cold: NaN, warm: NaN, miss: NaN };
  for (const op of Object.keys(requests) as ReadOp[]) {
    const request = requests[op];
    try {
      await measureOp(op, request);
    } catch (err) {
      // An anchor that fails a read is reported, not fatal.
      failures.push(`${t.name} ${op}: ${(err as Error).message.split('\n')[0]?.slice(0, 200)}`);
      wall[op] = none;
      cpu[op] = none;
    }
  }
  async function measureOp(op: ReadOp, request: (typeof requests)[ReadOp]): Promise<void> {
    wall[op] = await timed(op === 'get' ? GET_ROUNDS : ROUNDS, () => request());
    const pid = t.child.pid;
    // A server that takes most of a second per request gets fewer (its CPU is well above the 10 ms tick anyway).
    const rounds = wall[op].warm > 200 ? 5 : CPU_ROUNDS;
    const misses: number[] = [];
    cpu[op] = {
      warm: await cpuPerCall(pid, rounds, () => request()),
      cold:
        op === 'get'
          ? NaN
          : await cpuPerCall(pid, rounds, async (i) => {
              const t0 = performance.now();
              await request((b) => varied(b, i));
              misses.push(performance.now() - t0);
            }),
      miss: NaN,
    };
    if (misses.length) wall[op].miss = median(misses);
  }
  // What each read must hold, checked after the timing (so that the first timed request is the first read), on a
  // repeated and a fresh answer: every event, the 100 asked for, the one.
  const members = (text: string) => (text.match(/\.ics<\/(?:[A-Za-z0-9]+:)?href>/g) ?? []).length;
  const holds: Record<ReadOp, (text: string) => boolean> = {
    query: () => true,
    sync: (text) => members(text) === EVENTS,
    multiget: (text) => (text.match(/BEGIN:VCALENDAR/g) ?? []).length === 100,
    propfind: (text) => members(text) === EVENTS,
    get: (text) => text.includes('UID:bench-7\r\n'),
  };
  for (const op of Object.keys(requests) as ReadOp[]) {
    if (Number.isNaN(wall[op].cold)) continue;
    for (const v of [undefined, (b: string) => varied(b, 0)])
      if (!holds[op]((await requests[op](v)).text)) {
        failures.push(`${t.name} ${op}: the answer lacks members it must hold (figures dropped)`);
        wall[op] = none;
        cpu[op] = none;
        break;
      }
  }
  // The month query's instances against the rules' (after the timing too, for the same reason).
  const found = Number.isNaN(wall.query.cold) ? [] : foundInstances((await requests.query((b) => varied(b, 1))).text);
  const exact = found.length === expected.length && found.every((x, i) => x === expected[i]);
  const instances = exact ? `exact (${found.length})` : `WRONG: ${found.length} of ${expected.length}`;
  return { putPerSec, wall, cpu, instances };
}

/** Reads a server failed, as `<server> <read>: why` (printed after the tables). */
const failures: string[] = [];

async function main(): Promise<void> {
  const expected = expectedInstances();
  const targets: Target[] = [];
  const results = new Map<string, Figures>();
  try {
    const wanted = (process.env.BENCH_TARGETS ?? 'meshwork,radicale,xandikos').split(',');
    const starters = {
      meshwork: () => startMeshwork(fileURLToPath(import.meta.url)),
      radicale: startRadicale,
      xandikos: startXandikos,
    };
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
    `\n${EVENTS} events (${EVENTS / 5} weekly ×10) on loopback; cold: the first request after the PUTs, miss: the median of ${CPU_ROUNDS} with the body's bytes varied, warm: the median of ${ROUNDS} identical ones (GET ${GET_ROUNDS}); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${connectionsOpened()} keep-alive connections for all requests to all servers\n`,
  );
  console.log(['operation'.padEnd(44), ...names.map((n) => n.padStart(10)), '  vs faster anchor'].join(''));
  const row = (label: string, vals: number[], fmt: (v: number) => string, higher: boolean) => {
    const ours = vals[0]!;
    const anchors = vals.slice(1).filter((v) => Number.isFinite(v));
    const best = higher ? Math.max(...anchors) : Math.min(...anchors);
    const ratio = higher ? ours / best : best / ours;
    console.log(
      [
        label.padEnd(44),
        ...vals.map((v) => (Number.isFinite(v) ? fmt(v) : 'failed').padStart(10)),
        `  ${ratio.toFixed(1)}×`,
      ].join(''),
    );
  };
  row(
    'PUT (events/s, higher is better)',
    names.map((n) => results.get(n)!.putPerSec),
    (v) => v.toFixed(0),
    true,
  );
  for (const [label, key, digits] of reads)
    for (const phase of ['cold', 'miss', 'warm'] as const)
      if (key !== 'get' || phase !== 'miss')
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
  for (const f of failures) console.log(`  (no figure) ${f}`);
}

if (process.argv.includes('--serve')) void serve();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
