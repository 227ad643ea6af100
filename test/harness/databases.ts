import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../core/storage/database.ts';

/** The PostgreSQL server tests use; CI and developer machines run one on loopback. */
export const PG_URL = process.env.MESHWORK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when PostgreSQL answers; with CI=true a missing server is a failure, not a skip. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (err) {
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL is required in CI but not reachable at ${PG_URL}: ${(err as Error).message}`, {
        cause: err,
      });
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A PostgreSQL URL whose search_path is a fresh schema, so runs never see each other's rows. */
export async function freshPostgresUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `mw_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/** Opens a throwaway database of either engine. */
export async function throwawayDatabase(
  engine: 'sqlite' | 'postgres',
): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'meshwork-db-'));
    const database = openDatabase({ databaseUrl: null, dataDir: dir });
    return {
      database,
      cleanup: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const { url, drop } = await freshPostgresUrl();
  const database = openDatabase({ databaseUrl: url, dataDir: tmpdir() });
  return {
    database,
    cleanup: async () => {
      await database.close();
      await drop();
    },
  };
}
