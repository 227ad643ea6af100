/**
 * Fractional position keys: a card's (or list's) place is a string key, ordered byte-wise; a new place between two
 * neighbours gets a key strictly between theirs, so a move rewrites one row and two servers' moves never need to
 * renumber anything. Keys are base-62 digit strings read as fractions (0.xyz…) that never end in the smallest
 * digit, so there is always room between two different keys. Equal keys (two moves to the same gap at once) are
 * ordered by id (`compareByPosition`), which every server does the same way.
 */

/** Digits in byte order (`0-9 < A-Z < a-z`), so string comparison is numeric comparison. */
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY = /^[0-9A-Za-z]{0,199}[1-9A-Za-z]$/;

/** Whether `key` is a well-formed position key (1–200 base-62 digits, not ending in `0`). */
export function isPositionKey(key: unknown): key is string {
  return typeof key === 'string' && KEY.test(key);
}

function digit(c: string | undefined): number {
  return c === undefined ? 0 : DIGITS.indexOf(c);
}

/** A key strictly between `a` ('' = 0) and `b` (null = 1), given a < b. */
function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    // Keep the common prefix (a is padded with zeros), then find a midpoint of the rest.
    let n = 0;
    while (n < b.length && (a[n] ?? '0') === b[n]) n++;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const da = digit(a[0]);
  const db = b === null ? DIGITS.length : digit(b[0]);
  if (db - da > 1) return DIGITS[Math.floor((da + db) / 2)] as string;
  // Neighbouring first digits: b's first digit alone is between when b goes on; else extend a.
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return (DIGITS[da] as string) + midpoint(a.slice(1), null);
}

/**
 * A key after `before` and before `after` (either may be null: the start or the end of the list). When the two are
 * equal or out of order (a tie from concurrent moves), the key goes just after `before`.
 */
export function keyBetween(before: string | null, after: string | null): string {
  if (before !== null && after !== null && before >= after) return midpoint(before, null);
  return midpoint(before ?? '', after);
}

/** Orders items by position key, ties broken by id: the same order on every server. */
export function compareByPosition(a: { position: string; id: string }, b: { position: string; id: string }): number {
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Keys longer than this make the host renumber the list (or the board's lists) in one host-ordered `rebalance`
 * event. Repeated inserts at one spot lengthen keys by about one character per five inserts; with renumbered keys
 * of two or three digits, a list is renumbered about once every 100 inserts at the same spot.
 */
export const REBALANCE_AT = 24;

/**
 * `n` keys in increasing order, evenly spaced over the shortest length that leaves at least 15 free keys between
 * neighbours (2 digits up to 240 items, 3 up to 14,894, …). Deterministic: every server applying a `rebalance`
 * event computes the same keys from the same order.
 */
export function evenKeys(n: number): string[] {
  let len = 1;
  let space = DIGITS.length;
  while (space < (n + 1) * 16) {
    len++;
    space *= DIGITS.length;
  }
  const keys: string[] = [];
  for (let i = 1; i <= n; i++) {
    let v = Math.floor((i * space) / (n + 1));
    if (v % DIGITS.length === 0) v++; // a key never ends in the smallest digit
    let s = '';
    for (let d = 0; d < len; d++) {
      s = (DIGITS[v % DIGITS.length] as string) + s;
      v = Math.floor(v / DIGITS.length);
    }
    keys.push(s);
  }
  return keys;
}
