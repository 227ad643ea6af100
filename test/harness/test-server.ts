import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import type { RequestHandler } from 'express';
import { Engine, loadConfig, type EngineOptions, type Logger, type MeshworkPlugin } from '#core';
import { notePlugin } from '../fixtures/note-plugin.ts';

/** A Meshwork server started for a test, with helpers to act as its users. */
export interface TestServer {
  engine: Engine;
  origin: string;
  host: string;
  dataDir: string;
  port: number;
  env: Record<string, string>;
  /** Creates a user and returns a bearer token for it. */
  user(id: string, displayName?: string): Promise<string>;
  api<T = any>(
    token: string | null,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
  /** Stops and removes the data dir. */
  destroy(): Promise<void>;
}

/** A free TCP port on loopback (for restart tests that must come back on the same origin). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a server on loopback with its own data dir (or the given one), insecure peers allowed. */
export async function startTestServer(
  opts: {
    env?: Record<string, string>;
    dataDir?: string;
    port?: number;
    plugins?: MeshworkPlugin[];
    /** Handlers mounted after every route (e.g. the web app from scripts/web-static.ts). */
    fallback?: RequestHandler[];
    /** Handlers run before the plugins' own on a path (recording server-to-server traffic; see EngineOptions). */
    wiretap?: EngineOptions['wiretap'];
    /** How often sockets' sessions are re-read (see EngineOptions). */
    sessionChecks?: EngineOptions['sessionChecks'];
    /** The server's logger (default: one at MESHWORK_LOG_LEVEL, silent in tests). */
    logger?: Logger;
  } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'meshwork-test-'));
  const port = opts.port ?? (await freePort());
  const env: Record<string, string> = {
    MESHWORK_PORT: String(port),
    MESHWORK_HOST: '127.0.0.1',
    MESHWORK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    MESHWORK_DATA_DIR: dataDir,
    MESHWORK_ALLOW_INSECURE_PEERS: '1',
    MESHWORK_LOG_LEVEL: process.env.MESHWORK_TEST_LOG ?? 'silent',
    MESHWORK_OUTBOX_RETRY_BASE_MS: '100',
    MESHWORK_OUTBOX_RETRY_MAX_MS: '500',
    // Tests check what happens, not how fast: a live peer on a busy machine must not turn a 201 into a 202.
    MESHWORK_SHARE_WAIT_MS: '20000',
    ...(opts.env ?? {}),
  };
  const engine = new Engine({
    config: loadConfig(env),
    plugins: opts.plugins ?? [notePlugin()],
    ...(opts.fallback ? { fallback: opts.fallback } : {}),
    ...(opts.wiretap ? { wiretap: opts.wiretap } : {}),
    ...(opts.sessionChecks ? { sessionChecks: opts.sessionChecks } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  await engine.start();
  const origin = engine.identity.origin;
  const api = async (token: string | null, method: string, p: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(origin + p, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON; keep the text
    }
    return { status: res.status, body: parsed as any };
  };
  const server: TestServer = {
    engine,
    origin,
    host: engine.identity.host,
    dataDir,
    port,
    env,
    async user(id, displayName) {
      if (!(await engine.accounts.findUser(id)))
        await engine.accounts.createUser({ id, password: `${id}-password`, displayName: displayName ?? id });
      const res = await api(null, 'POST', '/api/v1/auth/login', { username: id, password: `${id}-password` });
      if (res.status !== 200) throw new Error(`login failed for ${id}: ${res.status}`);
      return res.body.token as string;
    },
    api,
    async stop() {
      await engine.stop();
      await clientSeesClose();
    },
    async destroy() {
      await engine.stop().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** Polls (every `everyMs`) until `check` returns a truthy value or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  ms = 5000,
  what = 'condition',
  everyMs = 50,
): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/**
 * Lets this process's own HTTP client (the global fetch, undici) finish with the connections a stopped server
 * closed before a test sends anything else. Undici reads the server's FIN in one poll phase and drops the socket
 * only in that iteration's close phase; a request dispatched in between (a restart on the same port can resolve
 * exactly there) is written to the dead keep-alive socket and fails with "other side closed". Two check phases
 * put the client past both: the first follows the poll that reads the FIN, the second follows the close phase.
 * Reproduced with a bare node server and fetch: one setImmediate after close fails every time, two never do.
 */
async function clientSeesClose(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}
