import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { createRequire } from 'node:module';
import BetterSqlite3 from 'better-sqlite3';
import type PgModule from 'pg';
import { startLoopWalCheckpointer } from './wal-loop-checkpointer.ts';

// pg is only loaded when PostgreSQL is configured: the embedded default starts faster without it.
const require = createRequire(import.meta.url);
let pgLoaded: typeof PgModule | null = null;
function loadPg(): typeof PgModule {
  if (!pgLoaded) {
    pgLoaded = require('pg') as typeof PgModule;
    // int8 columns (millisecond timestamps, counters) come back as strings from pg by default.
    pgLoaded.types.setTypeParser(20, (v) => Number(v));
  }
  return pgLoaded;
}

/** Which SQL engine a database runs on; migrations use it for the few type differences. */
export type Dialect = 'sqlite' | 'postgres';

/** An open database handle with its engine. */
export interface Database {
  db: Kysely<any>;
  dialect: Dialect;
  close(): Promise<void>;
}

const sqlTimes = new Map<string, { n: number; ms: number }>();
/** Development aid (MESHWORK_SQL_PROFILE=1): time per SQL text, printed to stderr at exit. */
function profiled(sql: string, stmt: BetterSqlite3.Statement): BetterSqlite3.Statement {
  if (sqlTimes.size === 0)
    process.once('exit', () => {
      for (const [q, t] of [...sqlTimes].sort((x, y) => y[1].ms - x[1].ms).slice(0, 15))
        process.stderr.write(`${t.ms.toFixed(0).padStart(6)} ms ${String(t.n).padStart(6)}x ${q.slice(0, 110)}\n`);
    });
  const wrap =
    (name: 'run' | 'all' | 'get') =>
    (...args: unknown[]) => {
      const t = performance.now();
      try {
        return (stmt[name] as (...a: unknown[]) => unknown)(...args);
      } finally {
        const e = sqlTimes.get(sql) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += performance.now() - t;
        sqlTimes.set(sql, e);
      }
    };
  return new Proxy(stmt, {
    get: (t, p, r) => (p === 'run' || p === 'all' || p === 'get' ? wrap(p) : Reflect.get(t, p, r)),
  });
}

/**
 * Kysely prepares every query anew; on SQLite preparing costs as much as running a small query.
 * Reusing prepared statements by SQL text (bounded) removes that cost from every request.
 */
function withStatementCache(file: BetterSqlite3.Database): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return new Proxy(file, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') return Reflect.get(target, prop, receiver);
      return (sql: string) => {
        let stmt = cache.get(sql);
        if (!stmt) {
          stmt = target.prepare(sql);
          if (process.env.MESHWORK_SQL_PROFILE) stmt = profiled(sql, stmt);
          if (cache.size >= 500) cache.delete(cache.keys().next().value as string);
          cache.set(sql, stmt);
        }
        return stmt;
      };
    },
  });
}

/** Opens PostgreSQL when a URL is given, else the embedded SQLite file in the data dir. */
export function openDatabase(opts: { databaseUrl: string | null; dataDir: string; poolSize?: number }): Database {
  if (opts.databaseUrl) {
    const pool = new (loadPg().Pool)({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle client error (server restart) must not crash the process; the pool reconnects.
    pool.on('error', () => {});
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const name = path.join(opts.dataDir, 'meshwork.sqlite');
  const file = new BetterSqlite3(name);
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('busy_timeout = 5000');
  file.pragma('foreign_keys = ON');
  // Checkpoints run on a timer with their fsyncs off the event loop (wal-loop-checkpointer.ts), not in whichever
  // commit crosses 1,000 pages.
  file.pragma('wal_autocheckpoint = 0');
  const checkpointer = startLoopWalCheckpointer(name);
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(file) }) });
  return {
    db,
    dialect: 'sqlite',
    close: async () => {
      await checkpointer.stop();
      await db.destroy();
      checkpointer.release();
    },
  };
}
