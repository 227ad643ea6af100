import { loadavg } from 'node:os';

/** What bench:chat measures, and how it prints it (one run, and the one-node / two-node comparison). */

export interface ServerStats {
  rss: number;
  /** V8 heap in use at the end (the rest of RSS is code, buffers, SQLite's cache and heap not yet returned). */
  heapUsed: number;
  /** V8 heap reserved (heapTotal) and memory V8 accounts outside it (Buffers and other external allocations). */
  heapTotal: number;
  external: number;
  /** RSS in anonymous pages (V8, malloc) and in pages of mapped files (node's binary, shared libraries): Linux only. */
  rssAnon?: number;
  rssFile?: number;
  peakRss: number;
  lagP99: number;
  lagMax: number;
  cpuPct: number;
  /** CPU time (ms) from the start of the measured window until every client finished draining: the backlog a
   * starved server works off after the window is counted too, so per-delivery CPU holds under machine load. */
  cpuMsToDrain?: number;
  s2sPerSecond: Record<string, number>;
}
export interface ClassStats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
export interface ClientResults {
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
  /** All clients processes' CPU from the start of the measured window until their receipts stopped. */
  clientCpuMsToDrain: number;
}
export interface RunShape {
  rooms: number;
  perSide: number;
  seconds: number;
  rate: number;
  warmup: number;
}
/** One run's headline figures, for the comparison table. */
export interface RunSummary {
  label: string;
  deliveriesPerSecond: number;
  localP99: number;
  remoteP99: number;
  ackP99: number;
  lost: number;
  duplicates: number;
  /** Server CPU of side A (all its nodes), in ms per 1,000 deliveries. */
  cpuPerThousandA: number;
  lagP99A: number;
  /** Largest RSS of any server process, and the worst event-loop lag p99 of any, over the measured window. */
  maxRss: number;
  lagP99Max: number;
  clients: number;
}

const f = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '-');
const mb = (b: number) => (Number.isFinite(b) ? `${(b / 1048576).toFixed(0)} MB` : '-');
const ok = (c: boolean) => (c ? 'met' : 'NOT met');

/** Prints one run; `labels` names each server process (e.g. `A`, `B` or `A node1`, `A node2`, `B`). */
export function report(
  shape: RunShape,
  n: number,
  r: ClientResults,
  servers: ServerStats[],
  labels: string[],
  title: string,
  clientProcs = 1,
): RunSummary {
  const { rooms, perSide, seconds, rate, warmup } = shape;
  const row = (label: string, a: string, b: string) =>
    console.log(`  ${label.padEnd(22)}${a.padStart(28)}${b.padStart(28)}`);
  const { local, remote } = r.byClass;
  console.log(
    `\nbench:chat${title} — ${n} socket.io clients (${n / 2} per side), ${rooms} rooms of ${2 * perSide} spanning both sides (half hosted on each),`,
  );
  console.log(
    `~${rate} msg/s per client with random phase, ${seconds} s measured after ${warmup} s warm-up; every server and the clients in their own processes on this machine`,
  );
  console.log(
    `(machine load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} — other work on the box shows up in the tails)\n`,
  );
  row('', "recipient on sender's", 'recipient on the');
  row('', 'side (local)', 'other side (federated)');
  row('deliveries/s', (local.n / seconds).toFixed(0), (remote.n / seconds).toFixed(0));
  row('latency p50', f(local.p50), f(remote.p50));
  row('latency p95', f(local.p95), f(remote.p95));
  row('latency p99', f(local.p99), f(remote.p99));
  row('latency max', f(local.max), f(remote.max));
  const total = local.n + remote.n;
  console.log(
    `\n  total: ${(total / seconds).toFixed(0)} deliveries/s; sent ${r.sent}, acknowledged ${r.acked}; expected deliveries ${r.expected}, delivered ${r.delivered}, lost ${r.lost}, duplicated ${r.duplicates}`,
  );
  console.log(`  send → ack: p50 ${f(r.ack.p50)}, p99 ${f(r.ack.p99)}`);
  console.log('\n  by path (p50 / p99):');
  for (const [k, v] of Object.entries(r.byPath).sort())
    console.log(`    ${k.padEnd(58)} ${f(v.p50)} / ${f(v.p99)}  (${v.n})`);
  const perK = (ms: number | undefined) =>
    ms === undefined ? '-' : `${((ms / Math.max(1, r.delivered)) * 1000).toFixed(0)} ms`;
  console.log(
    `  clients (${clientProcs} process${clientProcs > 1 ? 'es' : ''}, ${process.env.BENCH_CLIENT === 'socket.io' ? 'socket.io-client' : 'wire client'}): CPU ${r.clientCpuPct.toFixed(0)} %, CPU per 1,000 deliveries ${perK(r.clientCpuMsToDrain)}`,
  );
  servers.forEach((s, i) => {
    console.log(
      `  server ${labels[i]}: RSS ${mb(s.rss)} (peak ${mb(s.peakRss)}), CPU ${s.cpuPct.toFixed(0)} %, event-loop lag p99 ${f(s.lagP99)} (max ${f(s.lagMax)}), CPU per 1,000 deliveries ${perK(s.cpuMsToDrain)}, S2S requests received/s ${JSON.stringify(s.s2sPerSecond)}`,
    );
    const split =
      s.rssAnon === undefined ? '' : `; RSS anonymous ${mb(s.rssAnon)}, mapped files ${mb(s.rssFile ?? NaN)}`;
    console.log(
      `      memory at the end: JS heap used ${mb(s.heapUsed)} of ${mb(s.heapTotal)} reserved, external ${mb(s.external)}${split}`,
    );
  });
  const ratio = remote.p99 / local.p99;
  console.log(
    `\n  target: federated p99 ≤ 2× local p99 → ${ratio.toFixed(2)}× ${ok(ratio <= 2)}; federated p99 < 100 ms → ${ok(remote.p99 < 100)}; zero loss → ${ok(r.lost === 0 && r.duplicates === 0)}`,
  );
  const peak = Math.max(...servers.map((s) => s.peakRss));
  console.log(
    `  issue 13 at ${n} clients: federated p99 ${f(remote.p99)} ≤ 15 ms → ${ok(remote.p99 <= 15)}; largest server RSS ${mb(peak)} (at the end ${mb(Math.max(...servers.map((s) => s.rss)))}) ≤ 100 MB → ${ok(peak <= 100 * 1048576)}`,
  );
  const sideA = servers.filter((_, i) => labels[i]?.startsWith('A'));
  const cpuMsA = sideA.reduce((sum, s) => sum + (s.cpuPct / 100) * seconds * 1000, 0);
  return {
    label: title.trim() || 'run',
    deliveriesPerSecond: total / seconds,
    localP99: local.p99,
    remoteP99: remote.p99,
    ackP99: r.ack.p99,
    lost: r.lost,
    duplicates: r.duplicates,
    cpuPerThousandA: total ? (cpuMsA / total) * 1000 : NaN,
    lagP99A: Math.max(...sideA.map((s) => s.lagP99)),
    maxRss: Math.max(...servers.map((s) => s.peakRss)),
    lagP99Max: Math.max(...servers.map((s) => s.lagP99)),
    clients: n,
  };
}

/** `--scale`: both sizes against issue 13's chat targets. */
export function scaleTargets(small: RunSummary, large: RunSummary): void {
  const ratio = large.remoteP99 / large.localP99;
  console.log(`\nbench:chat --scale — issue 13's targets, both sizes measured in this run\n`);
  console.log(`  ${small.clients} clients:`);
  console.log(`    federated p99 ${f(small.remoteP99)} (target ≤ 15 ms): ${ok(small.remoteP99 <= 15)}`);
  console.log(`    largest server RSS ${mb(small.maxRss)} (target ≤ 100 MB): ${ok(small.maxRss <= 100 * 1048576)}`);
  console.log(`  ${large.clients} clients:`);
  console.log(`    deliveries/s ${large.deliveriesPerSecond.toFixed(0)} (offered about 5,000)`);
  console.log(
    `    federated p99 ${f(large.remoteP99)} = ${ratio.toFixed(2)}× local (target ≤ 1.2× and < 100 ms): ${ok(ratio <= 1.2 && large.remoteP99 < 100)}`,
  );
  console.log(
    `    lost ${large.lost}, duplicated ${large.duplicates} (target 0): ${ok(large.lost === 0 && large.duplicates === 0)}`,
  );
  console.log(`    largest server RSS ${mb(large.maxRss)} (target < 500 MB): ${ok(large.maxRss < 500 * 1048576)}`);
  console.log(`    worst event-loop lag p99 ${f(large.lagP99Max)} (target < 20 ms): ${ok(large.lagP99Max < 20)}`);
}

/** The one-node / N-node comparison measured in the same run. */
export function compare(runs: RunSummary[]): void {
  console.log('\nbench:chat — side A on one app node vs several behind HAProxy (same run, same workload)\n');
  const cols = ['deliveries/s', 'local p99', 'federated p99', 'ack p99', 'lost/dup', 'A CPU ms/1k deliv.', 'A lag p99'];
  console.log(`  ${''.padEnd(26)}${cols.map((c) => c.padStart(20)).join('')}`);
  for (const r of runs)
    console.log(
      `  ${r.label.padEnd(26)}${[
        r.deliveriesPerSecond.toFixed(0),
        f(r.localP99),
        f(r.remoteP99),
        f(r.ackP99),
        `${r.lost}/${r.duplicates}`,
        r.cpuPerThousandA.toFixed(0),
        f(r.lagP99A),
      ]
        .map((c) => c.padStart(20))
        .join('')}`,
    );
  console.log(
    '\n  The offered load is fixed (BENCH_RATE per client): deliveries/s equal means both kept up; raise BENCH_RATE or\n  BENCH_ROOMS to find where one node saturates. This machine has 2 cores shared with other work, so a second node\n  adds no hardware here: the figures show the cost of the topology (HAProxy, Redis fan-out, PostgreSQL), not scale.',
  );
}
