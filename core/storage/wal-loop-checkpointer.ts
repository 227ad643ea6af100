import type BetterSqlite3 from 'better-sqlite3';
import { closeSync, fsync, openSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** What the last checkpoints did (for tests and benchmarks). */
export interface LoopCheckpointStats {
  /** Checkpoints run, and the event loop's time inside them (copying pages; the fsyncs are not on the loop). */
  runs: number;
  loopMs: number[];
  /** Checkpoints that had to fsync on the loop because the WAL kept growing (see `maxWalFrames`). */
  blocking: number;
}

/** A running checkpointer. `stop` ends its cycles and closes its connections; `release` closes its file handles. */
export interface LoopCheckpointer {
  stats: LoopCheckpointStats;
  /** True when no cycle is running and nothing was committed since the last complete one. */
  caughtUp(): boolean;
  stop(): Promise<void>;
  /** Only after the server's own connection is closed: closing a file this process has open drops its POSIX locks. */
  release(): void;
}

const fsyncFile = (fd: number) => new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));

/**
 * SQLite WAL checkpoints on the event loop without its fsyncs, and without a second V8 isolate (the worker thread
 * of wal-checkpointer.ts costs 6–9 MB of RSS). A checkpoint's stall is its two fsyncs (the WAL, then the database
 * file); copying pages from the WAL into the database file is page-cache work. So each cycle:
 *
 * 1. pins the WAL as it is: a read transaction on a connection of its own, which keeps any checkpoint from copying
 *    frames committed after it, and keeps the WAL from being restarted (overwritten from its start) while it is open;
 * 2. fsyncs the WAL on libuv's thread pool, so every frame up to the pin is durable before any reaches the database;
 * 3. runs a passive checkpoint on a connection with `synchronous = OFF` (no fsync: only the copy runs on the loop);
 * 4. fsyncs the database file on the thread pool, and only then ends the pin: until then the copied frames stay in
 *    the WAL, where recovery finds them after a power cut.
 *
 * A commit never waits for any of it (the passive checkpoint and the pin take no lock a writer waits for). The WAL
 * can only be restarted after a cycle during which nothing was committed; should it still pass `maxWalFrames`, one
 * checkpoint runs with its fsyncs on the loop (SQLite's own order), which lets it restart.
 */
export function startLoopWalCheckpointer(
  file: string,
  opts: { everyMs?: number; maxWalFrames?: number } = {},
): LoopCheckpointer {
  const everyMs = opts.everyMs ?? 200;
  const maxWalFrames = opts.maxWalFrames ?? 16_384;
  const Database = require('better-sqlite3') as typeof BetterSqlite3;
  // Neither connection ever waits for a lock: a busy moment skips a cycle.
  const pin = new Database(file);
  pin.pragma('busy_timeout = 0');
  const copier = new Database(file);
  copier.pragma('busy_timeout = 0');
  copier.pragma('synchronous = OFF');
  copier.pragma('wal_autocheckpoint = 0');
  const read = pin.prepare('select count(*) from sqlite_schema');
  const dataVersion = pin.prepare('pragma data_version').pluck();
  // The files are opened once and closed after the server's connection (release()).
  const dbFd = openSync(file, 'r');
  let walFd: number | undefined;
  let seen: unknown;
  const stats: LoopCheckpointStats = { runs: 0, loopMs: [], blocking: 0 };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let inCycle = false;

  const checkpoint = () => {
    const t = performance.now();
    const [row] = copier.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
    stats.runs++;
    stats.loopMs.push(performance.now() - t);
    if (stats.loopMs.length > 1000) stats.loopMs.splice(0, 500);
    return row;
  };

  const cycle = async () => {
    const version = dataVersion.get();
    if (version === seen) return; // nothing committed since the last complete cycle
    try {
      walFd ??= openSync(`${file}-wal`, 'r');
    } catch {
      return; // no WAL yet
    }
    pin.exec('begin');
    try {
      read.get();
      await fsyncFile(walFd);
      if (stopped) return;
      const row = checkpoint();
      await fsyncFile(dbFd);
      if (row && row.log > maxWalFrames && row.checkpointed < row.log) {
        // Commits kept landing inside every cycle: one checkpoint the way SQLite orders it, fsyncs included.
        pin.exec('commit');
        copier.pragma('synchronous = NORMAL');
        try {
          checkpoint();
          stats.blocking++;
        } finally {
          copier.pragma('synchronous = OFF');
        }
      }
      seen = version;
    } finally {
      if (pin.inTransaction) pin.exec('commit');
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      inCycle = true;
      running = cycle()
        .catch(() => {}) // a busy moment or a vanished file: the next cycle tries again
        .finally(() => {
          inCycle = false;
          schedule();
        });
    }, everyMs);
    timer.unref();
  };
  schedule();

  return {
    stats,
    caughtUp: () => !inCycle && dataVersion.get() === seen,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      pin.close();
      copier.close();
    },
    release() {
      for (const fd of [dbFd, walFd]) if (fd !== undefined) closeSync(fd);
    },
  };
}
