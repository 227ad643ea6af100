import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from './database.ts';

describe('SQLite WAL checkpoints of a database opened by openDatabase', () => {
  it('copies committed pages into the database file without the writing connection checkpointing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'meshwork-ckpt-'));
    const database = openDatabase({ databaseUrl: null, dataDir: dir });
    try {
      const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db);
      assert.equal(rows[0]?.wal_autocheckpoint, 0);
      await sql`create table t (a integer primary key, b text)`.execute(database.db);
      const file = path.join(dir, 'meshwork.sqlite');
      const before = statSync(file).size;
      for (let i = 0; i < 500; i++) await sql`insert into t (b) values (${'x'.repeat(1000)})`.execute(database.db);
      // The checkpointer runs every 200 ms; the file grows once it has copied the WAL's pages in.
      const deadline = Date.now() + 10_000;
      while (statSync(file).size <= before + 400_000 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      assert.ok(statSync(file).size > before + 400_000, 'the checkpointer copied the WAL into the database file');
      const count = await sql<{ n: number }>`select count(*) as n from t`.execute(database.db);
      assert.equal(Number(count.rows[0]?.n), 500);
    } finally {
      await database.close();
    }
    // Closing stops the checkpointer first, so the main connection is the last one and removes the WAL.
    assert.equal(existsSync(path.join(dir, 'meshwork.sqlite-wal')), false);
    rmSync(dir, { recursive: true, force: true });
  });
});
