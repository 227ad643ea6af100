import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from './bundle.ts';
import { freePort } from '../../test/harness/test-server.ts';

export { freePort };

/** Percentile of an ascending array (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** Starts a bench server (scripts/bench/bench-server.ts) in a child process and waits for READY. */
export async function spawnServer(
  env: Record<string, string>,
  script = './bench-server.ts',
): Promise<{ origin: string; child: ChildProcess; port: number }> {
  const port = await freePort();
  const entry = bundled(fileURLToPath(new URL(script, import.meta.url)));
  const child = fork(entry, [], {
    execArgv: [
      '--enable-source-maps',
      ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
    ],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: meshworkEnv(port, mkdtempSync(path.join(tmpdir(), 'meshwork-bench-')), {
      MESHWORK_ALLOW_INSECURE_PEERS: '1',
      ...env,
    }),
  });
  const origin = await readyOrigin(child, 'bench server');
  return { origin, child, port };
}

/** The origin a bench server child prints on its `READY <origin>` line (it failing to start is an error). */
export function readyOrigin(child: ChildProcess, what: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\S+)/.exec(buf);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

/**
 * Runs a bench script's own server mode (`<script> --serve`, through the TypeScript loader) on a free loopback port
 * with an empty data folder, and waits until it is ready.
 */
export async function serveChild(
  script: string,
  dirPrefix: string,
): Promise<{ origin: string; child: ChildProcess; dir: string }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), dirPrefix));
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: meshworkEnv(port, dir),
  });
  return { origin: await readyOrigin(child, 'meshwork'), child, dir };
}

/** The environment of a bench Meshwork server on loopback `port` with its data in `dir` (silent log). */
export function meshworkEnv(port: number, dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MESHWORK_PORT: String(port),
    MESHWORK_HOST: '127.0.0.1',
    MESHWORK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    MESHWORK_DATA_DIR: dir,
    MESHWORK_LOG_LEVEL: 'silent',
    ...extra,
  };
}

/** Asks a bench server process for its resident set size. */
export async function rssOf(child: ChildProcess): Promise<number> {
  return (await usageOf(child)).rss;
}

/** A bench server process's resident set size and CPU time so far (user + system, ms). */
export function usageOf(child: ChildProcess): Promise<{ rss: number; cpuMs: number }> {
  return new Promise((resolve) => {
    child.once('message', (m) => {
      const { rss, cpu } = m as { rss: number; cpu: { user: number; system: number } };
      resolve({ rss, cpuMs: (cpu.user + cpu.system) / 1000 });
    });
    child.send('rss');
  });
}

/** Formats milliseconds with two decimals. */
export function ms(v: number): string {
  return `${v.toFixed(2)} ms`;
}
