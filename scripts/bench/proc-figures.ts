/** Figures the benches read of their server processes from /proc: resident memory and CPU time. */
import { readFileSync } from 'node:fs';

/** Resident set size of a process, in kB (0 when it is gone). */
export function rssKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** CPU time (user + system, ms) each of the given processes used so far, from /proc (USER_HZ is 100 on Linux). */
export function cpuMs(pids: Array<number | undefined>): number[] {
  return pids.map((pid) => {
    if (pid === undefined) return 0;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return 0; // the process is gone: it uses nothing more
    }
  });
}

/** CPU (ms) per request and per process since `before`, over `rounds` requests. */
export function cpuSince(before: number[], pids: Array<number | undefined>, rounds: number): number[] {
  const now = cpuMs(pids);
  return now.map((v, i) => (v - (before[i] ?? 0)) / rounds);
}

/** Runs fn while sampling the RSS of the given processes; returns before/peak in MB per process. */
export async function withRss<T>(
  pids: Array<number | undefined>,
  fn: () => Promise<T>,
): Promise<{ result: T; rss: Array<{ before: number; peak: number }> }> {
  const rss = pids.map((p) => ({ before: rssKb(p) / 1024, peak: rssKb(p) / 1024 }));
  const timer = setInterval(
    () =>
      pids.forEach((p, i) => {
        const r = rss[i] as { peak: number };
        r.peak = Math.max(r.peak, rssKb(p) / 1024);
      }),
    20,
  );
  try {
    return { result: await fn(), rss };
  } finally {
    clearInterval(timer);
  }
}
