/**
 * `npm run bench:files`: WebDAV throughput of the files plugin, in one run, against three targets serving the same
 * directory on loopback: Meshwork directly (owner's /dav/files), Meshwork through a federated share (the receiver's
 * "Shared with me" proxying to the owner's /dav/ocm), and `rclone serve webdav` (Debian package rclone).
 * Measures 1 MB and 100 MB GET/PUT and a depth-1 PROPFIND of a 1,000-entry folder, plus each server's RSS before
 * and at its peak while streaming 100 MB. Every server runs in its own process; RSS and CPU come from /proc, and
 * the federated row's CPU is also printed split between the receiver and the owner.
 * `BENCH_TARGETS=direct,federated` measures only some targets; `BENCH_PROF=<dir>` runs the servers with `--cpu-prof`
 * and writes `<dir>/phases.json` (server pids and each measurement's window on the profiles' clock).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { bundled } from './bundle.ts';
import { freePort, meshworkEnv } from './bench-util.ts';
import { cpuMs, cpuSince, withRss } from './proc-figures.ts';

const MB = 1024 * 1024;
const SMALL_ROUNDS = Number(process.env.BENCH_SMALL_ROUNDS ?? 30);
const BIG_ROUNDS = Number(process.env.BENCH_BIG_ROUNDS ?? 2);
const PROPFIND_ROUNDS = Number(process.env.BENCH_PROPFIND_ROUNDS ?? 10);
const WARMUP_ROUNDS = Number(process.env.BENCH_WARMUP_ROUNDS ?? 8);
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 240_000);
type Kind = 'rclone' | 'direct' | 'federated';
/** Which targets to measure (`BENCH_TARGETS=direct,federated`, e.g. to profile or to compare two versions faster). */
const TARGETS = (process.env.BENCH_TARGETS ?? 'rclone,direct,federated').split(',').map((t) => t.trim());

interface Server {
  origin: string;
  token: string;
  child: ChildProcess;
  dataDir: string;
}

async function startMeshwork(user: string): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'meshwork-bench-files-'));
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
  const entry = bundled(fileURLToPath(new URL('./files-bench-server.ts', import.meta.url)));
  const child = spawn(process.execPath, ['--enable-source-maps', ...prof, entry], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: meshworkEnv(port, dataDir, { MESHWORK_ALLOW_INSECURE_PEERS: '1', BENCH_USER: user }),
  });
  const [origin, token] = await new Promise<[string, string]>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\S+) (\S+)/.exec(buf);
      if (m) resolve([m[1] as string, m[2] as string]);
    });
    child.once('exit', (code) => reject(new Error(`meshwork exited with ${code}`)));
  });
  return { origin, token, child, dataDir };
}

async function startRclone(dir: string): Promise<{ origin: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    'rclone',
    ['serve', 'webdav', dir, '--addr', `127.0.0.1:${port}`, '--user', 'bench', '--pass', 'bench-pw'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.once('error', () => {});
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error('rclone exited');
    const ok = await send({ origin, auth: basic('bench', 'bench-pw') }, 'OPTIONS', '/').then(
      () => true,
      () => false,
    );
    if (ok) return { origin, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('rclone did not start');
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });
const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
interface Target {
  origin: string;
  auth: string;
}

/** One request; the body may be a stream; returns status and the number of response bytes (discarded). */
function send(
  t: Target,
  method: string,
  p: string,
  opts: { body?: Buffer | Readable; length?: number; headers?: Record<string, string> } = {},
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: t.auth, ...(opts.headers ?? {}) };
    if (opts.length !== undefined) headers['content-length'] = String(opts.length);
    const req = request(t.origin + p, { method, agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const body = opts.body;
    if (body === undefined || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/**
 * When and what was measured, on the monotonic clock in µs (the clock of V8's CPU profiles): with BENCH_PROF these go
 * to `<BENCH_PROF>/phases.json`, so a server's profile can be cut to one measurement.
 */
const phases: Array<{ phase: string; startUs: number; endUs: number }> = [];
const monoUs = (): number => Number(process.hrtime.bigint() / 1000n);
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const startUs = monoUs();
  try {
    return await fn();
  } finally {
    phases.push({ phase: name, startUs, endUs: monoUs() });
  }
}

/** MB/s of `rounds` sequential requests, and the server CPU (ms) they cost per request, per process. */
async function throughput(
  label: string,
  rounds: number,
  size: number,
  op: (i: number) => Promise<{ status: number; bytes: number }>,
  ok: number[],
  pids: Array<number | undefined>,
): Promise<{ mbs: number; cpu: number[] }> {
  const cpu0 = cpuMs(pids);
  const t = performance.now();
  await phase(label, async () => {
    for (let i = 0; i < rounds; i++) {
      const r = await op(i);
      if (!ok.includes(r.status)) throw new Error(`unexpected status ${r.status}`);
    }
  });
  const mbs = (rounds * size) / MB / ((performance.now() - t) / 1000);
  return { mbs, cpu: cpuSince(cpu0, pids, rounds) };
}

type Measure = 'put1' | 'get1' | 'put100' | 'get100' | 'propfind';

interface Row {
  name: string;
  put1: number;
  get1: number;
  put100: number;
  get100: number;
  propfind: number;
  rss: string;
  /** Server CPU per request and process (ms; federated: [receiver, owner]). */
  cpu: Record<Measure, number[]>;
}

async function measure(
  name: string,
  t: Target,
  base: string,
  bigFile: string,
  small: Buffer,
  pids: Array<number | undefined>,
): Promise<Row> {
  // Same warm-up for every target (connections, JIT): a long-running server is measured, not its first requests.
  for (let i = 0; i < WARMUP_ROUNDS; i++) {
    await send(t, 'PUT', `${base}/warm-${i % 2}.bin`, { body: small, length: small.length });
    await send(t, 'GET', `${base}/one-mb.bin`);
    await send(t, 'PROPFIND', `${base}/list/`, { headers: { depth: '1' } });
  }
  const put1 = await throughput(
    `${name}: put1`,
    SMALL_ROUNDS,
    MB,
    (i) => send(t, 'PUT', `${base}/put-1m-${i % 4}.bin`, { body: small, length: small.length }),
    [200, 201, 204],
    pids,
  );
  const get1 = await throughput(
    `${name}: get1`,
    SMALL_ROUNDS,
    MB,
    () => send(t, 'GET', `${base}/one-mb.bin`),
    [200],
    pids,
  );
  const big = await withRss(pids, async () => {
    const put100 = await throughput(
      `${name}: put100`,
      BIG_ROUNDS,
      100 * MB,
      () => send(t, 'PUT', `${base}/put-100m.bin`, { body: createReadStream(bigFile), length: 100 * MB }),
      [200, 201, 204],
      pids,
    );
    const get100 = await throughput(
      `${name}: get100`,
      BIG_ROUNDS,
      100 * MB,
      () => send(t, 'GET', `${base}/hundred-mb.bin`),
      [200],
      pids,
    );
    return { put100, get100 };
  });
  const cpu0 = cpuMs(pids);
  const times: number[] = [];
  await phase(`${name}: propfind`, async () => {
    for (let i = 0; i < PROPFIND_ROUNDS; i++) {
      const s = performance.now();
      const r = await send(t, 'PROPFIND', `${base}/list/`, { headers: { depth: '1' } });
      if (r.status !== 207) throw new Error(`PROPFIND ${r.status}`);
      times.push(performance.now() - s);
    }
  });
  const propfindCpu = cpuSince(cpu0, pids, PROPFIND_ROUNDS);
  times.sort((a, b) => a - b);
  const rss = big.rss.map((r) => `${r.before.toFixed(0)}→${r.peak.toFixed(0)}`).join(' + ');
  const { put100, get100 } = big.result;
  return {
    name,
    put1: put1.mbs,
    get1: get1.mbs,
    put100: put100.mbs,
    get100: get100.mbs,
    propfind: times[Math.floor(times.length / 2)] as number,
    rss,
    cpu: { put1: put1.cpu, get1: get1.cpu, put100: put100.cpu, get100: get100.cpu, propfind: propfindCpu },
  };
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const killer = setTimeout(() => {
    console.error('bench:files: deadline reached');
    for (const c of children) c.kill('SIGTERM'); // process.exit skips the finally below
    process.exit(2);
  }, DEADLINE_MS);
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-files-src-'));
  try {
    const [owner, receiver] = await Promise.all([startMeshwork('alice'), startMeshwork('bob')]);
    children.push(owner.child, receiver.child);
    // The shared data set, written straight into alice's tree: 1 MB and 100 MB files and a 1,000-entry folder.
    const tree = path.join(owner.dataDir, 'files', 'alice', 'Bench');
    mkdirSync(path.join(tree, 'list'), { recursive: true });
    const small = Buffer.alloc(MB, 7);
    writeFileSync(path.join(tree, 'one-mb.bin'), small);
    const bigFile = path.join(scratch, 'hundred-mb.bin');
    const chunk = Buffer.alloc(MB, 42);
    writeFileSync(bigFile, Buffer.concat(Array.from({ length: 100 }, () => chunk)));
    writeFileSync(path.join(tree, 'hundred-mb.bin'), readFileSync(bigFile));
    for (let i = 0; i < 1000; i++)
      writeFileSync(path.join(tree, 'list', `file-${String(i).padStart(4, '0')}.txt`), `entry ${i}\n`);

    const api = (s: Server, method: string, p: string, body?: unknown): Promise<any> =>
      fetch(s.origin + p, {
        method,
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).then((r) => r.json());
    const host = new URL(receiver.origin).host;
    const shared = await api(owner, 'POST', '/api/v1/shares', {
      resourceType: 'folder',
      resourceId: '/Bench',
      shareWith: `bob@${host}`,
      permissions: ['read', 'write'],
    });
    // The share reaches the receiver through the owner's outbox: wait for it rather than race it.
    let incoming: any;
    for (let i = 0; i < 200 && !incoming; i++) {
      incoming = (await api(receiver, 'GET', '/api/v1/shares/incoming')).find(
        (s: any) => s.providerId === shared.providerId,
      );
      if (!incoming) await new Promise((r) => setTimeout(r, 50));
    }
    if (!incoming) throw new Error(`the share never reached the receiver: ${JSON.stringify(shared)}`);
    await api(receiver, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`);
    const rclone = await startRclone(path.join(owner.dataDir, 'files', 'alice'));
    children.push(rclone.child);

    const targets: Array<[Kind, string, Target, string, Array<number | undefined>]> = [
      [
        'rclone',
        'rclone serve webdav',
        { origin: rclone.origin, auth: basic('bench', 'bench-pw') },
        '/Bench',
        [rclone.child.pid],
      ],
      [
        'direct',
        'Meshwork direct',
        { origin: owner.origin, auth: basic('alice', 'alice-bench-pw') },
        '/dav/files/alice/Bench',
        [owner.child.pid],
      ],
      [
        'federated',
        'Meshwork federated share',
        { origin: receiver.origin, auth: basic('bob', 'bob-bench-pw') },
        '/dav/files/bob/Shared%20with%20me/Bench',
        [receiver.child.pid, owner.child.pid],
      ],
    ];
    const rows: Partial<Record<Kind, Row>> = {};
    for (const [kind, name, t, base, pids] of targets)
      if (TARGETS.includes(kind)) rows[kind] = await measure(name, t, base, bigFile, small, pids);
    print(rows);
  } finally {
    clearTimeout(killer);
    for (const c of children) c.kill('SIGTERM');
    if (process.env.BENCH_PROF) {
      const pids = { owner: children[0]?.pid, receiver: children[1]?.pid };
      mkdirSync(process.env.BENCH_PROF, { recursive: true });
      writeFileSync(path.join(process.env.BENCH_PROF, 'phases.json'), JSON.stringify({ pids, phases }, null, 1));
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

function print(rows: Partial<Record<Kind, Row>>): void {
  const cols: Array<[string, Measure, 'up' | 'down']> = [
    ['PUT 1MB MB/s', 'put1', 'up'],
    ['GET 1MB MB/s', 'get1', 'up'],
    ['PUT 100MB MB/s', 'put100', 'up'],
    ['GET 100MB MB/s', 'get100', 'up'],
    ['PROPFIND 1000 ms', 'propfind', 'down'],
  ];
  const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const ratio = (v: number, ref: number, dir: 'up' | 'down'): string =>
    `${(dir === 'up' ? v / ref : ref / v).toFixed(2)}x`;
  const all = Object.values(rows);
  console.log(
    `\nbench:files (loopback; ${SMALL_ROUNDS}x1MB, ${BIG_ROUNDS}x100MB, PROPFIND median of ${PROPFIND_ROUNDS}; ${WARMUP_ROUNDS} warm-up rounds each; ratios >1 = faster than the reference)\n`,
  );
  console.log(['target', ...cols.map((c) => c[0]), 'RSS MB before→peak (100MB)'].join(' | '));
  for (const r of all) console.log([r.name, ...cols.map(([, k]) => fmt(r[k] as number)), r.rss].join(' | '));
  console.log('');
  const compare = (label: string, r: Row | undefined, ref: Row | undefined): void => {
    if (r && ref)
      console.log([label, ...cols.map(([, k, d]) => ratio(r[k] as number, ref[k] as number, d))].join(' | '));
  };
  compare('Meshwork direct vs rclone', rows.direct, rows.rclone);
  compare('Meshwork federated share vs rclone', rows.federated, rows.rclone);
  compare('federated vs direct', rows.federated, rows.direct);
  console.log('\nserver CPU per request, ms (user + system from /proc; federated: receiver + owner)');
  console.log(['target', ...cols.map((c) => c[0].replace(/ (MB\/s|ms)$/, ''))].join(' | '));
  const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
  for (const r of all) console.log([r.name, ...cols.map(([, k]) => sum(r.cpu[k]).toFixed(1))].join(' | '));
  const fed = rows.federated;
  if (fed)
    console.log(
      ['  of which receiver + owner', ...cols.map(([, k]) => fed.cpu[k].map((v) => v.toFixed(1)).join(' + '))].join(
        ' | ',
      ),
    );
  console.log('\n(federated RSS: receiver + owner processes)');
}

await main();
