import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshPostgresUrl } from '../../test/harness/databases.ts';
import { REDIS_URL } from '../../test/harness/redis.ts';
import { startHaproxy } from '../../test/topology/haproxy.ts';
import { freePort } from './bench-util.ts';

/** A bench server process once it reported ready. */
export interface StartedServer {
  child: ChildProcess;
  origin: string;
  host: string;
  tokens: Record<string, string>;
}

/** One side of the benchmark: one or more server processes behind one origin. */
export interface Side {
  origin: string;
  host: string;
  tokens: Record<string, string>;
  children: ChildProcess[];
  labels: string[];
  stop(): Promise<void>;
}

/**
 * Side A as `n` app nodes behind HAProxy (the topology README.md "Running several app nodes" documents): one
 * PostgreSQL schema made for the run, the test Redis, one data dir. The first node makes the users (and the
 * schema); the rest start on it. `start` runs one bench server process with the given env.
 */
export async function startCluster(
  n: number,
  users: string[],
  start: (env: Record<string, string>) => Promise<StartedServer>,
): Promise<Side> {
  const dir = mkdtempSync(path.join(process.env.BENCH_DATA_DIR ?? tmpdir(), 'meshwork-bench-cluster-'));
  const pg = await freshPostgresUrl();
  const lbPort = await freePort();
  const origin = `http://127.0.0.1:${lbPort}`;
  const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
  const env = (port: number, names: string[]) => ({
    MESHWORK_PORT: String(port),
    MESHWORK_PUBLIC_URL: origin,
    MESHWORK_HOST: '127.0.0.1',
    MESHWORK_LOG_LEVEL: 'silent',
    MESHWORK_ALLOW_INSECURE_PEERS: '1',
    MESHWORK_DATA_DIR: dir,
    MESHWORK_DATABASE_URL: pg.url,
    MESHWORK_REDIS_URL: REDIS_URL,
    MESHWORK_TRUST_PROXY: '127.0.0.1',
    BENCH_USERS: names.join(','),
  });
  const first = await start(env(ports[0] as number, users));
  const rest = await Promise.all(ports.slice(1).map((p) => start(env(p, []))));
  const children = [first.child, ...rest.map((r) => r.child)];
  const lb = await startHaproxy(dir, { port: lbPort, nodes: ports.map((port, i) => ({ name: `node${i + 1}`, port })) });
  return {
    origin,
    host: new URL(origin).host,
    tokens: first.tokens,
    children,
    labels: children.map((_, i) => `A node${i + 1}`),
    stop: async () => {
      await Promise.all(
        children.map((c) =>
          c.exitCode === null ? new Promise((r) => (c.once('exit', r), c.kill('SIGTERM'))) : undefined,
        ),
      );
      await lb.stop();
      await pg.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
