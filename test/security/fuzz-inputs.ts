/**
 * Deterministic hostile inputs for the fuzzer: one seed gives the same requests in the same order, so a failure is
 * reproduced with MESHWORK_FUZZ_SEED=<seed>.
 */
import type { RawRequest } from './fuzz-client.ts';

/** mulberry32: a small, fast, seedable PRNG (quality is plenty for choosing inputs). */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

/** Credentials the fixture knows, so cases can be authenticated or not. */
export interface FuzzAuth {
  bearer: string;
  basic: string;
  /** A fresh session for routes that end the session they are called with (logout). */
  throwaway: () => string;
}

const HUGE = 'x'.repeat(9000);

/** Values for a route parameter or a path segment: plausible, malformed encodings, huge, hostile. */
const SEGMENTS = [
  'x',
  '1',
  '-1',
  '0',
  'NaN',
  '9999999999999999999999',
  'a b',
  'ü✓😀',
  '%',
  '%zz',
  '%C3%28',
  '%ED%A0%80',
  '%F0%9F%98',
  '%00',
  '%2F',
  '%2e%2e',
  '..',
  '.',
  '%5C..%5C',
  '__proto__',
  'constructor',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  'alice@127.0.0.1',
  '@',
  'a@b@c',
  HUGE,
  '%%%%',
  '%u0041',
];

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

const CONTENT_TYPES = [
  null,
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=bogus',
  'text/xml',
  'application/xml; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'text/plain',
  '*/*',
  ';;;',
  'application/merge-patch+json',
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

const JSON_KEYS = [
  'username',
  'password',
  'currentPassword',
  'newPassword',
  'resourceType',
  'resourceId',
  'shareWith',
  'permissions',
  'name',
  'inviteString',
  'address',
  'displayName',
  'text',
  'action',
  'type',
  'roomId',
  'members',
  'kind',
  'topic',
  'shareType',
  'providerId',
  'owner',
  'sender',
  'protocol',
  'notificationType',
  'notification',
  'recipientProvider',
  'token',
  'userID',
  'events',
  'after',
  'limit',
  'clientMsgId',
  '__proto__',
  'constructor',
];

function jsonValue(rng: Rng, depth: number): unknown {
  const k = rng.int(depth > 3 ? 6 : 9);
  switch (k) {
    case 0:
      return rng.pick([
        '',
        'x',
        'alice',
        'alice@127.0.0.1',
        'file',
        'folder',
        'note',
        'chat-room',
        'user',
        HUGE,
        '\u0000',
        '😀'.repeat(50),
      ]);
    case 1:
      return rng.pick([0, -1, 1e308, 2 ** 53 + 1, 0.5, -0]);
    case 2:
      return rng.pick([true, false]);
    case 3:
      return null;
    case 4:
      return rng.pick(SEGMENTS);
    case 5:
      return rng.pick(['read', 'write', 'share', 'webdav', 'multi', 'SHARE_ACCEPTED', 'SHARE_UNSHARED', 'post']);
    case 6:
      return Array.from({ length: rng.int(4) }, () => jsonValue(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(6); i > 0; i--) o[rng.pick(JSON_KEYS)] = jsonValue(rng, depth + 1);
      return o;
    }
  }
}

function deep(open: string, mid: string, close: string, n: number): string {
  return open.repeat(n) + mid + close.repeat(n);
}

/** A body and the content type that goes with it (sometimes the wrong one on purpose). */
function body(rng: Rng): { body: Buffer; type: string | null; truncate?: boolean } {
  const json = () => Buffer.from(JSON.stringify(jsonValue(rng, 0)) ?? 'null');
  const k = rng.int(20);
  switch (k) {
    case 0:
      return { body: Buffer.alloc(0), type: rng.pick(CONTENT_TYPES) };
    case 1:
    case 2:
    case 3:
      return { body: json(), type: rng.pick(['application/json', 'application/json; charset=utf-8']) };
    case 4: {
      const b = json();
      return { body: b.subarray(0, Math.max(1, rng.int(b.length))), type: 'application/json' };
    }
    case 5:
      return { body: Buffer.from(deep('[', '', ']', rng.pick([2000, 200_000]))), type: 'application/json' };
    case 6:
      return { body: Buffer.from(deep('{"a":', '1', '}', rng.pick([500, 5000, 50_000]))), type: 'application/json' };
    case 7:
      return {
        body: Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}')]),
        type: 'application/json',
      };
    case 8:
      return { body: json(), type: rng.pick(CONTENT_TYPES) };
    case 9:
      return {
        body: Buffer.from(
          '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:resourcetype/></d:prop></d:propfind>',
        ),
        type: rng.pick(['application/xml', 'text/xml']),
      };
    case 10:
      return { body: Buffer.from('<d:propfind xmlns:d="DAV:"><d:prop>'), type: 'application/xml' };
    case 11:
      return {
        body: Buffer.from(`<?xml version="1.0"?>${deep('<a>', 'x', '</a>', rng.pick([1000, 20_000]))}`),
        type: 'application/xml',
      };
    case 12:
      return {
        body: Buffer.from(
          `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z"><d:set><d:prop><z:dead>${deep('<z:n>', 'x', '</z:n>', rng.pick([300, 5000]))}</z:dead></d:prop></d:set></d:propertyupdate>`,
        ),
        type: 'application/xml',
      };
    case 13:
      return {
        body: Buffer.from(
          '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]><d:propfind xmlns:d="DAV:"><d:prop><d:x>&lol3;&xxe;</d:x></d:prop></d:propfind>',
        ),
        type: 'application/xml',
      };
    case 14:
      return {
        body: Buffer.concat([
          Buffer.from('<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:'),
          Buffer.from([0xff, 0xfe, 0xc0, 0xaf]),
          Buffer.from('/></d:prop></d:propfind>'),
        ]),
        type: 'application/xml',
      };
    case 15:
      return {
        body: Buffer.from(rng.pick(['a=1&b=%zz&c[d]=2', 'grant_type=authorization_code&client_id=%&code=', '=&=&&'])),
        type: 'application/x-www-form-urlencoded',
      };
    case 16:
      return { body: rng.bytes(1 + rng.int(4096)), type: rng.pick(CONTENT_TYPES) };
    case 17:
      return { body: Buffer.alloc(rng.pick([1_100_000, 2_200_000]), 0x61), type: rng.pick(CONTENT_TYPES) };
    case 18:
      return { body: json(), type: 'application/json', truncate: true };
    default:
      return { body: Buffer.from('\ufeff{"a":1}', 'utf16le'), type: 'application/json; charset=utf-16' };
  }
}

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
  const { body: b, type, truncate } = i < 3 ? { body: Buffer.alloc(0), type: null } : body(rng);
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

/** Requests whose bytes break HTTP itself; each must get a 4xx from the server's parser, never a crash. */
export function malformedHttp(port: number): RawRequest[] {
  const host = `Host: 127.0.0.1:${port}\r\nConnection: close\r\n`;
  const heads = [
    `GET  / HTTP/1.1\r\n${host}\r\n`,
    `GET / HTTP/9.9\r\n${host}\r\n`,
    `GET /\u0000 HTTP/1.1\r\n${host}\r\n`,
    `GET http://evil.example/api/v1/me HTTP/1.1\r\n${host}\r\n`,
    `GET * HTTP/1.1\r\n${host}\r\n`,
    `OPTIONS * HTTP/1.1\r\n${host}\r\n`,
    `GET / HTTP/1.1\r\n${host}Foo bar\r\n\r\n`,
    `POST /api/v1/auth/login HTTP/1.1\r\n${host}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello`,
    `POST /api/v1/auth/login HTTP/1.1\r\n${host}Content-Length: -1\r\n\r\n`,
    `POST /api/v1/auth/login HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`,
    `POST /api/v1/auth/login HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5\r\n{"a":\r\nzz\r\n`,
    `GET / HTTP/1.1\r\n${host}X-Folded: a\r\n b\r\n\r\n`,
    `GET / HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    `GET /\xff\xfe/%C3%28 HTTP/1.1\r\n${host}\r\n`,
    `GET /api/v1/\xc3\x28 HTTP/1.1\r\n${host}\r\n`,
    `GET /dav/files/alice/\xff HTTP/1.1\r\n${host}Authorization: Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQ=\r\n\r\n`,
    `GET /${'a/'.repeat(4500)} HTTP/1.1\r\n${host}\r\n`,
    `GET / HTTP/1.1\r\nHost: \r\nHost: a\r\nConnection: close\r\n\r\n`,
    `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`,
    `\r\n\r\nGET / HTTP/1.1\r\n${host}\r\n`,
  ];
  return heads.map((rawHead) => ({ method: '', target: '', headers: [], body: Buffer.alloc(0), rawHead }));
}

/** The XML bodies every WebDAV method gets in the targeted cases: valid, cut off, deep, entities, bad UTF-8. */
export function davBodies(): Array<{ name: string; body: Buffer }> {
  const prop = (inner: string) =>
    `<?xml version="1.0" encoding="utf-8"?><d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z"><d:set><d:prop>${inner}</d:prop></d:set></d:propertyupdate>`;
  return [
    {
      name: 'propfind',
      body: Buffer.from('<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>'),
    },
    { name: 'cut off', body: Buffer.from('<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop>') },
    { name: 'nested 5000', body: Buffer.from(`<?xml version="1.0"?>${deep('<a>', 'x', '</a>', 5000)}`) },
    {
      name: 'dead property nested 5000',
      body: Buffer.from(prop(`<z:dead>${deep('<z:n>', 'x', '</z:n>', 5000)}</z:dead>`)),
    },
    {
      name: 'dead property nested 50000',
      body: Buffer.from(prop(`<z:dead>${deep('<z:n>', 'x', '</z:n>', 50_000)}</z:dead>`)),
    },
    {
      name: 'entities',
      body: Buffer.from(
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x SYSTEM "file:///etc/passwd">]>' +
          '<d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z"><d:set><d:prop><z:e>&b;&x;</z:e></d:prop></d:set></d:propertyupdate>',
      ),
    },
    {
      name: 'bad UTF-8',
      body: Buffer.concat([Buffer.from(prop('<z:t>')), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('</z:t>')]),
    },
    { name: 'many properties', body: Buffer.from(prop('<z:p>x</z:p>'.repeat(20_000))) },
    { name: 'binary', body: Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)) },
  ];
}
