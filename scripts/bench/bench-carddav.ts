/**
 * `npm run bench:carddav`: CardDAV against Meshwork (contacts plugin, SQLite), Radicale and Xandikos (Debian packages)
 * in the same run, each in its own process on loopback, with the same BENCH_CARDS (5,000) cards. PUT/s is measured
 * over HTTP on the first BENCH_HTTP_CARDS (300) cards (8 in flight) on every server; the rest of each collection is
 * then loaded the way its operator would bulk-import it (Radicale: .vcf files written into its filesystem collection;
 * Xandikos: files committed with git into its collection repository; Meshwork: more PUTs over HTTP), since Radicale
 * takes over half an hour to accept 5,000 PUTs one at a time. Then: an initial sync-collection, addressbook-multiget of
 * 100 cards, an addressbook-query text-match on FN and a depth-1 PROPFIND of the book, each with its first (cold)
 * time, the median of BENCH_ROUNDS identical repeats (warm: Meshwork answers those from its response cache) and the
 * median of BENCH_CPU_ROUNDS requests with their body bytes varied (miss: no response cache answers). Requests go
 * over keep-alive connections (http-client.ts), after the same warm-up on another book for every server but Xandikos.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { card, startMeshwork, startRadicale, startXandikos, type Target } from './carddav-bench-servers.ts';
import { cpuPerCall, processCpuMs, profileOnSignal } from './dav-bench-util.ts';
import { connectionsOpened, send as request } from './http-client.ts';

const CARDS = Number(process.env.BENCH_CARDS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const HTTP_CARDS = Math.min(CARDS, Number(process.env.BENCH_HTTP_CARDS ?? 300));
const PARALLEL = 8;
const CPU_ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 50);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100);
const C = 'urn:ietf:params:xml:ns:carddav';

/** Child mode: a Meshwork server with the contacts plugin; prints `READY <origin>`. */
async function serve(): Promise<void> {
  const { Engine, loadConfig } = await import('#core');
  const { contactsPlugin } = await import('../../plugins/contacts/index.ts');
  const writeProfile = await profileOnSignal();
  const engine = new Engine({ config: loadConfig(), plugins: [contactsPlugin()] });
  await engine.start();
  await engine.accounts.createUser({ id: 'bench', password: 'bench-bench-pw' });
  process.stdout.write(`READY ${engine.identity.origin}\n`);
  process.once('SIGTERM', () => void writeProfile().then(() => engine.stop().finally(() => process.exit(0))));
}

/** Appended to XML request bodies: trailing white space that makes a request's bytes new (no response cache hit). */
let bodyPad = '';

async function send(t: Target, method: string, p: string, body?: string, headers: Record<string, string> = {}) {
  const padded = body !== undefined && body.startsWith('<?xml') ? body + bodyPad : body;
  return request(t.origin + p, method, padded, { ...(t.auth ? { authorization: t.auth } : {}), ...headers });
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Why an operation has no figure for a server (it failed there), by server and operation. */
const failures: string[] = [];

/**
 * The first (cold) time, the median of ROUNDS identical repeats (warm) and the median of requests whose body bytes
 * vary (miss: no response cache answers, everything else warm); NaN when the server failed the request.
 */
async function coldWarm(fn: Read, where = ''): Promise<[number, number, number]> {
  const xs: number[] = [];
  let cold: number;
  try {
    cold = await timed(() => fn(true));
  } catch (err) {
    // Anchors have bugs too (Xandikos 0.2.8 answers addressbook-query with a 500): report, do not stop.
    failures.push(`${where}: ${(err as Error).message.split('\n')[0]?.slice(0, 160)}`);
    return [NaN, NaN, NaN];
  }
  // An anchor that takes seconds per request gets fewer repeats, so that the default run ends in minutes.
  const rounds = cold > 1000 ? Math.min(3, ROUNDS) : ROUNDS;
  for (let i = 0; i < rounds; i++) xs.push(await timed(() => fn(false)));
  xs.sort((a, b) => a - b);
  // Server CPU per request (from /proc): the same request again, and with its body's bytes varied.
  const cpuRounds = cold > 1000 ? 3 : CPU_ROUNDS;
  const pid = current?.child.pid;
  const same = await cpuPerCall(pid, cpuRounds, () => fn(false));
  const misses: number[] = [];
  const varied = await cpuPerCall(pid, cpuRounds, async (i) => {
    bodyPad = ' '.repeat(1 + i);
    misses.push(await timed(() => fn(i === 0)));
  }).finally(() => (bodyPad = ''));
  cpu.set(where, [varied, same]);
  misses.sort((a, b) => a - b);
  return [cold, xs[Math.floor(xs.length / 2)] as number, misses[Math.floor(misses.length / 2)] as number];
}

/** The server being measured (its process is read for CPU). */
let current: Target | undefined;
/** Server CPU ms per request by `<server> <operation>`: [varied bytes, same bytes]. */
const cpu = new Map<string, [number, number]>();

function expect(r: { status: number; text: string }, status: number, what: string): void {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
}

/** Extended MKCOL of an address book (Xandikos has one already and is not asked). */
async function makeBook(t: Target, book: string): Promise<void> {
  const mk = await send(
    t,
    'MKCOL',
    book,
    `<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:c="${C}"><d:set><d:prop><d:resourcetype><d:collection/><c:addressbook/></d:resourcetype><d:displayname>Bench</d:displayname></d:prop></d:set></d:mkcol>`,
    { 'content-type': 'application/xml' },
  );
  expect(mk, 201, `${t.name} MKCOL`);
}

type Read = (check: boolean) => Promise<void>;

/**
 * The measured reads against `book`. With `check` each also verifies its answer (every card listed, the 100 asked
 * for, the card the query looks for): done on the first request and the first varied one only, so that the client's
 * regular expressions over a megabyte of XML are not timed with every repeat.
 */
function reads(t: Target, book: string): Record<'sync' | 'multiget' | 'query' | 'propfind', Read> {
  const xml = { 'content-type': 'application/xml' };
  const report = async (body: string, what: string, depth?: string) => {
    const r = await send(t, 'REPORT', book, body, depth ? { ...xml, depth } : xml);
    expect(r, 207, `${t.name} ${what}`);
    return r.text;
  };
  const hrefs = Array.from({ length: 100 }, (_, k) => `<d:href>${book}c${(k * 37) % CARDS}.vcf</d:href>`).join('');
  const listed = (text: string) => (text.match(/\.vcf</g) ?? []).length;
  return {
    async sync(check) {
      const text = await report(
        '<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>',
        'sync',
      );
      if (check && listed(text) < CARDS) throw new Error(`${t.name} sync listed too few cards`);
    },
    async multiget(check) {
      const text = await report(
        `<?xml version="1.0"?><c:addressbook-multiget xmlns:d="DAV:" xmlns:c="${C}"><d:prop><d:getetag/><c:address-data/></d:prop>${hrefs}</c:addressbook-multiget>`,
        'multiget',
        '1',
      );
      if (check && (text.match(/BEGIN:VCARD/g) ?? []).length !== 100)
        throw new Error(`${t.name} multiget: not 100 cards`);
    },
    async query(check) {
      const text = await report(
        `<?xml version="1.0"?><c:addressbook-query xmlns:d="DAV:" xmlns:c="${C}"><d:prop><d:getetag/><c:address-data/></d:prop><c:filter><c:prop-filter name="FN"><c:text-match collation="i;unicode-casemap" match-type="contains">person 123</c:text-match></c:prop-filter></c:filter></c:addressbook-query>`,
        'query',
        '1',
      );
      if (check && !text.includes('Bench Person 123')) throw new Error(`${t.name} query missed its card`);
    },
    async propfind(check) {
      const r = await send(
        t,
        'PROPFIND',
        book,
        '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:getcontenttype/></d:prop></d:propfind>',
        { ...xml, depth: '1' },
      );
      expect(r, 207, `${t.name} PROPFIND`);
      if (check && listed(r.text) < CARDS) throw new Error(`${t.name} PROPFIND listed too few cards`);
    },
  };
}

/**
 * The same warm-up for every server that can make a second address book (BENCH_WARMUP rounds of each read, default
 * 100, at most 2 s per read; 0 for none): a book holding the cards the reads name, each read with its body varied
 * (no response cache answers). A long-running server has run its read paths many times; the measured book's data
 * stays unread.
 */
async function warmUp(t: Target): Promise<void> {
  if (WARMUP === 0 || t.name === 'Xandikos') return;
  const book = t.book.replace(/[^/]+\/$/, 'warmup/');
  await makeBook(t, book);
  const names = new Set([123, ...Array.from({ length: 100 }, (_, k) => (k * 37) % CARDS)]);
  for (const i of names) {
    const r = await send(t, 'PUT', `${book}c${i}.vcf`, card(i), { 'content-type': 'text/vcard; charset=utf-8' });
    if (r.status !== 201 && r.status !== 204) throw new Error(`${t.name} warm-up PUT: ${r.status}`);
  }
  for (const read of Object.values(reads(t, book))) {
    const until = performance.now() + 2000;
    for (let i = 0; i < WARMUP && performance.now() < until; i++) {
      bodyPad = ' '.repeat(1 + i);
      await read(false).finally(() => (bodyPad = ''));
    }
  }
}

async function measure(t: Target): Promise<Record<string, number>> {
  await warmUp(t);
  if (t.name !== 'Xandikos') await makeBook(t, t.book);
  current = t;
  const putCpu0 = processCpuMs(t.child.pid);
  const putMs = await timed(() => putCards(t, 0, HTTP_CARDS));
  cpu.set(`${t.name} PUT`, [(processCpuMs(t.child.pid) - putCpu0) / HTTP_CARDS, NaN]);
  const t0 = performance.now();
  const how = await t.bulk(t, HTTP_CARDS, CARDS);
  if (t.name === 'Meshwork' && process.env.BENCH_PROF) t.child.kill('SIGUSR2');
  console.log(
    `  ${t.name}: ${HTTP_CARDS} PUTs over HTTP, then ${CARDS - HTTP_CARDS} cards loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s (${how})`,
  );
  const r = reads(t, t.book);
  const syncMs = await coldWarm(r.sync, `${t.name} sync`);
  const multigetMs = await coldWarm(r.multiget, `${t.name} multiget`);
  const queryMs = await coldWarm(r.query, `${t.name} query`);
  const propfindMs = await coldWarm(r.propfind, `${t.name} PROPFIND`);
  return {
    [`PUT cards/s (first ${HTTP_CARDS})`]: (HTTP_CARDS / putMs) * 1000,
    'initial sync ms, cold': syncMs[0],
    'initial sync ms, miss': syncMs[2],
    'initial sync ms, warm': syncMs[1],
    'multiget 100 ms, cold': multigetMs[0],
    'multiget 100 ms, miss': multigetMs[2],
    'multiget 100 ms, warm': multigetMs[1],
    'query text-match ms, cold': queryMs[0],
    'query text-match ms, miss': queryMs[2],
    'query text-match ms, warm': queryMs[1],
    'PROPFIND depth 1 ms, cold': propfindMs[0],
    'PROPFIND depth 1 ms, miss': propfindMs[2],
    'PROPFIND depth 1 ms, warm': propfindMs[1],
  };
}

/** PUTs cards `from`..`to`-1 over HTTP, 8 in flight. */
async function putCards(t: Target, from: number, to: number): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let i = next++; i < to; i = next++) {
        const r = await send(t, 'PUT', `${t.book}c${i}.vcf`, card(i), {
          'content-type': 'text/vcard; charset=utf-8',
        });
        if (r.status !== 201 && r.status !== 204) throw new Error(`${t.name} PUT: ${r.status} ${r.text.slice(0, 200)}`);
      }
    }),
  );
}

async function main(): Promise<void> {
  console.log(
    `bench:carddav — ${CARDS} vCards per server (PUT/s over HTTP on the first ${HTTP_CARDS}, ${PARALLEL} in flight; the rest bulk-loaded), reads: first request (cold), median of ${CPU_ROUNDS} with varied body bytes (miss) and of ${ROUNDS} identical repeats (warm); 3 each when a request takes over 1 s`,
  );
  const results = new Map<string, Record<string, number>>();
  // BENCH_TARGETS (as bench:caldav): the servers to measure, default all three.
  const starters = {
    meshwork: () => startMeshwork(fileURLToPath(import.meta.url), putCards),
    radicale: startRadicale,
    xandikos: startXandikos,
  };
  const wanted = (process.env.BENCH_TARGETS ?? 'meshwork,radicale,xandikos').split(',');
  for (const start of wanted.map((w) => starters[w as keyof typeof starters]).filter(Boolean)) {
    const t = await start();
    try {
      console.log(`  measuring ${t.name} …`);
      const figures = await measure(t);
      results.set(t.name, figures);
      // Printed as each server finishes: a run cut short (the anchors load slowly) still leaves its figures.
      console.log(
        `  ${t.name}: ${Object.entries(figures)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', ')}`,
      );
    } finally {
      t.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      rmSync(t.dir, { recursive: true, force: true });
    }
  }
  printFailures();
  const names = [...results.keys()];
  const ops = Object.keys(results.get('Meshwork') ?? {});
  const pad = (s: string, n: number) => s.padStart(n);
  console.log(`\n${'operation'.padEnd(30)}${names.map((n) => pad(n, 12)).join('')}${pad('vs faster anchor', 18)}`);
  for (const op of ops) {
    const vals = names.map((n) => results.get(n)?.[op] ?? NaN);
    const mw = vals[0] as number;
    const anchors = vals.slice(1);
    const higherBetter = op.includes('/s');
    const known = anchors.filter((v) => Number.isFinite(v));
    const best = higherBetter ? Math.max(...known) : Math.min(...known);
    const ratio = higherBetter ? mw / best : best / mw;
    console.log(
      `${op.padEnd(30)}${vals.map((v) => pad(Number.isFinite(v) ? v.toFixed(v >= 100 ? 0 : 1) : 'failed', 12)).join('')}${pad(`${ratio.toFixed(1)}× ${ratio >= 1 ? 'faster' : 'slower'}`, 18)}`,
    );
  }
  console.log(
    `\nserver CPU ms per request (/proc/<pid>/stat; PUT: over the HTTP PUTs; reads over ${CPU_ROUNDS} requests, 3 for one that takes over 1 s; varied: trailing white space varied, so no response cache answers; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${connectionsOpened()} keep-alive connections for all requests to all servers)`,
  );
  console.log(`${'operation'.padEnd(30)}${names.map((n) => pad(n, 12)).join('')}${pad('vs faster anchor', 18)}`);
  for (const [op, label, k] of [
    ['PUT', 'PUT', 0],
    ['sync', 'initial sync, varied', 0],
    ['sync', 'initial sync, same', 1],
    ['multiget', 'multiget 100, varied', 0],
    ['multiget', 'multiget 100, same', 1],
    ['query', 'query text-match, varied', 0],
    ['query', 'query text-match, same', 1],
    ['PROPFIND', 'PROPFIND depth 1, varied', 0],
    ['PROPFIND', 'PROPFIND depth 1, same', 1],
  ] as const) {
    const vals = names.map((n) => cpu.get(`${n} ${op}`)?.[k] ?? NaN);
    const known = vals.slice(1).filter((v) => Number.isFinite(v));
    const ratio = Math.min(...known) / (vals[0] as number);
    console.log(
      `${label.padEnd(30)}${vals.map((v) => pad(Number.isFinite(v) ? v.toFixed(2) : '-', 12)).join('')}${pad(`${ratio.toFixed(1)}×`, 18)}`,
    );
  }
}

function printFailures(): void {
  for (const f of failures) console.log(`  (no figure) ${f}`);
}

if (process.argv.includes('--serve')) void serve();
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
