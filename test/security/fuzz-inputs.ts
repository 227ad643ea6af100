/**
 * Deterministic hostile inputs for the fuzzer: one seed gives the same requests in the same order, so a failure is
 * reproduced with MESHWORK_FUZZ_SEED=<seed>.
 */
import type { RawRequest } from './fuzz-client.ts';
import { fuzzBody } from './fuzz-bodies.ts';
import type { Rng } from './fuzz-rng.ts';
import { HUGE, SEGMENTS } from './fuzz-values.ts';

/** Credentials the fixture knows, so cases can be authenticated or not. */
export interface FuzzAuth {
  bearer: string;
  basic: string;
  /** A fresh session for routes that end the session they are called with (logout). */
  throwaway: () => string;
}

const QUERIES = [
  '',
  '',
  '?a=%zz',
  '?all=1&limit=-5&after=NaN',
  '?limit=99999999999999999999&before=abc',
  '?q=%00&q=x',
  '?__proto__[polluted]=1',
  '?a[b][c][d][e][f]=1',
  `?${'x=1&'.repeat(1500)}`,
  '?after=1e400&limit=abc&token=&providerDomain=%',
  '?%=%',
  '?EIO=4&transport=polling&sid=%zz',
];

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'REPORT',
  'SEARCH',
  'BREW',
  'M-SEARCH',
  'get',
  'G@T',
  'PURGE',
];

/** The methods a WebDAV resource answers. */
export const DAV_METHODS = [
  'GET',
  'HEAD',
  'PUT',
  'DELETE',
  'MKCOL',
  'COPY',
  'MOVE',
  'PROPFIND',
  'PROPPATCH',
  'LOCK',
  'UNLOCK',
  'OPTIONS',
  'REPORT',
];

const EXTRA_HEADERS: Array<[string, string[]]> = [
  ['Depth', ['0', '1', 'infinity', '-1', 'x', '']],
  [
    'Destination',
    ['http://evil.example/', '/dav/files/alice/copy', '%zz', 'http://127.0.0.1:1/dav/files/alice/%', 'not a url', ''],
  ],
  ['Overwrite', ['T', 'F', 'X']],
  ['If', ['(<opaquelocktoken:x>)', '(', '<http://x/> (Not <a>)', '((((', '([W/"x"])']],
  ['Lock-Token', ['<x>', 'garbage', '<>']],
  ['Timeout', ['Second-99999999999999', 'Infinite', 'x', 'Second--1']],
  [
    'Range',
    ['bytes=0-', 'bytes=-0', 'bytes=999999999999999999-', 'bytes=5-1', 'bytes=a-b', `bytes=${'0-1,'.repeat(300)}0-1`],
  ],
  ['If-Match', ['*', '"x"', 'W/"x"', 'garbage']],
  ['If-None-Match', ['*', '"x"', 'garbage']],
  ['If-Modified-Since', ['garbage date', 'Thu, 01 Jan 1970 00:00:00 GMT']],
  ['Content-Encoding', ['gzip', 'deflate', 'br', 'x-unknown', 'identity']],
  ['Accept', ['*/*', 'application/xml', 'garbage/', 'text/html']],
  ['Accept-Encoding', ['gzip', 'br;q=2', '*']],
  ['Signature-Input', ['sig1=("@method");keyid="x"', 'garbage', 'sig1=(']],
  ['Signature', ['sig1=:AAAA:', 'garbage', 'sig1=:%%%:']],
  ['Content-Digest', ['sha-256=:AAAA:', 'garbage']],
  ['Authorization-Extra', [HUGE]],
  ['X-Forwarded-For', ['1.2.3.4', 'garbage, ::1', '']],
  ['Cookie', ['a=b; c', '%%%']],
  ['Origin', ['http://evil.example', 'null']],
  ['Expect', ['100-continue']],
];

function authHeader(rng: Rng, auth: FuzzAuth, forced: number | null, path: string): string | null {
  const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');
  const options = [
    () => null,
    () => (path.endsWith('/auth/logout') ? `Bearer ${auth.throwaway()}` : `Bearer ${auth.bearer}`),
    () => auth.basic,
    () => 'Bearer not-a-session',
    () => `Bearer ${HUGE}`,
    () => `Basic ${b64('mallory:wrong-password')}`,
    () => 'Basic !!!not base64!!!',
    () => `Basic ${b64('no-colon')}`,
    () => `Basic ${b64(':')}`,
    () => `Basic ${b64(`${'a'.repeat(3000)}:x`)}`,
    () => 'Digest username="x"',
    () => 'Bearer',
    () => `Basic ${b64('\u0000:\u0000')}`,
  ];
  // Half of the later cases carry valid credentials, so they get past authentication to the handlers.
  const index = forced ?? (rng.chance(0.5) ? 1 + rng.int(2) : rng.int(options.length));
  return options[index]!();
}

/** Fills a path template's parameters (`:id`, `*rest`) with fuzz values or the fixture's real ids. */
function fillPath(rng: Rng, template: string, real: Record<string, string[]>): string {
  return template.replace(/[:*]([A-Za-z0-9_]+)/g, (_m, name: string) => {
    const known = real[name];
    if (known?.length && rng.chance(0.4)) return encodeURIComponent(rng.pick(known));
    return rng.pick(SEGMENTS);
  });
}

/** Builds case `i` of a route: the first three are a plain request without, with bearer and with Basic auth. */
export function buildCase(
  rng: Rng,
  route: { methods: string[]; path: string; prefix: boolean },
  i: number,
  auth: FuzzAuth,
  real: Record<string, string[]>,
): RawRequest {
  let path = fillPath(rng, route.path, real);
  if (route.prefix) {
    const tail = Array.from({ length: rng.int(4) }, (_, n) =>
      n === 0 && rng.chance(0.5)
        ? rng.pick(real.davSegment ?? SEGMENTS)
        : rng.pick([...SEGMENTS, ...(real.davSegment ?? [])]),
    );
    path += `/${tail.join('/')}${rng.chance(0.3) ? '/' : ''}`;
  }
  const declared = route.methods.length ? route.methods : route.path.startsWith('/dav') ? DAV_METHODS : ['GET'];
  const method = i < 3 || rng.chance(0.6) ? rng.pick(declared) : rng.pick(METHODS);
  const headers: Array<[string, string]> = [];
  const a = authHeader(rng, auth, i < 3 ? i : null, path);
  if (a !== null) headers.push(['Authorization', a]);
  const { body: b, type, truncate } = i < 3 ? { body: Buffer.alloc(0), type: null } : fuzzBody(rng);
  if (type) headers.push(['Content-Type', type]);
  if (i >= 3)
    for (let n = rng.int(3); n > 0; n--) {
      const [name, values] = rng.pick(EXTRA_HEADERS);
      headers.push([name, rng.pick(values)]);
    }
  return {
    method,
    target: path + (i < 3 ? '' : rng.pick(QUERIES)),
    headers,
    body: b,
    ...(truncate ? { truncate } : {}),
  };
}
