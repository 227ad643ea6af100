import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

// The worker's whole program: its own connection to the file, a passive checkpoint every `everyMs`, close on 'stop'.
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } catch {}
  parentPort.close();
});
`;

/** A running checkpointer; `stop` closes its connection and ends its thread. */
export interface WalCheckpointer {
  stop(): Promise<void>;
}

/**
 * The server's previous checkpointer, kept for scripts/bench/bench-wal-checkpoint.ts to compare against: the server
 * now uses wal-loop-checkpointer.ts, which keeps the fsyncs off the event loop without this thread's second V8
 * isolate (6–9 MB of RSS).
 *
 * Moves SQLite's WAL checkpoints off the event loop. With the default auto-checkpoint, the commit that takes the
 * WAL past 1,000 pages copies it into the database file and fsyncs both, on the thread that committed: a stall of
 * tens of milliseconds (hundreds on a busy disk) in the middle of request handling. The caller turns
 * auto-checkpoint off on its connection (`wal_autocheckpoint = 0`) and this thread, with a connection of its own,
 * runs a passive checkpoint (it never blocks writers) every `everyMs`. Durability is unchanged: a commit is in the
 * WAL either way, and the WAL is what recovery reads.
 */
export function startWalCheckpointer(file: string, everyMs = 500): WalCheckpointer {
  const worker = new Worker(PROGRAM, {
    eval: true,
    workerData: { module: require.resolve('better-sqlite3'), file, everyMs },
    // It only runs one pragma: keep its heap small.
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
  });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
