/**
 * Helpers shared by bench:caldav and bench:carddav: server CPU per request read from `/proc/<pid>/stat` (the servers
 * are separate processes, so the same figure works for Meshwork and the anchors and is steadier than wall-clock
 * time on a loaded machine), and a CPU profile of the measured phase only (`BENCH_PROF=<dir>`).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Clock ticks per second of /proc's utime/stime (`getconf CLK_TCK`; 100 on Linux). */
const TICKS = 100;

/** A process's CPU time so far (user + system, every thread), in ms; NaN when /proc cannot tell. */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return NaN;
  }
}

/** The server's CPU per call of `fn` over `rounds` calls, in ms (ticks are 10 ms: use enough rounds). */
export async function cpuPerCall(pid: number | undefined, rounds: number, fn: (i: number) => Promise<unknown>) {
  const before = processCpuMs(pid);
  for (let i = 0; i < rounds; i++) await fn(i);
  return (processCpuMs(pid) - before) / rounds;
}

/**
 * In a bench server: with `BENCH_PROF=<dir>`, SIGUSR2 starts a CPU profile (after the bench has loaded its data) and
 * the returned function writes it (call it before exiting).
 */
export async function profileOnSignal(): Promise<() => Promise<void>> {
  const dir = process.env.BENCH_PROF;
  if (!dir) return async () => {};
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  let started = false;
  process.on('SIGUSR2', () => {
    if (started) return;
    started = true;
    const interval = Number(process.env.BENCH_PROF_INTERVAL ?? 0);
    void session
      .post('Profiler.enable')
      .then(() => (interval > 0 ? session.post('Profiler.setSamplingInterval', { interval }) : undefined))
      .then(() => session.post('Profiler.start'));
  });
  return async () => {
    if (!started) return;
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `reads-${process.pid}.cpuprofile`), JSON.stringify(profile));
  };
}
