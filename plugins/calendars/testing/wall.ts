/** `20260301T093000` → wall ms (the local clock read as UTC). */
export function wall(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?$/.exec(s);
  if (!m) throw new Error(`bad wall time ${s}`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
}

/** Wall ms → `20260301T093000`. */
export function fmtWall(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15);
}
