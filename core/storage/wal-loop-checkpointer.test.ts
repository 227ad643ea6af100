import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startLoopWalCheckpointer } from './wal-loop-checkpointer.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A database file opened the way core/storage/database.ts opens the server's. */
function open(): { dir: string; file: string; db: BetterSqlite3.Database } {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshwork-loop-ckpt-'));
  const file = path.join(dir, 'meshwork.sqlite');
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('create table t (a integer primary key, b text)');
  return { dir, file, db };
}

describe('SQLite WAL checkpoints on the event loop, fsyncs on the thread pool', () => {
  it('copies what is committed into the database file while commits go on, and restarts the WAL once caught up', async () => {
    const { dir, file, db } = open();
    const ckpt = startLoopWalCheckpointer(file, { everyMs: 20 });
    const insert = db.prepare('insert into t (b) values (?)');
    const wal = () => statSync(`${file}-wal`).size;
    let slowest = 0;
    try {
      // Bursts of commits with short pauses: 40 bursts of 25 commits of one 1 kB row.
      for (let burst = 0; burst < 40; burst++) {
        for (let i = 0; i < 25; i++) {
          const t = performance.now();
          insert.run('x'.repeat(1000));
          slowest = Math.max(slowest, performance.now() - t);
          if (i % 5 === 4) await new Promise((r) => setImmediate(r));
        }
        await sleep(15);
      }
      // Quiet: a cycle with nothing committed behind its pin copies the rest in.
      const deadline = Date.now() + 10_000;
      while (!ckpt.caughtUp() && Date.now() < deadline) await sleep(10);
      assert.ok(ckpt.caughtUp(), 'a cycle with nothing committed behind its pin completed');
      // Every frame is in the database file now, so the next commits write the WAL from its start again.
      const size = wal();
      for (let i = 0; i < 25; i++) insert.run('x'.repeat(1000));
      assert.equal(wal(), size, 'the WAL was restarted, not grown');
    } finally {
      await ckpt.stop();
    }
    // 1,000 rows of 1 kB reached the database file itself, not only the WAL.
    assert.ok(statSync(file).size >= 900_000, `database file ${statSync(file).size} bytes`);
    assert.equal(ckpt.stats.blocking, 0);
    // No commit waited for the checkpointer (a lock wait would show as busy_timeout's 5 s).
    assert.ok(slowest < 4000, `slowest commit ${slowest.toFixed(1)} ms`);
    assert.equal((db.prepare('select count(*) as n from t').get() as { n: number }).n, 1025);
    db.close();
    ckpt.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checkpoints with its fsyncs on the loop once the WAL passes its limit under commits that never pause', async () => {
    const { dir, file, db } = open();
    const ckpt = startLoopWalCheckpointer(file, { everyMs: 1, maxWalFrames: 50 });
    const insert = db.prepare('insert into t (b) values (?)');
    try {
      // A commit on every turn of the loop: every cycle's fsyncs see commits land behind its pin.
      const until = Date.now() + 10_000;
      while (Date.now() < until && ckpt.stats.blocking === 0) {
        insert.run('y'.repeat(3000));
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      await ckpt.stop();
    }
    assert.ok(ckpt.stats.blocking > 0, 'the WAL limit was reached and a full checkpoint ran');
    db.close();
    ckpt.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves a quiet database alone: no commit since the last cycle, no checkpoint', async () => {
    const { dir, file, db } = open();
    db.prepare('insert into t (b) values (?)').run('z');
    const ckpt = startLoopWalCheckpointer(file, { everyMs: 10 });
    try {
      const deadline = Date.now() + 10_000;
      while (!ckpt.caughtUp() && Date.now() < deadline) await sleep(10);
      const runs = ckpt.stats.runs;
      assert.ok(runs >= 1, 'the commit before start was checkpointed');
      // Fifteen cycles' worth of time with nothing committed.
      await sleep(150);
      assert.equal(ckpt.stats.runs, runs);
    } finally {
      await ckpt.stop();
    }
    db.close();
    ckpt.release();
    rmSync(dir, { recursive: true, force: true });
  });
});
