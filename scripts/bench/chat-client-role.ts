import { ChatConnection } from '../../plugins/chat/client/chat-connection.ts';
import type { ChatEvent } from '../../plugins/chat/shared.ts';
import { WireChatClient } from './chat-wire.ts';

/**
 * bench:chat's role "clients": the sockets of a slice of the users (several such processes share a large run), the
 * send schedule, and raw receipts and latencies that the parent merges across processes (chat-merge.ts). Clocks:
 * `now()` is wall-clock based in every process on this machine, so a sender's timestamp read by a receiver in
 * another process gives the delivery latency.
 */
export interface ClientUser {
  server: number;
  id: string;
  token: string;
  roomId: string;
  room: number;
}

/** What the parent sends a clients process first. */
export interface ClientSetup {
  users: ClientUser[];
  origins: string[];
  /** This process's users: indices [from, to) of `users`. */
  from: number;
  to: number;
  rate: number;
  drainMaxS: number;
}

/** Raw figures of one clients process. */
export interface ClientRaw {
  /** Measured messages sent: [key, room, sender index]. */
  sent: Array<[string, number, number]>;
  acked: number;
  /** `${key} ${receiverIndex}` → times received, for measured messages. */
  receipts: Array<[string, number]>;
  local: number[];
  remote: number[];
  byPath: Record<string, number[]>;
  acks: number[];
  /** CPU over the measured window, and from its start until this process's receipts stopped (drain included). */
  cpuMs: number;
  cpuMsToDrain: number;
}

/** What the bench needs of a client connection: the lean wire client or the chat client library's. */
interface BenchConn {
  connected(): Promise<void>;
  send(roomId: string, text: string, clientMsgId: string): Promise<{ ok: boolean }>;
  close(): void;
}

/**
 * BENCH_CLIENT=socket.io runs the sockets through the chat client library (ChatConnection over socket.io-client, as
 * the web app does); the default is the lean wire client (chat-wire.ts), so that the load generator takes less of
 * the CPU the servers under test run on.
 */
function connect(origin: string, token: string, onEvent: (e: ChatEvent) => void): BenchConn {
  if (process.env.BENCH_CLIENT !== 'socket.io') return new WireChatClient(origin, token, onEvent);
  const c = new ChatConnection(origin, token, { transports: ['websocket'], onEvent });
  return {
    connected: () => c.connected(),
    send: (roomId, text, clientMsgId) => c.send(roomId, text, { clientMsgId }),
    close: () => c.close(),
  };
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function once<T>(type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type !== type) return;
      process.off('message', on);
      resolve(m as T);
    };
    process.on('message', on);
  });
}

export async function runClients(): Promise<void> {
  const setup = await once<{ setup: ClientSetup }>('setup').then((m) => m.setup);
  const { users, origins, from, to, rate } = setup;
  const receipts = new Map<string, number>();
  const raw: ClientRaw = {
    sent: [],
    acked: 0,
    receipts: [],
    local: [],
    remote: [],
    byPath: {},
    acks: [],
    cpuMs: 0,
    cpuMsToDrain: 0,
  };
  const mine = users.slice(from, to);
  const conns = mine.map((u, i) => {
    const idx = from + i;
    return connect(origins[u.server] as string, u.token, (e: ChatEvent) => {
      if (e.type !== 'message.posted') return;
      // The text is "<sender index>:<n> <sent at> <sender's side> <sent from the host side> <measured>".
      const [k, t, s, h, w] = e.data.text.split(' ');
      // Own echoes are acknowledgements, not deliveries; warm-up messages are not measured.
      if (w !== '1' || !k || Number(k.slice(0, k.indexOf(':'))) === idx) return;
      const key = `${k} ${idx}`;
      const times = (receipts.get(key) ?? 0) + 1;
      receipts.set(key, times);
      if (times !== 1) return;
      const local = Number(s) === u.server;
      const ms = now() - Number(t);
      (local ? raw.local : raw.remote).push(ms);
      const p = `sender on ${h === '1' ? 'host' : 'member'} server → recipient on ${local ? 'same' : 'other'} server`;
      (raw.byPath[p] ??= []).push(ms);
    });
  });
  await Promise.all(conns.map((c) => c.connected()));
  process.send?.({ type: 'connected' });
  const { start, end } = await once<{ start: number; end: number }>('go');
  let cpu0 = process.cpuUsage();
  setTimeout(() => (cpu0 = process.cpuUsage()), Math.max(0, start - now()));
  await Promise.all(
    mine.map(async (u, i) => {
      const idx = from + i;
      await sleep(Math.random() * (1000 / rate));
      for (let n = 0; now() < end; n++) {
        const w = now() >= start;
        const k = `${idx}:${n}`;
        const t = now();
        const text = `${k} ${t} ${u.server} ${u.room % 2 === u.server ? 1 : 0} ${w ? 1 : 0}`;
        if (w) raw.sent.push([k, u.room, idx]);
        void (conns[i] as BenchConn).send(u.roomId, text, `b-${k}`).then((r) => {
          if (r.ok && w) {
            raw.acked++;
            raw.acks.push(now() - t);
          }
        });
        await sleep(1000 / rate);
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  raw.cpuMs = (cpu.user + cpu.system) / 1000;
  // Drain: wait until receipts stop arriving for 2 s (other processes' last messages included), at most drainMaxS.
  let seen = -1;
  let stableSince = now();
  while (now() < end + setup.drainMaxS * 1000) {
    await sleep(250);
    if (receipts.size !== seen) {
      seen = receipts.size;
      stableSince = now();
    } else if (now() - stableSince >= 2000) break;
  }
  const drained = process.cpuUsage(cpu0);
  raw.cpuMsToDrain = (drained.user + drained.system) / 1000;
  raw.receipts = [...receipts];
  for (const c of conns) c.close();
  // Exit once the results are handed over: they are large, and on a busy machine IPC takes its time.
  process.send?.({ type: 'results', raw }, () => process.exit(0));
}
