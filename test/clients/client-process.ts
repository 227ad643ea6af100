/** Runs an external client (Python, vdirsyncer, khal) for the client tests and collects its output. */
import { spawn, spawnSync } from 'node:child_process';

/** True when a shell command succeeds (a tool is installed, a module imports). */
export function available(check: string): boolean {
  return spawnSync('sh', ['-c', check], { stdio: 'ignore' }).status === 0;
}

/** Fails under CI and skips otherwise when a client is missing (the tests' common rule). */
export function requireTool(ctx: Mocha.Context, check: string, what: string): void {
  if (available(check)) return;
  if (process.env.CI === 'true') throw new Error(`${what} is not installed but CI needs it`);
  ctx.skip();
}

/** Runs a command to its end; never rejects for a non-zero exit (the caller asserts on `code`). */
export function run(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, ...(opts.env ?? {}) },
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(opts.input ?? '');
  });
}
