/** Request bodies for the fuzzer: JSON values, XML (deep, cut off, entities, bad UTF-8), forms and raw bytes. */
import type { Rng } from './fuzz-rng.ts';
import { HUGE, SEGMENTS } from './fuzz-values.ts';

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
export function fuzzBody(rng: Rng): { body: Buffer; type: string | null; truncate?: boolean } {
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
