import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './bench-util.ts';
import { bundled, startCommand } from './bundle.ts';
import { runClients, type ClientRaw, type ClientSetup, type ClientUser } from './chat-client-role.ts';
import { startCluster, type Side, type StartedServer } from './chat-cluster.ts';
import { mergeResults } from './chat-merge.ts';
import { compare, report, scaleTargets, type RunShape, type RunSummary, type ServerStats } from './chat-report.ts';

/**
 * `npm run bench:chat`: federated chat under load. Two Meshwork servers (child processes) and one
 * process of socket.io clients, each user connected to its own server. Rooms of 10 (5 users per server),
 * half hosted on each server; every client sends ~1 message/s with a random phase. For each delivery we
 * measure send → receive latency, split by whether the recipient is on the sender's server or the other
 * one, and check that every message reached every other member exactly once.
 * Knobs: BENCH_ROOMS (24), BENCH_SECONDS (20), BENCH_RATE (msgs/s per client, 1), BENCH_CLIENT_PROCS (processes
 * holding the client sockets; one per 600 clients by default), BENCH_DRAIN_MAX_S (30), BENCH_DATA_DIR (parent of the
 * servers' data dirs; default the OS temp dir, i.e. the disk), BENCH_GAP_MS (chat pushGapMs), BENCH_PROF (dir for
 * the servers' CPU profiles; the clients processes' go into its `clients/`), BENCH_CLIENT (`socket.io`: the clients
 * use the chat client library instead of the lean wire client, chat-wire.ts), BENCH_SERVER_FLAGS (the servers' node
 * flags in place of `npm start`'s; empty: node's defaults), BENCH_HEAP_SNAPSHOT (dir for a heap snapshot of each
 * server at the end of the window), BENCH_SERVER_BUNDLE (a bundle of chat-server-role.ts made beforehand, e.g. from
 * another commit, run in place of this tree's: before/after runs of one harness).
 * `--nodes N` (e.g. `npm run bench:chat -- --nodes 2`): the same workload twice in one run, side A first on one app
 * node and then on N app nodes, each time behind HAProxy on one PostgreSQL schema, Redis and one data dir (the
 * topology of README.md "Running several app nodes"; needs haproxy, PostgreSQL and Redis on loopback), side B one
 * server; then both runs side by side.
 * `--scale`: today's 240 clients (24 rooms, 1 msg/s each) and then 2,000 clients (200 rooms, 0.28 msg/s each: about
 * 5,000 deliveries/s) in one run, each printed, then both against issue 13's targets.
 */
const PER_SIDE = 5;
const WARMUP_S = 3;
const self = fileURLToPath(import.meta.url);
/** The clients run from a bundle of this file, the servers from one of chat-server-role.ts (bundle.ts says why). */
let roles: string | undefined;
let server: string | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

/** The workload of a plain run, from the environment. */
const envShape = (): RunShape => ({
  rooms: Number(process.env.BENCH_ROOMS ?? 24),
  perSide: PER_SIDE,
  seconds: Number(process.env.BENCH_SECONDS ?? 20),
  rate: Number(process.env.BENCH_RATE ?? 1),
  warmup: WARMUP_S,
});

/**
 * The servers' node flags: `npm start`'s, or BENCH_SERVER_FLAGS in their place (space-separated, e.g.
 * `--max-semi-space-size=4`; empty for node's defaults). The environment (malloc settings) stays `npm start`'s.
 */
function serverFlags(startFlags: string[]): string[] {
  const v = process.env.BENCH_SERVER_FLAGS;
  if (v === undefined) return startFlags;
  const flags = v.split(/\s+/).filter(Boolean);
  const bad = flags.find((a) => !a.startsWith('--'));
  if (bad) throw new Error(`BENCH_SERVER_FLAGS holds node flags only (--name[=value]), not ${bad}`);
  return flags;
}

function spawn(role: string, env: Record<string, string>): ChildProcess {
  // Servers' profiles go into BENCH_PROF, the clients processes' into BENCH_PROF/clients.
  const profDir = process.env.BENCH_PROF && path.join(process.env.BENCH_PROF, role === 'server' ? '' : 'clients');
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  if (role === 'server') {
    // The server runs from its own bundle, started as `npm start` starts one (its node flags and environment).
    const start = startCommand();
    server ??=
      process.env.BENCH_SERVER_BUNDLE || bundled(fileURLToPath(new URL('./chat-server-role.ts', import.meta.url)));
    return fork(server, [], {
      execArgv: [...serverFlags(start.nodeArgs), ...prof],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...start.env, ...env },
    });
  }
  roles ??= bundled(self);
  return fork(roles, [role], {
    execArgv: ['--enable-source-maps', ...prof],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
}

function next<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: { type: string }) => {
      if (m.type !== type) return;
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    // 'exit' can come before the last messages are read from the IPC channel (a clients process sends its large
    // results and exits as soon as they are written): only 'close' (its stdio and IPC closed) means none is coming.
    child.once('close', (code) => reject(new Error(`${type}: child exited with ${code}`)));
  });
}

async function api(origin: string, token: string, method: string, p: string, body?: unknown): Promise<any> {
  const res = await fetch(origin + p, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json().catch(() => null);
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++] as T);
    }),
  );
}

/** `--nodes N`: side A runs once on one app node and once on N, each behind HAProxy (PostgreSQL, Redis). */
function nodesArg(): number {
  const i = process.argv.indexOf('--nodes');
  const v = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith('--nodes='))?.slice(8);
  const n = v === undefined ? 0 : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 8) throw new Error(`--nodes wants a whole number from 1 to 8, not ${v}`);
  return n;
}

async function main(): Promise<void> {
  if (process.argv.includes('--scale')) {
    const small = await scenario({ ...envShape(), rooms: 24, rate: 1 }, 0);
    const large = await scenario({ ...envShape(), rooms: 200, rate: 0.28 }, 0);
    scaleTargets(small, large);
    return;
  }
  const nodes = nodesArg();
  if (nodes === 0) {
    await scenario(envShape(), 0);
    return;
  }
  const runs: RunSummary[] = [];
  for (const n of [...new Set([1, nodes])]) runs.push(await scenario(envShape(), n));
  compare(runs);
}

/** Starts one bench server process and waits for its users' tokens. */
async function startServer(env: Record<string, string>): Promise<StartedServer> {
  const child = spawn('server', env);
  const ready = await next<{ origin: string; host: string; tokens: Record<string, string> }>(child, 'ready');
  return { child, ...ready };
}

/** One side as one server on SQLite (the default). */
async function single(users: string[], label: string): Promise<Side> {
  const dir = mkdtempSync(path.join(process.env.BENCH_DATA_DIR ?? tmpdir(), 'meshwork-bench-chat-'));
  const port = await freePort();
  const started = await startServer({
    MESHWORK_PORT: String(port),
    MESHWORK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    MESHWORK_HOST: '127.0.0.1',
    MESHWORK_LOG_LEVEL: 'silent',
    MESHWORK_ALLOW_INSECURE_PEERS: '1',
    MESHWORK_DATA_DIR: dir,
    BENCH_USERS: users.join(','),
  });
  return {
    origin: started.origin,
    host: started.host,
    tokens: started.tokens,
    children: [started.child],
    labels: [label],
    stop: async () => {
      started.child.kill('SIGTERM');
      await sleep(500);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Makes the rooms (half hosted on each side), has every invitee accept, and waits until each member sees all 10. */
async function makeRooms(servers: Side[], rooms: number, names: (s: number) => string[]): Promise<ClientUser[]> {
  const users: ClientUser[] = [];
  const rounds = Array.from({ length: rooms }, (_, r) => r);
  const one = async (r: number) => {
    const h = r % 2;
    const [host, other] = [servers[h]!, servers[1 - h]!];
    const local = names(h).slice(r * PER_SIDE, (r + 1) * PER_SIDE);
    const remote = names(1 - h).slice(r * PER_SIDE, (r + 1) * PER_SIDE);
    const created = await api(host.origin, host.tokens[local[0] as string] as string, 'POST', '/api/v1/chat/rooms', {
      name: `bench ${r}`,
      members: [...local.slice(1), ...remote.map((id) => `${id}@${other.host}`)],
    });
    if (created.failed.length) throw new Error(`invites failed: ${JSON.stringify(created.failed)}`);
    // Everyone invited accepts: the remote users, and the host server's own users (invited the same way).
    for (const [server, id] of [
      ...local.slice(1).map((id) => [host, id] as const),
      ...remote.map((id) => [other, id] as const),
    ]) {
      const tok = server.tokens[id] as string;
      const inbox: Array<{ id: string; state: string }> = await api(
        server.origin,
        tok,
        'GET',
        '/api/v1/shares/incoming',
      );
      for (const s of inbox.filter((x) => x.state === 'pending'))
        await api(server.origin, tok, 'POST', `/api/v1/shares/incoming/${s.id}/accept`);
    }
    for (const [s, ids] of [
      [h, local],
      [1 - h, remote],
    ] as const) {
      for (const id of ids) {
        const tok = servers[s]!.tokens[id] as string;
        for (let tries = 0; ; tries++) {
          const list = (await api(servers[s]!.origin, tok, 'GET', '/api/v1/chat/rooms')) as Array<{ id: string }>;
          const room = list[0];
          if (room) {
            const d = await api(servers[s]!.origin, tok, 'GET', `/api/v1/chat/rooms/${room.id}`);
            if (d.members.filter((m: { state: string }) => m.state === 'joined').length === 2 * PER_SIDE) {
              users.push({ server: s, id, token: tok, roomId: room.id, room: r });
              break;
            }
          }
          if (tries > 200) throw new Error(`room ${r} never synced for ${id}`);
          await sleep(50);
        }
      }
    }
  };
  // The first room hosted on each side alone: each server then knows the other's keys before eight invites at a
  // time would each wait for the same discovery (on a loaded machine past its timeout).
  for (const r of rounds.slice(0, 2)) await one(r);
  await pool(rounds.slice(2), 8, one);
  return users;
}

/** Runs the send schedule over `procs` clients processes and merges what they measured. */
async function drive(users: ClientUser[], servers: Side[], shape: RunShape) {
  const procs = Number(process.env.BENCH_CLIENT_PROCS ?? Math.ceil(users.length / 600));
  const per = Math.ceil(users.length / procs);
  const clients = Array.from({ length: procs }, () => spawn('clients', {}));
  try {
    const origins = servers.map((s) => s.origin);
    const drainMaxS = Number(process.env.BENCH_DRAIN_MAX_S ?? 30);
    clients.forEach((c, i) => {
      const setup: ClientSetup = {
        users,
        origins,
        from: i * per,
        to: Math.min(users.length, (i + 1) * per),
        rate: shape.rate,
        drainMaxS,
      };
      c.send({ type: 'setup', setup });
    });
    await Promise.all(clients.map((c) => next(c, 'connected')));
    const start = now() + shape.warmup * 1000;
    const end = start + shape.seconds * 1000;
    for (const c of clients) c.send({ type: 'go', start, end });
    // Listen for the clients' results now: a client that finishes before the servers answer must not be missed.
    const results = clients.map((c) => next<{ raw: ClientRaw }>(c, 'results'));
    const children = servers.flatMap((s) => s.children);
    await sleep(start - now());
    for (const c of children) c.send({ type: 'reset' });
    await sleep(end - now());
    const serverStats = await Promise.all(
      children.map(async (c) => {
        const p = next<{ stats: ServerStats }>(c, 'stats');
        c.send({ type: 'stats' });
        return (await p).stats;
      }),
    );
    const raws = (await Promise.all(results)).map((r) => r.raw);
    // Every delivery is in (or given up): what each server spent since the window opened, backlog included.
    await Promise.all(
      children.map(async (c, i) => {
        const p = next<{ cpuMs: number }>(c, 'cpu');
        c.send({ type: 'cpu' });
        (serverStats[i] as ServerStats).cpuMsToDrain = (await p).cpuMs;
      }),
    );
    return { results: mergeResults(users, raws, shape.seconds), serverStats, procs };
  } finally {
    for (const c of clients) c.kill();
  }
}

/**
 * One measured run. `clusterNodes` 0: each side one server on SQLite (the default). Otherwise side A is that
 * many app nodes behind HAProxy (chat-cluster.ts) and side B one server.
 */
async function scenario(shape: RunShape, clusterNodes: number): Promise<RunSummary> {
  const names = (s: number) => Array.from({ length: shape.rooms * PER_SIDE }, (_, i) => `u${s}x${i}`);
  const servers = await Promise.all([
    clusterNodes > 0 ? startCluster(clusterNodes, names(0), startServer) : single(names(0), 'A'),
    single(names(1), 'B'),
  ]);
  try {
    const t0 = performance.now();
    const users = await makeRooms(servers, shape.rooms, names);
    const start = startCommand();
    const env = Object.entries(start.env).map(([k, v]) => `${k}=${v}`);
    console.log(`servers: ${[...env, 'node', ...serverFlags(start.nodeArgs)].join(' ')}`);
    console.log(
      `setup: ${users.length} users in ${shape.rooms} rooms of ${2 * PER_SIDE} on 2 servers (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    const { results, serverStats, procs } = await drive(users, servers, shape);
    const title =
      clusterNodes > 0 ? ` (side A: ${clusterNodes} app node${clusterNodes > 1 ? 's' : ''} behind HAProxy)` : '';
    return report(
      shape,
      users.length,
      results,
      serverStats,
      servers.flatMap((s) => s.labels),
      title,
      procs,
    );
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

const role = process.argv[2];
if (role === 'clients') await runClients();
else await main();
