/**
 * `npm run bench:carddav`: CardDAV against Meshwork (contacts plugin, SQLite), Radicale and Xandikos (Debian packages)
 * in the same run, each in its own process on loopback, with the same cards: PUT/s of BENCH_CARDS (5,000) cards
 * (8 in flight), an initial sync-collection, addressbook-multiget of 100 cards, an addressbook-query text-match on FN,
 * and a depth-1 PROPFIND of the book. Prints medians per operation and Meshwork's ratio to the faster anchor.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './bench-util.ts';

const CARDS = Number(process.env.BENCH_CARDS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const PARALLEL = 8;
const C = 'urn:ietf:params:xml:ns:carddav';

/** Child mode: a Meshwork server with the contacts plugin; prints `READY <origin>`. */
async function serve(): Promise<void> {
  const { Engine, loadConfig } = await import('#core');
  const { contactsPlugin } = await import('../../plugins/contacts/index.ts');
  const engine = new Engine({ config: loadConfig(), plugins: [contactsPlugin()] });
  await engine.start();
  await engine.accounts.createUser({ id: 'bench', password: 'bench-bench-pw' });
  process.stdout.write(`READY ${engine.identity.origin}\n`);
  process.once('SIGTERM', () => void engine.stop().finally(() => process.exit(0)));
}

interface Target {
  name: string;
  origin: string;
  /** Path of the address book (ends with /). */
  book: string;
  auth: string | null;
  child: ChildProcess;
  dir: string;
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

async function send(t: Target, method: string, p: string, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(t.origin + p, {
    method,
    headers: { ...(t.auth ? { authorization: t.auth } : {}), ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  return { status: res.status, text };
}

async function waitUp(origin: string, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited`);
    const ok = await fetch(`${origin}/`, { method: 'OPTIONS' }).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start`);
}

async function startMeshwork(): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-carddav-mw-'));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
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
  const origin = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\S+)/.exec(buf);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`meshwork exited with ${code}`)));
  });
  return {
    name: 'Meshwork',
    origin,
    book: '/dav/addressbooks/bench/bench/',
    auth: basic('bench', 'bench-bench-pw'),
    child,
    dir,
  };
}

async function startRadicale(): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-carddav-radicale-'));
  const child = spawn(
    'radicale',
    [
      '--server-hosts',
      `127.0.0.1:${port}`,
      '--storage-filesystem-folder',
      dir,
      '--auth-type',
      'none',
      '--rights-type',
      'owner_only',
      '--logging-level',
      'error',
    ],
    { stdio: 'ignore' },
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitUp(origin, child, 'radicale');
  return { name: 'Radicale', origin, book: '/bench/bench/', auth: basic('bench', 'x'), child, dir };
}

async function startXandikos(): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-carddav-xandikos-'));
  const child = spawn('xandikos', ['-d', dir, '-l', '127.0.0.1', '-p', String(port), '--defaults'], {
    stdio: 'ignore',
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitUp(origin, child, 'xandikos');
  return { name: 'Xandikos', origin, book: '/user/contacts/addressbook/', auth: null, child, dir };
}

function card(i: number): string {
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `UID:bench-${i}`,
    `N:Person ${i};Bench;;;`,
    `FN:Bench Person ${i}`,
    `EMAIL;TYPE=INTERNET:person${i}@example.org`,
    `TEL;TYPE=CELL:+1 555 ${String(i).padStart(6, '0')}`,
    `ORG:Team ${i % 50}`,
    'END:VCARD',
    '',
  ].join('\r\n');
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Why an operation has no figure for a server (it failed there), by server and operation. */
const failures: string[] = [];

async function median(fn: () => Promise<void>, where = ''): Promise<number> {
  const xs: number[] = [];
  try {
    await fn();
  } catch (err) {
    // Anchors have bugs too (Xandikos 0.2.8 answers addressbook-query with a 500): report, do not stop.
    failures.push(`${where}: ${(err as Error).message.split('\n')[0]?.slice(0, 160)}`);
    return NaN;
  }
  for (let i = 0; i < ROUNDS; i++) xs.push(await timed(fn));
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)] as number;
}

function expect(r: { status: number; text: string }, status: number, what: string): void {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
}

async function measure(t: Target): Promise<Record<string, number>> {
  if (t.name !== 'Xandikos') {
    const mk = await send(
      t,
      'MKCOL',
      t.book,
      `<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:c="${C}"><d:set><d:prop><d:resourcetype><d:collection/><c:addressbook/></d:resourcetype><d:displayname>Bench</d:displayname></d:prop></d:set></d:mkcol>`,
      { 'content-type': 'application/xml' },
    );
    expect(mk, 201, `${t.name} MKCOL`);
  }
  let next = 0;
  const putMs = await timed(async () => {
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let i = next++; i < CARDS; i = next++) {
          const r = await send(t, 'PUT', `${t.book}c${i}.vcf`, card(i), {
            'content-type': 'text/vcard; charset=utf-8',
          });
          if (r.status !== 201 && r.status !== 204)
            throw new Error(`${t.name} PUT: ${r.status} ${r.text.slice(0, 200)}`);
        }
      }),
    );
  });
  const sync = () =>
    send(
      t,
      'REPORT',
      t.book,
      '<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>',
      { 'content-type': 'application/xml' },
    );
  const syncMs = await median(async () => {
    const r = await sync();
    expect(r, 207, `${t.name} sync`);
    if ((r.text.match(/\.vcf</g) ?? []).length < CARDS) throw new Error(`${t.name} sync listed too few cards`);
  }, `${t.name} sync`);
  const hrefs = Array.from({ length: 100 }, (_, k) => `<d:href>${t.book}c${(k * 37) % CARDS}.vcf</d:href>`).join('');
  const multigetMs = await median(async () => {
    const r = await send(
      t,
      'REPORT',
      t.book,
      `<?xml version="1.0"?><c:addressbook-multiget xmlns:d="DAV:" xmlns:c="${C}"><d:prop><d:getetag/><c:address-data/></d:prop>${hrefs}</c:addressbook-multiget>`,
      { 'content-type': 'application/xml', depth: '1' },
    );
    expect(r, 207, `${t.name} multiget`);
    if ((r.text.match(/BEGIN:VCARD/g) ?? []).length !== 100) throw new Error(`${t.name} multiget: not 100 cards`);
  }, `${t.name} multiget`);
  const queryMs = await median(async () => {
    const r = await send(
      t,
      'REPORT',
      t.book,
      `<?xml version="1.0"?><c:addressbook-query xmlns:d="DAV:" xmlns:c="${C}"><d:prop><d:getetag/><c:address-data/></d:prop><c:filter><c:prop-filter name="FN"><c:text-match collation="i;unicode-casemap" match-type="contains">person 123</c:text-match></c:prop-filter></c:filter></c:addressbook-query>`,
      { 'content-type': 'application/xml', depth: '1' },
    );
    expect(r, 207, `${t.name} query`);
    if (!r.text.includes('Bench Person 123')) throw new Error(`${t.name} query missed its card`);
  }, `${t.name} query`);
  const propfindMs = await median(async () => {
    const r = await send(
      t,
      'PROPFIND',
      t.book,
      '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:getcontenttype/></d:prop></d:propfind>',
      { 'content-type': 'application/xml', depth: '1' },
    );
    expect(r, 207, `${t.name} PROPFIND`);
  }, `${t.name} PROPFIND`);
  return {
    'PUT cards/s': (CARDS / putMs) * 1000,
    'initial sync ms': syncMs,
    'multiget 100 ms': multigetMs,
    'query text-match ms': queryMs,
    'PROPFIND depth 1 ms': propfindMs,
  };
}

async function main(): Promise<void> {
  console.log(`bench:carddav — ${CARDS} vCards per server, medians of ${ROUNDS} rounds, ${PARALLEL} PUTs in flight`);
  const results = new Map<string, Record<string, number>>();
  for (const start of [startMeshwork, startRadicale, startXandikos]) {
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
  console.log(`\n${'operation'.padEnd(22)}${names.map((n) => pad(n, 12)).join('')}${pad('vs faster anchor', 18)}`);
  for (const op of ops) {
    const vals = names.map((n) => results.get(n)?.[op] ?? NaN);
    const mw = vals[0] as number;
    const anchors = vals.slice(1);
    const higherBetter = op.includes('/s');
    const known = anchors.filter((v) => Number.isFinite(v));
    const best = higherBetter ? Math.max(...known) : Math.min(...known);
    const ratio = higherBetter ? mw / best : best / mw;
    console.log(
      `${op.padEnd(22)}${vals.map((v) => pad(Number.isFinite(v) ? v.toFixed(v >= 100 ? 0 : 1) : 'failed', 12)).join('')}${pad(`${ratio.toFixed(1)}× ${ratio >= 1 ? 'faster' : 'slower'}`, 18)}`,
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
