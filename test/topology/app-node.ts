import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** One Meshwork app node in its own process, started the way an operator does: `scripts/server.ts` and env vars. */
export interface AppNode {
  name: string;
  port: number;
  process: ChildProcess;
  /** Ends the process with SIGKILL (no shutdown hooks, no flush) and waits for it to be gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful) unless it is already gone. */
  stop(): Promise<void>;
}

/** Starts a node with the default plugins (what `npm start` runs) and resolves once it listens. */
export async function startAppNode(name: string, port: number, env: Record<string, string>): Promise<AppNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/server.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, MESHWORK_PORT: String(port), MESHWORK_HOST: '127.0.0.1' },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${out}`)), 60_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      if (out.includes('Meshwork listening on')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${out}`));
    });
  });
  // MESHWORK_TEST_LOG=<level> shows what the nodes log (prefixed with the node's name).
  const echo = (c: Buffer) => {
    if (process.env.MESHWORK_TEST_LOG) process.stderr.write(`[${name}] ${c.toString()}`);
  };
  child.stdout?.on('data', echo);
  child.stderr?.on('data', echo);
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { name, port, process: child, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}
