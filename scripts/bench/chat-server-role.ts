import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Engine, loadConfig } from '#core';
import { chatPlugin } from '../../plugins/chat/index.ts';
import type { ServerStats } from './chat-report.ts';

/**
 * bench:chat's role "server": one Meshwork server with the chat plugin and pre-made users (BENCH_USERS, with a
 * session each); on IPC `reset` it starts measuring, on `stats` it answers RSS, event-loop lag, CPU and the
 * server-to-server requests it received per second by route.
 */
export async function runServer(): Promise<void> {
  const gap = process.env.BENCH_GAP_MS;
  const engine = new Engine({ config: loadConfig(), plugins: [chatPlugin(gap ? { pushGapMs: Number(gap) } : {})] });
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
      const elapsed = performance.now() - t0;
      const s: ServerStats = {
        rss: process.memoryUsage().rss,
        heapUsed: process.memoryUsage().heapUsed,
        peakRss: peak,
        lagP99: lag.percentile(99) / 1e6,
        lagMax: lag.max / 1e6,
        cpuPct: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
        s2sPerSecond: Object.fromEntries(
          Object.entries(s2s).map(([k, v]) => [k.replace('/plugins/chat/s2s/', ''), Math.round(v / (elapsed / 1000))]),
        ),
      };
      process.send?.({ type: 'stats', stats: s });
    }
  });
  process.send?.({ type: 'ready', origin: engine.identity.origin, host: engine.identity.host, tokens });
  process.once('SIGTERM', () => void engine.stop().finally(() => process.exit(0)));
}
