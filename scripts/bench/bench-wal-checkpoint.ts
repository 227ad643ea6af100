import type BetterSqlite3 from 'better-sqlite3';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startWalCheckpointer } from '../../core/storage/wal-checkpointer.ts';
import { startLoopWalCheckpointer } from '../../core/storage/wal-loop-checkpointer.ts';
import { bundled, startCommand } from './bundle.ts';

/**
 * `node --import tsx scripts/bench/bench-wal-checkpoint.ts`: what SQLite's WAL checkpoints cost a server, four
 * ways, each in its own process started with `npm start`'s node flags and environment, under the same steady write
 * load (BENCH_COMMITS commits/s of 10 rows, default 100, for BENCH_SECONDS, default 15, into BENCH_DATA_DIR or the
 * OS temp dir): `loop` (core/storage/wal-loop-checkpointer.ts, what the server does: the copy on the event loop, the
 * fsyncs on the thread pool), `thread` (core/storage/wal-checkpointer.ts, a worker thread, what it did before),
 * `main` (a passive checkpoint with its fsyncs on the event loop every 500 ms) and `none` (no checkpoint at all: the
 * WAL only grows; the memory floor). Prints RSS (anonymous and file-backed), the event loop's delay p99 and max, and
 * for `main` and `loop` the event loop's time in each checkpoint.
 */
const MODES = ['none', 'thread', 'loop', 'main'] as const;
type Mode = (typeof MODES)[number];
interface Result {
  mode: Mode;
  rssMb: number;
  anonMb: number;
  fileMb: number;
  lagP99: number;
  lagMax: number;
  checkpoints: number[];
}

/** Nearest-rank percentile of an ascending array (bench-util.ts has one, but importing it loads the test harness). */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function status(): { rss: number; anon: number; file: number } {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
}

async function child(mode: Mode): Promise<void> {
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  const dir = mkdtempSync(path.join(process.env.BENCH_DATA_DIR ?? tmpdir(), 'meshwork-bench-ckpt-'));
  const file = path.join(dir, 'meshwork.sqlite');
  const db = new Database(file);
  // As core/storage/database.ts opens the server's database.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('create table ev (id integer primary key, room text, body text, ts integer)');
  db.exec('create index ev_room on ev (room, ts)');
  const insert = db.prepare('insert into ev (room, body, ts) values (?, ?, ?)');
  const commit = db.transaction(() => {
    for (let i = 0; i < 10; i++) insert.run(`room-${i}`, 'x'.repeat(300), Date.now());
  });
  const checkpointer = mode === 'thread' ? startWalCheckpointer(file) : null;
  const loop = mode === 'loop' ? startLoopWalCheckpointer(file) : null;
  const checkpoints: number[] = loop?.stats.loopMs ?? [];
  const timers = [setInterval(commit, 1000 / Number(process.env.BENCH_COMMITS ?? 100))];
  if (mode === 'main')
    timers.push(
      setInterval(() => {
        const t = performance.now();
        db.pragma('wal_checkpoint(PASSIVE)');
        checkpoints.push(performance.now() - t);
      }, 500),
    );
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  await new Promise((r) => setTimeout(r, Number(process.env.BENCH_SECONDS ?? 15) * 1000));
  const s = status();
  for (const t of timers) clearInterval(t);
  await checkpointer?.stop();
  await loop?.stop();
  db.close();
  loop?.release();
  rmSync(dir, { recursive: true, force: true });
  const result: Result = {
    mode,
    rssMb: s.rss,
    anonMb: s.anon,
    fileMb: s.file,
    lagP99: lag.percentile(99) / 1e6,
    lagMax: lag.max / 1e6,
    checkpoints: [...checkpoints],
  };
  process.send?.(result, () => process.exit(0));
}

async function main(): Promise<void> {
  const entry = bundled(fileURLToPath(import.meta.url));
  const start = startCommand();
  const f = (v: number) => v.toFixed(1).padStart(8);
  console.log(`load average at the start: ${loadavg().map((l) => l.toFixed(2))}`);
  console.log('mode        RSS MB  anon MB  file MB  lag p99  lag max  checkpoint p50 / p99 / max (ms)');
  for (const mode of MODES) {
    const c = fork(entry, ['child', mode], { execArgv: start.nodeArgs, env: { ...process.env, ...start.env } });
    const r = await new Promise<Result>((resolve, reject) => {
      c.once('message', (m) => resolve(m as Result));
      c.once('exit', (code) => reject(new Error(`${mode}: exited with ${code}`)));
    });
    const ck = [...r.checkpoints].sort((a, b) => a - b);
    const cks = ck.length ? `${[50, 99, 100].map((p) => percentile(ck, p).toFixed(1)).join(' / ')}` : '-';
    console.log(`${mode.padEnd(8)}${f(r.rssMb)} ${f(r.anonMb)} ${f(r.fileMb)} ${f(r.lagP99)} ${f(r.lagMax)}  ${cks}`);
  }
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2))}`);
}

if (process.argv[2] === 'child') await child(process.argv[3] as Mode);
else await main();
