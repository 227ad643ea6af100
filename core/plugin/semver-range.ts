/**
 * A small semver range check for plugin manifests (`sdk: '^1.0.0'`): exact versions, `x`/`*` wildcards and partial
 * versions (`1`, `1.2`), `^`, `~`, comparators (`>=`, `>`, `<=`, `<`, `=`), space-separated conjunctions and `||`.
 * Pre-release tags are not supported (the SDK publishes none); an unreadable range is refused, not guessed at.
 */

type Version = [number, number, number];

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;
const PARTIAL = /^(\d+|x|\*)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/;

/** Parses `1.2.3`; null when not a plain version. */
export function parseVersion(v: string): Version | null {
  const m = VERSION.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

type Test = (v: Version) => boolean;

/** A partial version: the numbers given (wildcards end it). */
function partial(text: string): number[] | null {
  const m = PARTIAL.exec(text);
  if (!m) return null;
  const parts: number[] = [];
  for (const p of m.slice(1)) {
    if (p === undefined || p === 'x' || p === '*') break;
    parts.push(Number(p));
  }
  return parts;
}

const floor = (p: number[]): Version => [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
/** The first version above everything the partial version covers. */
function ceiling(p: number[]): Version | null {
  if (p.length === 0) return null;
  if (p.length === 1) return [(p[0] as number) + 1, 0, 0];
  if (p.length === 2) return [p[0] as number, (p[1] as number) + 1, 0];
  return [p[0] as number, p[1] as number, (p[2] as number) + 1];
}

function comparator(token: string): Test | null {
  const m = /^(\^|~|>=|<=|>|<|=)?(.+)$/.exec(token);
  if (!m) return null;
  const op = m[1] ?? '';
  const p = partial(m[2] as string);
  if (!p) return null;
  const lo = floor(p);
  const hi = ceiling(p);
  const inRange = (v: Version, upper: Version | null) => compare(v, lo) >= 0 && (!upper || compare(v, upper) < 0);
  switch (op) {
    case '':
    case '=':
      return (v) => inRange(v, hi);
    case '^': {
      // Changes that do not modify the left-most non-zero part.
      const i = p.findIndex((n) => n !== 0);
      const upper: Version | null =
        p.length === 0
          ? null
          : i === -1
            ? ceiling(p)
            : i === 0
              ? [lo[0] + 1, 0, 0]
              : i === 1
                ? [0, lo[1] + 1, 0]
                : [0, 0, lo[2] + 1];
      return (v) => inRange(v, upper);
    }
    case '~':
      return (v) => inRange(v, p.length >= 2 ? [lo[0], lo[1] + 1, 0] : ceiling(p));
    case '>=':
      return (v) => compare(v, lo) >= 0;
    case '>':
      return (v) => (hi ? compare(v, hi) >= 0 : false);
    case '<':
      return (v) => compare(v, lo) < 0;
    case '<=':
      return (v) => (hi ? compare(v, hi) < 0 : true);
  }
  return null;
}

/** Whether `version` satisfies `range`; throws on a range it cannot read. */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (!v) throw new Error(`"${version}" is not a version (major.minor.patch)`);
  const alternatives = range.split('||').map((alt) => {
    const tokens = alt
      .trim()
      .replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    const tests = (tokens.length ? tokens : ['*']).map((t) => {
      const test = comparator(t);
      if (!test) throw new Error(`"${range}" is not a version range`);
      return test;
    });
    return (x: Version) => tests.every((t) => t(x));
  });
  return alternatives.some((t) => t(v));
}
