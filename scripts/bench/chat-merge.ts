import { percentile } from './bench-util.ts';
import type { ClientRaw, ClientUser } from './chat-client-role.ts';
import type { ClassStats, ClientResults } from './chat-report.ts';

export function stats(values: number[]): ClassStats {
  const s = [...values].sort((x, y) => x - y);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) ?? NaN };
}

/**
 * Merges the clients processes' raw figures: every measured message must reach every other member of its room
 * exactly once, whichever process holds the receiver's socket.
 */
export function mergeResults(users: ClientUser[], raws: ClientRaw[], seconds: number): ClientResults {
  const members = new Map<number, number[]>();
  users.forEach((u, i) => members.set(u.room, [...(members.get(u.room) ?? []), i]));
  const receipts = new Map<string, number>();
  for (const r of raws) for (const [k, v] of r.receipts) receipts.set(k, v);
  let expected = 0;
  let delivered = 0;
  let duplicates = 0;
  for (const r of raws)
    for (const [k, room, from] of r.sent)
      for (const ri of members.get(room) ?? []) {
        if (ri === from) continue;
        expected++;
        const got = receipts.get(`${k} ${ri}`) ?? 0;
        if (got > 0) delivered++;
        if (got > 1) duplicates += got - 1;
      }
  const paths = new Map<string, number[]>();
  for (const r of raws) for (const [p, v] of Object.entries(r.byPath)) paths.set(p, [...(paths.get(p) ?? []), ...v]);
  return {
    sent: raws.reduce((n, r) => n + r.sent.length, 0),
    acked: raws.reduce((n, r) => n + r.acked, 0),
    expected,
    delivered,
    lost: expected - delivered,
    duplicates,
    byClass: { local: stats(raws.flatMap((r) => r.local)), remote: stats(raws.flatMap((r) => r.remote)) },
    byPath: Object.fromEntries([...paths].map(([k, v]) => [k, stats(v)])),
    ack: stats(raws.flatMap((r) => r.acks)),
    clientCpuPct: (raws.reduce((n, r) => n + r.cpuMs, 0) / (seconds * 1000)) * 100,
    clientCpuMsToDrain: raws.reduce((n, r) => n + r.cpuMsToDrain, 0),
  };
}
