import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../harness/test-server.ts';

/** True when HAProxy is installed; with CI=true a missing binary is a failure, not a skip. */
export function haproxyAvailable(): boolean {
  const ok = spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env.CI === 'true') throw new Error('haproxy is required in CI (Debian package haproxy)');
  return ok;
}

/**
 * The load balancer configuration README.md "Several app nodes" documents: round robin over the app nodes,
 * WebSocket upgrades passed through (a socket.io connection stays on the node it reached), a health check
 * that takes a dead node out within about a second (a refused connection fails a check at once), and a request that could not reach a node re-sent to another.
 */
export function haproxyConfig(opts: { port: number; nodes: Array<{ name: string; port: number }> }): string {
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  option http-server-close',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    '  timeout check 3s',
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response response-timeout',
    `frontend meshwork`,
    `  bind 127.0.0.1:${opts.port}`,
    '  option forwardfor',
    '  default_backend nodes',
    'backend nodes',
    '  balance roundrobin',
    // Browsers on long-polling need to come back to the same node; websocket-only clients do not care.
    '  cookie MWNODE insert indirect nocache',
    '  option httpchk GET /.well-known/ocm',
    '  http-check expect status 200',
    '  default-server inter 400ms fall 2 rise 1',
    ...opts.nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.port} check cookie ${n.name}`),
    '',
  ].join('\n');
}

/** HAProxy in the foreground on a generated config; `stop()` ends it. */
export async function startHaproxy(
  dir: string,
  opts: { port: number; nodes: Array<{ name: string; port: number }> },
): Promise<{ process: ChildProcess; stop: () => Promise<void> }> {
  const cfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig(opts));
  const check = spawnSync('haproxy', ['-c', '-q', '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy rejects its config: ${check.stderr}`);
  const child = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
      return (await fetch(`http://127.0.0.1:${opts.port}/.well-known/ocm`).catch(() => null))?.status === 200;
    },
    30_000,
    'haproxy forwarding to a node',
  );
  return {
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
