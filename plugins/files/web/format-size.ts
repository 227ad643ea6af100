const UNITS = ['KB', 'MB', 'GB', 'TB'];

/** "1.4 MB" for a byte count ("—" when unknown). */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return '—';
  if (bytes < 1024) return `${bytes} B`;
  let n = bytes / 1024;
  let u = 0;
  while (n >= 1024 && u < UNITS.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n >= 10 ? Math.round(n) : n.toFixed(1)} ${UNITS[u]}`;
}
