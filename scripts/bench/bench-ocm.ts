import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { Agent, request } from 'node:http';
import { ms, percentile, spawnServer, usageOf } from './bench-util.ts';

/**
 * `npm run bench:ocm`: share-creation round trips between two Meshwork servers (each in its own
 * process): a client asks server A to share a note with a user on server B; A signs and sends the
 * OCM share, B verifies, persists and answers 201, A records it. Printed beside a bare HTTP round
 * trip to a trivial node server, measured by the same client in the same run.
 */
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 300);
const CONCURRENT_TOTAL = Number(process.env.BENCH_TOTAL ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function call(url: string, method: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** This (client) process's CPU time so far, user + system, in ms. */
function clientCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function runSequential(n: number, fn: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await timed(fn));
  return out.sort((x, y) => x - y);
}

async function runConcurrent(
  total: number,
  concurrency: number,
  fn: () => Promise<void>,
): Promise<{ perSecond: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        latencies.push(await timed(fn));
      }
    }),
  );
  return { perSecond: total / ((performance.now() - start) / 1000), latencies: latencies.sort((x, y) => x - y) };
}

async function main(): Promise<void> {
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;
  const [a, b] = await Promise.all([spawnServer({ BENCH_USERS: 'alice' }), spawnServer({ BENCH_USERS: 'bob' })]);
  try {
    const login = await call(`${a.origin}/api/v1/auth/login`, 'POST', {
      username: 'alice',
      password: 'alice-bench-pw',
    });
    const token = login.body.token as string;
    const note = await call(`${a.origin}/api/v1/note/notes`, 'POST', { title: 'bench', body: 'x' }, token);
    const bHost = new URL(b.origin).host;
    const share = async (warmUp = false) => {
      const res = await call(
        `${a.origin}/api/v1/shares`,
        'POST',
        { resourceType: 'note', resourceId: note.body.id, shareWith: `bob@${bHost}` },
        token,
      );
      // Warming up, the first shares pay discovery and cold code: on a busy machine they may outlast
      // MESHWORK_SHARE_WAIT_MS and be answered 202 (queued), which is not a failure.
      if (res.status !== 201 && !(warmUp && res.status === 202))
        throw new Error(`share failed: ${res.status} ${JSON.stringify(res.body)}`);
    };
    const bareCall = async () => {
      const res = await call(bareUrl, 'POST', { resourceType: 'note', shareWith: 'x' });
      if (res.status !== 201) throw new Error('bare failed');
    };
    // Warm up connections, JIT, discovery and key caches on both sides.
    for (let i = 0; i < 50; i++) {
      await share(true);
      await bareCall();
    }
    const bareSeq = await runSequential(SEQUENTIAL, bareCall);
    const bareConc = await runConcurrent(CONCURRENT_TOTAL, CONCURRENCY, bareCall);
    // CPU over each share phase (client, A, B): a figure other work on the machine disturbs far less than latency.
    const cpuNow = async () => ({
      client: clientCpuMs(),
      a: (await usageOf(a.child)).cpuMs,
      b: (await usageOf(b.child)).cpuMs,
    });
    const c0 = await cpuNow();
    const shareSeq = await runSequential(SEQUENTIAL, () => share());
    const c1 = await cpuNow();
    const shareConc = await runConcurrent(CONCURRENT_TOTAL, CONCURRENCY, () => share());
    const c2 = await cpuNow();
    const [a1, b1] = [await usageOf(a.child), await usageOf(b.child)];
    const shares = SEQUENTIAL + CONCURRENT_TOTAL;
    const [rssA, rssB] = [a1.rss, b1.rss];
    const perShare = (from: typeof c0, to: typeof c0, n: number) => ({
      client: (to.client - from.client) / n,
      a: (to.a - from.a) / n,
      b: (to.b - from.b) / n,
    });
    const seqCpu = perShare(c0, c1, SEQUENTIAL);
    const concCpu = perShare(c1, c2, CONCURRENT_TOTAL);
    const allCpu = perShare(c0, c2, shares);
    const p50ratio = percentile(shareSeq, 50) / percentile(bareSeq, 50);
    console.log('\nMeshwork OCM share-creation benchmark (2 servers, separate processes, loopback, SQLite)\n');
    console.log(
      `| measure                         | bare HTTP round trip | share round trip (signed, persisted both sides) |`,
    );
    console.log(
      `|---------------------------------|----------------------|-------------------------------------------------|`,
    );
    console.log(
      `| sequential p50 (n=${SEQUENTIAL})          | ${ms(percentile(bareSeq, 50)).padEnd(20)} | ${ms(percentile(shareSeq, 50)).padEnd(47)} |`,
    );
    console.log(
      `| sequential p99                  | ${ms(percentile(bareSeq, 99)).padEnd(20)} | ${ms(percentile(shareSeq, 99)).padEnd(47)} |`,
    );
    console.log(
      `| concurrent (${CONCURRENCY}) p50               | ${ms(percentile(bareConc.latencies, 50)).padEnd(20)} | ${ms(percentile(shareConc.latencies, 50)).padEnd(47)} |`,
    );
    console.log(
      `| concurrent (${CONCURRENCY}) p99               | ${ms(percentile(bareConc.latencies, 99)).padEnd(20)} | ${ms(percentile(shareConc.latencies, 99)).padEnd(47)} |`,
    );
    console.log(
      `| throughput (n=${CONCURRENT_TOTAL})             | ${`${bareConc.perSecond.toFixed(0)} req/s`.padEnd(20)} | ${`${shareConc.perSecond.toFixed(0)} shares/s`.padEnd(47)} |`,
    );
    console.log(
      `\nshare p50 / bare p50 = ${p50ratio.toFixed(2)}x (target <= 5x: ${p50ratio <= 5 ? 'met' : 'NOT met'}); shares/s at ${CONCURRENCY} concurrent target >= 1000: ${shareConc.perSecond >= 1000 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `server CPU per share (user + system): A ${ms(allCpu.a)}, B ${ms(allCpu.b)} (over ${shares} shares); client ${ms(allCpu.client)}`,
    );
    for (const [phase, c] of [
      ['sequential', seqCpu],
      [`${CONCURRENCY} concurrent`, concCpu],
    ] as const)
      console.log(
        `  ${phase}: A ${ms(c.a)}, B ${ms(c.b)}, client ${ms(c.client)}; together ${ms(c.a + c.b + c.client)} (on 2 cores at most ${(2000 / (c.a + c.b + c.client)).toFixed(0)} shares/s)`,
      );
    // What a lone share spends neither computing nor on the wire: timers, batching windows, extra round trips.
    const waited = percentile(shareSeq, 50) - (seqCpu.a + seqCpu.b + seqCpu.client) - 2 * percentile(bareSeq, 50);
    console.log(
      `sequential p50 minus the CPU on its path and two bare round trips (waiting, scheduling): ${ms(waited)}`,
    );
    console.log(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(`server RSS after run: A ${(rssA / 1048576).toFixed(0)} MiB, B ${(rssB / 1048576).toFixed(0)} MiB\n`);
  } finally {
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    bare.close();
    agent.destroy();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
