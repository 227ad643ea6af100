/**
 * Sends malformed methods, paths, headers and bodies (JSON, XML, form, binary, huge, truncated, wrong content type,
 * bad UTF-8, deep nesting) to every route the server really mounts (read from express's router stack: core, files,
 * chat) plus WebDAV, /.well-known and socket.io paths, with and without credentials, and checks: no 5xx, no request
 * left unanswered, nothing logged as an unhandled error, and the server still serves afterwards.
 *
 * Seeded and deterministic: the seed is printed (fixed by default; `MESHWORK_FUZZ_SEED=random` picks a new one) and
 * `MESHWORK_FUZZ_SEED=<seed> npm test -- test/security/fuzz.test.ts` sends the same requests in the same order. Each
 * failure is printed with its request.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { pino } from 'pino';
import { defaultPlugins } from '../../scripts/plugin-list.ts';
import { webStatic } from '../../scripts/web-static.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { ensureWebBuild } from '../harness/web-build.ts';
import { mountedRoutes, sendRaw, type MountedRoute, type RawRequest, type RawResponse } from './fuzz-client.ts';
import { davBodies } from './fuzz-bodies.ts';
import { buildCase, DAV_METHODS, type FuzzAuth } from './fuzz-inputs.ts';
import { malformedHttp } from './fuzz-malformed-http.ts';
import { Rng } from './fuzz-rng.ts';

const CASES_PER_ROUTE = 40;
const DESTRUCTIVE = ['LOCK', 'UNLOCK', 'COPY', 'MOVE', 'DELETE'];
// A fixed seed by default, so CI sends the same requests every run; MESHWORK_FUZZ_SEED=random explores others.
const SEED =
  process.env.MESHWORK_FUZZ_SEED === 'random' ? randomInt(2 ** 31) : Number(process.env.MESHWORK_FUZZ_SEED ?? 20261130);

/** A 5xx the protocol itself prescribes: OCM answers an unknown resource type, share type or protocol with 501. */
function prescribed(req: RawRequest, res: RawResponse): boolean {
  return res.status === 501 && req.target.startsWith('/ocm/');
}

function logLine(line: string): string {
  const l = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string; stack?: string } };
  const where = l.err?.stack
    ?.split('\n')
    .find((f) => /\/(core|plugins)\//.test(f))
    ?.trim();
  return `${l.msg}: ${l.err?.type ?? ''} ${l.err?.message ?? ''} ${where ?? ''}`;
}

function describe1(req: RawRequest): string {
  if (req.rawHead) return JSON.stringify(req.rawHead.slice(0, 300));
  const headers = req.headers.map(([k, v]) => `${k}: ${v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v}`);
  const body = req.body.length > 200 ? `${req.body.length} bytes` : JSON.stringify(req.body.toString('latin1'));
  const target = req.target.length > 200 ? `${req.target.slice(0, 200)}…(${req.target.length})` : req.target;
  return `${req.method} ${target} [${headers.join(' | ')}] body=${body}${req.truncate ? ' (truncated)' : ''}`;
}

/** Sends every request in order and collects what went wrong with each. */
async function runPlan(port: number, plan: RawRequest[], logged: string[]) {
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  for (const [n, req] of plan.entries()) {
    const seen = logged.length;
    const res = await sendRaw(port, req);
    if (logged.length > seen)
      failures.push(`#${n} logged: ${logged.slice(seen).map(logLine).join('; ')}\n      ${describe1(req)}`);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const bad =
      (res.status >= 500 && !prescribed(req, res)) ||
      (res.outcome === 'timeout' && !req.truncate) ||
      (res.outcome === 'closed' && !req.truncate && req.body.length < 65_536);
    if (bad)
      failures.push(
        `#${n} → ${res.status || res.outcome} ${res.body.slice(0, 160).replace(/\s+/g, ' ')}\n      ${describe1(req)}`,
      );
  }
  return { failures, statuses };
}

describe(`fuzzing every mounted route (seed ${SEED}; MESHWORK_FUZZ_SEED=${SEED} reproduces)`, function () {
  this.timeout(120_000);
  let s: TestServer;
  const logged: string[] = [];
  let auth: FuzzAuth;
  const real: Record<string, string[]> = {};

  before(async () => {
    const dist = await ensureWebBuild();
    const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });
    // No insecure peers: nothing a fuzz body names is ever contacted on loopback.
    s = await startTestServer({
      plugins: defaultPlugins(),
      fallback: webStatic({ distDir: dist }),
      env: { MESHWORK_ALLOW_INSECURE_PEERS: '0' },
      logger,
    });
    const alice = await s.user('alice');
    await s.user('bob');
    auth = {
      bearer: alice,
      basic: `Basic ${Buffer.from('alice:alice-password').toString('base64')}`,
      throwaway: (() => {
        // Sessions made ahead (synchronously usable): logout cases end these, never the fixture's own session.
        const pool: string[] = [];
        return () => pool.shift() ?? 'exhausted-pool';
      })(),
    };
    const pool = await Promise.all(Array.from({ length: 40 }, () => s.engine.accounts.createSession('alice')));
    auth.throwaway = () => pool.shift() ?? 'exhausted-pool';
    // Warm the Basic cache: later wrong Basic guesses throttle the address, not this known-good credential.
    assert.equal((await fetch(`${s.origin}/api/v1/me`, { headers: { authorization: auth.basic } })).status, 200);
    const room = await s.api(alice, 'POST', '/api/v1/chat/rooms', { name: 'Fuzz', members: ['bob'] });
    const msg = await s.api(alice, 'POST', `/api/v1/chat/rooms/${room.body.room.id}/messages`, { text: 'hello' });
    const contact = await s.api(alice, 'POST', '/api/v1/contacts', { address: 'carol@peer.example.invalid' });
    for (const [m, p, b] of [
      ['MKCOL', '/dav/files/alice/Folder', undefined],
      ['PUT', '/dav/files/alice/doc.txt', 'text'],
      ['PUT', '/dav/files/alice/Folder/inner.txt', 'inner'],
    ] as const)
      await fetch(s.origin + p, { method: m, headers: { authorization: `Bearer ${alice}` }, body: b });
    real.id = [room.body.room.id, contact.body.id].filter(Boolean);
    real.eventId = [msg.body?.event?.id ?? msg.body?.id].filter(Boolean);
    real.address = [`bob@${s.host}`, `alice@${s.host}`, 'bob'];
    real.davSegment = ['alice', 'alice', 'bob', 'doc.txt', 'Folder', 'Shared%20with%20me'];
  });
  after(async () => s?.destroy());

  it('answers every hostile request with less than 500, and keeps serving', async function () {
    this.timeout(60_000);
    const started = Date.now();
    const routes: MountedRoute[] = [
      ...mountedRoutes(s.engine.app),
      { methods: [], path: '/dav', prefix: true },
      { methods: [], path: '/socket.io', prefix: true },
      { methods: [], path: '/.well-known', prefix: true },
      { methods: ['GET'], path: '/', prefix: false },
      { methods: ['GET'], path: '/:page', prefix: false },
    ];
    const paths = routes.map((r) => r.path);
    for (const expected of ['/api/v1/auth/login', '/api/v1/shares', '/ocm/shares', '/dav/files', '/api/v1/chat/rooms'])
      assert.ok(
        paths.some((p) => p.startsWith(expected)),
        `route list read from the router has ${expected}`,
      );

    const rng = new Rng(SEED);
    const plan: RawRequest[] = [...malformedHttp(s.port)];
    for (const route of routes)
      for (let i = 0; i < CASES_PER_ROUTE; i++) plan.push(buildCase(rng, route, i, auth, real));

    const { failures, statuses } = await runPlan(s.port, plan, logged);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `      ${plan.length} requests to ${routes.length} routes in ${seconds} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );

    // Still alive: discovery answers and a user logs in.
    assert.equal((await fetch(`${s.origin}/.well-known/ocm`)).status, 200);
    const login = await s.api(null, 'POST', '/api/v1/auth/login', { username: 'bob', password: 'bob-password' });
    assert.equal(login.status, 200);

    assert.deepEqual(failures, [], `seed ${SEED}: ${failures.length} requests failed:\n  ${failures.join('\n  ')}`);
  });

  // Every WebDAV method with hostile XML, authenticated, on a file and a folder of the user's own tree. The DAV layer
  // is being rewritten on the dav branch; failures here are in its XML handling (listed in the security report).
  it('answers WebDAV methods with hostile XML bodies with less than 500 (DAV layer)', async function () {
    this.timeout(60_000);
    const plan: RawRequest[] = [];
    for (const target of ['/dav/files/alice/doc.txt', '/dav/files/alice/Folder/'])
      // Destructive methods last, so every body meets an existing resource first.
      for (const method of [...DAV_METHODS].sort((x, y) => DESTRUCTIVE.indexOf(x) - DESTRUCTIVE.indexOf(y)))
        for (const { body } of davBodies())
          plan.push({
            method,
            target,
            headers: [
              ['Authorization', `Bearer ${auth.bearer}`],
              ['Content-Type', 'application/xml; charset=utf-8'],
              ['Depth', '0'],
            ],
            body,
          });
    const { failures } = await runPlan(s.port, plan, logged);
    assert.deepEqual(failures, [], `${failures.length} DAV requests failed:\n  ${failures.join('\n  ')}`);
  });
});
