import { ChatConnection } from '../../plugins/chat/client/chat-connection.ts';
import type { ChatEvent } from '../../plugins/chat/shared.ts';

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
  cpuMs: number;
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
  const raw: ClientRaw = { sent: [], acked: 0, receipts: [], local: [], remote: [], byPath: {}, acks: [], cpuMs: 0 };
  const mine = users.slice(from, to);
  const conns = mine.map((u, i) => {
    const idx = from + i;
    return new ChatConnection(origins[u.server] as string, u.token, {
      transports: ['websocket'],
      onEvent: (e: ChatEvent) => {
        if (e.type !== 'message.posted') return;
        let m: { k: string; t: number; s: number; h: number; w: number };
        try {
          m = JSON.parse(e.data.text);
        } catch {
          return;
        }
        // Own echoes are acknowledgements, not deliveries; warm-up messages are not measured.
        if (!m.w || Number(m.k.split(':')[0]) === idx) return;
        const key = `${m.k} ${idx}`;
        const times = (receipts.get(key) ?? 0) + 1;
        receipts.set(key, times);
        if (times !== 1) return;
        const local = m.s === u.server;
        const ms = now() - m.t;
        (local ? raw.local : raw.remote).push(ms);
        const p = `sender on ${m.h ? 'host' : 'member'} server → recipient on ${local ? 'same' : 'other'} server`;
        (raw.byPath[p] ??= []).push(ms);
      },
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
        const text = JSON.stringify({ k, t, s: u.server, h: u.room % 2 === u.server ? 1 : 0, w: w ? 1 : 0 });
        if (w) raw.sent.push([k, u.room, idx]);
        void (conns[i] as ChatConnection).send(u.roomId, text, { clientMsgId: `b-${k}` }).then((r) => {
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
  raw.receipts = [...receipts];
  process.send?.({ type: 'results', raw });
  for (const c of conns) c.close();
  setTimeout(() => process.exit(0), 200).unref();
}
