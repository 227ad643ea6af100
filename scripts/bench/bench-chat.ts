import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Engine, loadConfig } from '#core';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { ChatConnection } from '../../plugins/chat/client/chat-connection.ts';
import type { ChatEvent } from '../../plugins/chat/shared.ts';
import { freePort, percentile } from './bench-util.ts';
import { startCluster, type Side, type StartedServer } from './chat-cluster.ts';
import {
  compare,
  report,
  type ClassStats,
  type ClientResults,
  type RunSummary,
  type ServerStats,
} from './chat-report.ts';

/**
 * `npm run bench:chat`: federated chat under load. Two Meshwork servers (child processes) and one
 * process of socket.io clients, each user connected to its own server. Rooms of 10 (5 users per server),
 * half hosted on each server; every client sends ~1 message/s with a random phase. For each delivery we
 * measure send → receive latency, split by whether the recipient is on the sender's server or the other
 * one, and check that every message reached every other member exactly once.
 * Knobs: BENCH_ROOMS (24), BENCH_SECONDS (20), BENCH_RATE (msgs/s per client, 1), BENCH_DATA_DIR (parent of the
 * servers' data dirs; default the OS temp dir, i.e. the disk), BENCH_GAP_MS (chat pushGapMs), BENCH_PROF (dir for
 * the servers' CPU profiles).
 * `--nodes N` (e.g. `npm run bench:chat -- --nodes 2`): the same workload twice in one run, side A first on one app
 * node and then on N app nodes, each time behind HAProxy on one PostgreSQL schema, Redis and one data dir (the
 * topology of README.md "Running several app nodes"; needs haproxy, PostgreSQL and Redis on loopback), side B one
 * server; then both runs side by side.
 */
const ROOMS = Number(process.env.BENCH_ROOMS ?? 24);
const PER_SIDE = 5;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 1);
const WARMUP_S = 3;
const DRAIN_S = 5;
const self = fileURLToPath(import.meta.url);

interface ClientUser {
  server: number;
  id: string;
  token: string;
  roomId: string;
  room: number;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stats(values: number[]): ClassStats {
  const s = [...values].sort((x, y) => x - y);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) ?? NaN };
}

/** Role "server": one Meshwork server with the chat plugin and pre-made users; reports RSS, lag and CPU. */
async function runServer(): Promise<void> {
  const gap = process.env.BENCH_GAP_MS;
  const engine = new Engine({ config: loadConfig(), plugins: [chatPlugin(gap ? { pushGapMs: Number(gap) } : {})] });
  // Server-to-server requests received, by route (to see how well pushes batch).
  const s2s: Record<string, number> = {};
  engine.app.use((req, _res, next) => {
    const key = req.path.startsWith('/api/') ? '/api' : req.path;
    s2s[key] = (s2s[key] ?? 0) + 1;
    next();
  });
  await engine.start();
  const ids = (process.env.BENCH_USERS ?? '').split(',').filter(Boolean);
  const tokens: Record<string, string> = {};
  for (let i = 0; i < ids.length; i += 8) {
    await Promise.all(
      ids.slice(i, i + 8).map(async (id) => {
        await engine.accounts.createUser({ id, password: `${id}-bench-pw` });
        tokens[id] = await engine.accounts.createSession(id);
      }),
    );
  }
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let peak = 0;
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200).unref();
  process.on('message', (m: { type: string }) => {
    if (m.type === 'reset') {
      lag.reset();
      for (const k of Object.keys(s2s)) delete s2s[k];
      peak = process.memoryUsage().rss;
      cpu0 = process.cpuUsage();
      t0 = performance.now();
    } else if (m.type === 'stats') {
      const cpu = process.cpuUsage(cpu0);
      const s: ServerStats = {
        rss: process.memoryUsage().rss,
        peakRss: peak,
        lagP99: lag.percentile(99) / 1e6,
        lagMax: lag.max / 1e6,
        cpuPct: ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100,
        s2sPerSecond: Object.fromEntries(
          Object.entries(s2s).map(([k, v]) => [
            k.replace('/plugins/chat/s2s/', ''),
            Math.round(v / ((performance.now() - t0) / 1000)),
          ]),
        ),
      };
      process.send?.({ type: 'stats', stats: s });
    }
  });
  process.send?.({ type: 'ready', origin: engine.identity.origin, host: engine.identity.host, tokens });
  process.once('SIGTERM', () => void engine.stop().finally(() => process.exit(0)));
}

/** Role "clients": every user's socket, the send schedule, and the latency and loss accounting. */
async function runClients(): Promise<void> {
  const { users, origins } = await new Promise<{ users: ClientUser[]; origins: string[] }>((r) =>
    process.once('message', r as never),
  );
  const members = new Map<number, ClientUser[]>();
  for (const u of users) members.set(u.room, [...(members.get(u.room) ?? []), u]);
  const receipts = new Map<string, number>(); // `${msgKey} ${receiverIdx}` → times received
  const sentAt = new Map<string, { room: number; from: number; hostSide: boolean }>();
  const lat: Record<'local' | 'remote', number[]> = { local: [], remote: [] };
  const byPath: Record<string, number[]> = {};
  const acks: number[] = [];
  let measuring = false;
  let sent = 0;
  let acked = 0;
  const conns = users.map(
    (u, idx) =>
      new ChatConnection(origins[u.server] as string, u.token, {
        transports: ['websocket'],
        onEvent: (e: ChatEvent) => {
          if (e.type !== 'message.posted') return;
          let m: { k: string; t: number; s: number; h: number; w: number };
          try {
            m = JSON.parse(e.data.text);
          } catch {
            return;
          }
          // Own echoes are acknowledgements, not deliveries.
          if (!m.w || Number(m.k.split(':')[0]) === idx) return;
          const key = `${m.k} ${idx}`;
          receipts.set(key, (receipts.get(key) ?? 0) + 1);
          if (receipts.get(key) !== 1) return;
          const cls = m.s === u.server ? 'local' : 'remote';
          const ms = now() - m.t;
          lat[cls].push(ms);
          const p = `sender on ${m.h ? 'host' : 'member'} server → recipient on ${cls === 'local' ? 'same' : 'other'} server`;
          (byPath[p] ??= []).push(ms);
        },
      }),
  );
  await Promise.all(conns.map((c) => c.connected()));
  process.send?.({ type: 'connected' });
  const start = now() + WARMUP_S * 1000;
  let cpu0 = process.cpuUsage();
  setTimeout(() => (cpu0 = process.cpuUsage()), WARMUP_S * 1000);
  const end = start + SECONDS * 1000;
  await Promise.all(
    users.map(async (u, idx) => {
      await sleep(Math.random() * (1000 / RATE));
      let n = 0;
      while (now() < end) {
        const w = now() >= start;
        const k = `${idx}:${n++}`;
        const hostSide = u.room % 2 === u.server;
        const t = now();
        const text = JSON.stringify({ k, t, s: u.server, h: hostSide ? 1 : 0, w: w ? 1 : 0 });
        if (w && !measuring) {
          measuring = true;
          process.send?.({ type: 'measuring' });
        }
        if (w) {
          sent++;
          sentAt.set(k, { room: u.room, from: idx, hostSide });
        }
        void (conns[idx] as ChatConnection).send(u.roomId, text, { clientMsgId: `b-${k}` }).then((r) => {
          if (r.ok && w) {
            acked++;
            acks.push(now() - t);
          }
        });
        await sleep(1000 / RATE);
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const clientCpuPct = ((cpu.user + cpu.system) / 1000 / (SECONDS * 1000)) * 100;
  process.send?.({ type: 'done-sending' });
  await sleep(DRAIN_S * 1000);
  let expected = 0;
  let delivered = 0;
  let duplicates = 0;
  const index = new Map(users.map((u, i) => [u, i]));
  for (const [k, s] of sentAt) {
    for (const member of members.get(s.room) ?? []) {
      const ri = index.get(member) as number;
      if (ri === s.from) continue;
      expected++;
      const got = receipts.get(`${k} ${ri}`) ?? 0;
      if (got > 0) delivered++;
      if (got > 1) duplicates += got - 1;
    }
  }
  const results: ClientResults = {
    sent,
    acked,
    expected,
    delivered,
    lost: expected - delivered,
    duplicates,
    byClass: { local: stats(lat.local), remote: stats(lat.remote) },
    byPath: Object.fromEntries(Object.entries(byPath).map(([k, v]) => [k, stats(v)])),
    ack: stats(acks),
    clientCpuPct,
  };
  process.send?.({ type: 'results', results });
  for (const c of conns) c.close();
  setTimeout(() => process.exit(0), 200).unref();
}

function spawn(role: string, env: Record<string, string>): ChildProcess {
  const prof =
    process.env.BENCH_PROF && role === 'server' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
  return fork(self, [role], {
    execArgv: ['--import', 'tsx', ...prof],
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
    child.once('exit', (code) => reject(new Error(`${type}: child exited with ${code}`)));
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
  const nodes = nodesArg();
  if (nodes === 0) {
    await scenario(0);
    return;
  }
  const runs: RunSummary[] = [];
  for (const n of [...new Set([1, nodes])]) runs.push(await scenario(n));
  compare(runs);
}

/** Starts one bench server process and waits for its users' tokens. */
async function startServer(env: Record<string, string>): Promise<StartedServer> {
  const child = spawn('server', env);
  const ready = await next<{ origin: string; host: string; tokens: Record<string, string> }>(child, 'ready');
  return { child, ...ready };
}

/**
 * One measured run. `clusterNodes` 0: each side one server on SQLite (the default). Otherwise side A is that
 * many app nodes behind HAProxy (chat-cluster.ts) and side B one server.
 */
async function scenario(clusterNodes: number): Promise<RunSummary> {
  const names = (s: number) => Array.from({ length: ROOMS * PER_SIDE }, (_, i) => `u${s}x${i}`);
  const single = async (s: number): Promise<Side> => {
    const dir = mkdtempSync(path.join(process.env.BENCH_DATA_DIR ?? tmpdir(), 'meshwork-bench-chat-'));
    const port = await freePort();
    const started = await startServer({
      MESHWORK_PORT: String(port),
      MESHWORK_PUBLIC_URL: `http://127.0.0.1:${port}`,
      MESHWORK_HOST: '127.0.0.1',
      MESHWORK_LOG_LEVEL: 'silent',
      MESHWORK_ALLOW_INSECURE_PEERS: '1',
      MESHWORK_DATA_DIR: dir,
      BENCH_USERS: names(s).join(','),
    });
    return {
      origin: started.origin,
      host: started.host,
      tokens: started.tokens,
      children: [started.child],
      labels: ['AB'[s] as string],
      stop: async () => {
        started.child.kill('SIGTERM');
        await sleep(500);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  const servers = await Promise.all([
    clusterNodes > 0 ? startCluster(clusterNodes, names(0), startServer) : single(0),
    single(1),
  ]);
  let clients: ChildProcess | null = null;
  try {
    const t0 = performance.now();
    const users: ClientUser[] = [];
    await pool(
      Array.from({ length: ROOMS }, (_, r) => r),
      4,
      async (r) => {
        const h = r % 2;
        const [host, other] = [servers[h]!, servers[1 - h]!];
        const local = names(h).slice(r * PER_SIDE, (r + 1) * PER_SIDE);
        const remote = names(1 - h).slice(r * PER_SIDE, (r + 1) * PER_SIDE);
        const owner = host.tokens[local[0] as string] as string;
        const created = await api(host.origin, owner, 'POST', '/api/v1/chat/rooms', {
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
          type Share = { id: string; state: string };
          const inbox: Share[] = await api(server.origin, tok, 'GET', '/api/v1/shares/incoming');
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
              const list = (await api(servers[s]!.origin, tok, 'GET', '/api/v1/chat/rooms')) as Array<{
                id: string;
                lastSeq: number;
              }>;
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
      },
    );
    console.log(
      `setup: ${users.length} users in ${ROOMS} rooms of ${2 * PER_SIDE} on 2 servers (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );

    clients = spawn('clients', {});
    clients.send({ users, origins: servers.map((s) => s.origin) });
    await next(clients, 'connected');
    await next(clients, 'measuring');
    const children = servers.flatMap((s) => s.children);
    for (const c of children) c.send({ type: 'reset' });
    await next(clients, 'done-sending');
    const serverStats = await Promise.all(
      children.map(async (c) => {
        const p = next<{ stats: ServerStats }>(c, 'stats');
        c.send({ type: 'stats' });
        return (await p).stats;
      }),
    );
    const { results } = await next<{ results: ClientResults }>(clients, 'results');
    return report(
      { rooms: ROOMS, perSide: PER_SIDE, seconds: SECONDS, rate: RATE, warmup: WARMUP_S },
      users.length,
      results,
      serverStats,
      servers.flatMap((s) => s.labels),
      clusterNodes > 0 ? ` (side A: ${clusterNodes} app node${clusterNodes > 1 ? 's' : ''} behind HAProxy)` : '',
    );
  } finally {
    clients?.kill();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

const role = process.argv[2];
if (role === 'server') await runServer();
else if (role === 'clients') await runClients();
else await main();
