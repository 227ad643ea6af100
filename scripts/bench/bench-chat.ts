import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Engine, loadConfig } from '#core';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { ChatConnection } from '../../plugins/chat/client/chat-connection.ts';
import type { ChatEvent } from '../../plugins/chat/shared.ts';
import { freePort, percentile } from './bench-util.ts';

/**
 * `npm run bench:chat`: federated chat under load. Two Meshwork servers (child processes) and one
 * process of socket.io clients, each user connected to its own server. Rooms of 10 (5 users per server),
 * half hosted on each server; every client sends ~1 message/s with a random phase. For each delivery we
 * measure send → receive latency, split by whether the recipient is on the sender's server or the other
 * one, and check that every message reached every other member exactly once.
 * Knobs: BENCH_ROOMS (24), BENCH_SECONDS (20), BENCH_RATE (msgs/s per client, 1), BENCH_DATA_DIR (parent of the
 * servers' data dirs; default the OS temp dir, i.e. the disk), BENCH_GAP_MS (chat pushGapMs), BENCH_PROF (dir for
 * the servers' CPU profiles).
 */
const ROOMS = Number(process.env.BENCH_ROOMS ?? 24);
const PER_SIDE = 5;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 1);
const WARMUP_S = 3;
const DRAIN_S = 5;
const self = fileURLToPath(import.meta.url);

interface ServerStats {
  rss: number;
  peakRss: number;
  lagP99: number;
  lagMax: number;
  cpuPct: number;
  s2sPerSecond: Record<string, number>;
}
interface ClientUser {
  server: number;
  id: string;
  token: string;
  roomId: string;
  room: number;
}
interface ClassStats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
interface ClientResults {
  sent: number;
  acked: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  byClass: Record<'local' | 'remote', ClassStats>;
  byPath: Record<string, ClassStats>;
  ack: ClassStats;
  clientCpuPct: number;
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

async function main(): Promise<void> {
  const names = (s: number) => Array.from({ length: ROOMS * PER_SIDE }, (_, i) => `u${s}x${i}`);
  const dirs = [0, 1].map(() => mkdtempSync(path.join(process.env.BENCH_DATA_DIR ?? tmpdir(), 'meshwork-bench-chat-')));
  const servers = await Promise.all(
    [0, 1].map(async (s) => {
      const port = await freePort();
      const child = spawn('server', {
        MESHWORK_PORT: String(port),
        MESHWORK_PUBLIC_URL: `http://127.0.0.1:${port}`,
        MESHWORK_HOST: '127.0.0.1',
        MESHWORK_LOG_LEVEL: 'silent',
        MESHWORK_ALLOW_INSECURE_PEERS: '1',
        MESHWORK_DATA_DIR: dirs[s] as string,
        BENCH_USERS: names(s).join(','),
      });
      const ready = await next<{ origin: string; host: string; tokens: Record<string, string> }>(child, 'ready');
      return { child, ...ready };
    }),
  );
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
    for (const s of servers) s.child.send({ type: 'reset' });
    await next(clients, 'done-sending');
    const serverStats = await Promise.all(
      servers.map(async (s) => {
        const p = next<{ stats: ServerStats }>(s.child, 'stats');
        s.child.send({ type: 'stats' });
        return (await p).stats;
      }),
    );
    const { results } = await next<{ results: ClientResults }>(clients, 'results');
    report(users.length, results, serverStats);
  } finally {
    clients?.kill();
    for (const s of servers) s.child.kill('SIGTERM');
    await sleep(500);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

function report(n: number, r: ClientResults, servers: ServerStats[]): void {
  const f = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '-');
  const row = (label: string, a: string, b: string) =>
    console.log(`  ${label.padEnd(22)}${a.padStart(28)}${b.padStart(28)}`);
  const { local, remote } = r.byClass;
  console.log(
    `\nbench:chat — ${n} socket.io clients (${n / 2} per server), ${ROOMS} rooms of ${2 * PER_SIDE} spanning both servers (half hosted on each),`,
  );
  console.log(
    `~${RATE} msg/s per client with random phase, ${SECONDS} s measured after ${WARMUP_S} s warm-up; servers and clients in 3 processes on this machine`,
  );
  console.log(
    `(machine load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} — other work on the box shows up in the tails)\n`,
  );
  row('', "recipient on sender's", 'recipient on the');
  row('', 'server (local)', 'other server (federated)');
  row('deliveries/s', (local.n / SECONDS).toFixed(0), (remote.n / SECONDS).toFixed(0));
  row('latency p50', f(local.p50), f(remote.p50));
  row('latency p95', f(local.p95), f(remote.p95));
  row('latency p99', f(local.p99), f(remote.p99));
  row('latency max', f(local.max), f(remote.max));
  console.log(
    `\n  total: ${((local.n + remote.n) / SECONDS).toFixed(0)} deliveries/s; sent ${r.sent}, acknowledged ${r.acked}; expected deliveries ${r.expected}, delivered ${r.delivered}, lost ${r.lost}, duplicated ${r.duplicates}`,
  );
  console.log(`  send → ack: p50 ${f(r.ack.p50)}, p99 ${f(r.ack.p99)}`);
  console.log('\n  by path (p50 / p99):');
  for (const [k, v] of Object.entries(r.byPath).sort())
    console.log(`    ${k.padEnd(58)} ${f(v.p50)} / ${f(v.p99)}  (${v.n})`);
  console.log(`  clients process: CPU ${r.clientCpuPct.toFixed(0)} %`);
  servers.forEach((s, i) =>
    console.log(
      `  server ${'AB'[i]}: RSS ${(s.rss / 1048576).toFixed(0)} MB (peak ${(s.peakRss / 1048576).toFixed(0)} MB), CPU ${s.cpuPct.toFixed(0)} %, event-loop lag p99 ${f(s.lagP99)} (max ${f(s.lagMax)}), S2S requests received/s ${JSON.stringify(s.s2sPerSecond)}`,
    ),
  );
  const ratio = remote.p99 / local.p99;
  console.log(
    `\n  target: federated p99 ≤ 2× local p99 → ${ratio.toFixed(2)}× ${ratio <= 2 ? 'met' : 'NOT met'}; federated p99 < 100 ms → ${remote.p99 < 100 ? 'met' : 'NOT met'}; zero loss → ${r.lost === 0 && r.duplicates === 0 ? 'met' : 'NOT met'}`,
  );
}

const role = process.argv[2];
if (role === 'server') await runServer();
else if (role === 'clients') await runClients();
else await main();
