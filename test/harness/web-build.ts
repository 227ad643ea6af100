import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The built browser app the servers of browser tests serve. */
export const WEB_DIST = path.join(root, 'web', 'dist');
const LOCK = path.join(root, 'web', '.build-lock');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(p)) {
    if (name === 'dist' || name === 'node_modules' || name.startsWith('.')) continue;
    max = Math.max(max, newestMtime(path.join(p, name)));
  }
  return max;
}

/** Newest change to anything that goes into the bundle: web/src, web/sdk and every plugins/<id>/web. */
function sourcesMtime(): number {
  const pluginsDir = path.join(root, 'plugins');
  const pluginWebs = existsSync(pluginsDir) ? readdirSync(pluginsDir).map((p) => path.join(pluginsDir, p, 'web')) : [];
  return Math.max(
    newestMtime(path.join(root, 'web', 'src')),
    newestMtime(path.join(root, 'web', 'sdk')),
    newestMtime(path.join(root, 'web', 'index.html')),
    newestMtime(path.join(root, 'web', 'vite.config.ts')),
    ...pluginWebs.map(newestMtime),
  );
}

function isFresh(): boolean {
  const index = path.join(WEB_DIST, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= sourcesMtime();
}

async function lock(): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      // Another test process is building; a lock older than two minutes is left over from a crash.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 120_000)
        rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > until) throw new Error('timed out waiting for another web build');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function viteBuild(outDir: string): Promise<void> {
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const child = spawn(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: root,
      env: { ...process.env, MESHWORK_WEB_OUT_DIR: outDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (${code}):\n${output}`))));
  });
}

/**
 * Builds web/dist when it is missing or older than its sources (web/, plugins/*\/web), so browser tests never
 * run against a stale bundle. Builds into a temporary folder and swaps it in; a lock keeps parallel runs apart.
 */
export async function ensureWebBuild(): Promise<string> {
  if (isFresh()) return WEB_DIST;
  await lock();
  try {
    if (isFresh()) return WEB_DIST;
    const tmp = path.join(root, 'web', `.dist-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    await viteBuild(tmp);
    const old = path.join(root, 'web', `.dist-old-${process.pid}`);
    if (existsSync(WEB_DIST)) renameSync(WEB_DIST, old);
    renameSync(tmp, WEB_DIST);
    rmSync(old, { recursive: true, force: true });
    return WEB_DIST;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
