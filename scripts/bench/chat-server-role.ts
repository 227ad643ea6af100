import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { loadConfig } from '#core';
import { defaultPlugins } from '../plugin-list.ts';
import { startServer } from '../server.ts';
import type { ServerStats } from './chat-report.ts';

/**
 * bench:chat's server: the server `npm start` runs (scripts/server.ts `startServer`: every built-in plugin, the web
 * app) in its own process and bundle, started with `npm start`'s node flags and environment (bundle.ts
 * `startCommand`), plus pre-made users (BENCH_USERS, with a session each). On IPC `reset` it starts measuring, on
 * `stats` it answers RSS, event-loop lag, CPU and the server-to-server requests it received per second by route,
 * then writes a heap snapshot into BENCH_HEAP_SNAPSHOT (a directory) when that is set.
 */
/** RSS split into anonymous memory (heaps, malloc) and pages of mapped files (node's binary, libraries), from Linux. */
function rssParts(): { rssAnon?: number; rssFile?: number } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile') + kb('RssShmem') };
  } catch {
    return {};
  }
}

async function runServer(): Promise<void> {
  const gap = process.env.BENCH_GAP_MS;
  const engine = await startServer(loadConfig(), {
    builtIn: defaultPlugins(gap ? { chat: { pushGapMs: Number(gap) } } : {}),
  });
  const s2s: Record<string, number> = {};
  engine.http.on('request', (req: { url?: string }) => {
    const p = (req.url ?? '').split('?')[0] as string;
    const key = p.startsWith('/api/') ? '/api' : p;
    s2s[key] = (s2s[key] ?? 0) + 1;
  });
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
  // rss() alone: memoryUsage() also walks the V8 heap's spaces, about 1 % of this server's CPU at 5 calls a second.
  setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 200).unref();
  process.on('message', (m: { type: string }) => {
    if (m.type === 'reset') {
      lag.reset();
      for (const k of Object.keys(s2s)) delete s2s[k];
      peak = process.memoryUsage.rss();
      cpu0 = process.cpuUsage();
      t0 = performance.now();
    } else if (m.type === 'stats') {
      const cpu = process.cpuUsage(cpu0);
      const elapsed = performance.now() - t0;
      const mem = process.memoryUsage();
      const s: ServerStats = {
        rss: mem.rss,
        heapUsed: mem.heapUsed,
        heapTotal: mem.heapTotal,
        external: mem.external,
        ...rssParts(),
        peakRss: peak,
        lagP99: lag.percentile(99) / 1e6,
        lagMax: lag.max / 1e6,
        cpuPct: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
        s2sPerSecond: Object.fromEntries(
          Object.entries(s2s).map(([k, v]) => [k.replace('/plugins/chat/s2s/', ''), Math.round(v / (elapsed / 1000))]),
        ),
      };
      process.send?.({ type: 'stats', stats: s });
      // BENCH_HEAP_SNAPSHOT=<dir>: what the heap holds at the end of the measured window (after the stats are sent).
      const dir = process.env.BENCH_HEAP_SNAPSHOT;
      if (dir) writeHeapSnapshot(path.join(dir, `chat-server-${process.pid}.heapsnapshot`));
    } else if (m.type === 'cpu') {
      const cpu = process.cpuUsage(cpu0);
      process.send?.({ type: 'cpu', cpuMs: (cpu.user + cpu.system) / 1000 });
    }
  });
  process.send?.({ type: 'ready', origin: engine.identity.origin, host: engine.identity.host, tokens });
  process.once('SIGTERM', () => void engine.stop().finally(() => process.exit(0)));
}

await runServer();
