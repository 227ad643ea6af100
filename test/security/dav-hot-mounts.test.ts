/**
 * The DAV mounts' reads (GET, HEAD, PROPFIND, REPORT on /dav/calendars, /dav/addressbooks, /dav/principals,
 * /dav/files) are answered from node's request event ahead of express (core hot mounts). These tests send every
 * request twice more: once on the hot path and once on the express path (the same URL with the mount spelt in
 * another case, which express's case-insensitive mount matching takes and the case-exact hot mount does not), and
 * require the same status, the same headers that matter and the same bytes: cache hits and misses, gzip, 304,
 * HEAD, and every way authentication or authorisation fails (401 with WWW-Authenticate, 403, 404, 429).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { RequestHandler } from 'express';
import { ResponseCache } from '#dav';
import { calendarsPlugin } from '../../plugins/calendars/index.ts';
import { contactsPlugin } from '../../plugins/contacts/index.ts';
import { filesPlugin } from '../../plugins/files/index.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers that differ per request or per connection by design. */
const PER_REQUEST = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);

const basic = (user: string, password = `${user}-password`) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const CAL_NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"';
const PROPFIND = `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:displayname/><d:resourcetype/></d:prop></d:propfind>`;
const SYNC = `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
const QUERY = `<?xml version="1.0"?><c:calendar-query ${CAL_NS}><d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>`;

function event(uid: string): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VEVENT', `UID:${uid}`];
  lines.push('DTSTAMP:20260101T000000Z', 'DTSTART:20260310T100000Z', 'DTEND:20260310T110000Z');
  lines.push(`SUMMARY:${'long text '.repeat(40)}`, 'END:VEVENT', 'END:VCALENDAR', '');
  return lines.join('\r\n');
}

describe('DAV hot mounts answer reads as the express path does', function () {
  this.timeout(60_000);
  let server: TestServer;
  const cache = new ResponseCache();
  /** Requests that reached express on a /dav path. */
  let viaExpress = 0;
  const counter: RequestHandler = (_req, _res, next) => {
    viaExpress++;
    next();
  };

  function request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    const u = new URL(server.origin);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (!PER_REQUEST.has(k)) h[k] = Array.isArray(v) ? v.join(', ') : String(v);
          resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * Sends the request on the hot path, then on the express path, then on the hot path again; all three answers
   * must be the same, and only the express one may reach express. Returns the answer.
   */
  async function same(
    method: string,
    path: string,
    opts: { auth?: string | null; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { 'accept-encoding': 'identity', ...(opts.headers ?? {}) };
    const auth = opts.auth === undefined ? basic('alice') : opts.auth;
    if (auth) headers.authorization = auth;
    if (opts.body !== undefined) headers['content-type'] = 'application/xml; charset=utf-8';
    const other = path.replace(/^\/dav\//, '/Dav/');
    assert.notEqual(other, path);
    const before = viaExpress;
    const hot = await request(method, path, headers, opts.body);
    assert.equal(viaExpress, before, `${method} ${path} went through express`);
    const slow = await request(method, other, headers, opts.body);
    assert.equal(viaExpress, before + 1, `${method} ${other} did not go through express`);
    const again = await request(method, path, headers, opts.body);
    assert.equal(viaExpress, before + 1);
    for (const a of [slow, again]) {
      assert.equal(a.status, hot.status, `${method} ${path}`);
      assert.deepEqual(a.headers, hot.headers, `${method} ${path}`);
      assert.ok(a.body.equals(hot.body), `${method} ${path}: ${a.body.toString()} vs ${hot.body.toString()}`);
    }
    return hot;
  }

  before(async () => {
    server = await startTestServer({
      plugins: [calendarsPlugin({ responseCache: cache }), contactsPlugin(), filesPlugin()],
      wiretap: [['/dav', [counter]]],
    });
    await server.user('alice');
    await server.user('bob');
    const put = async (path: string, body: string, type: string) => {
      const r = await request('PUT', path, { authorization: basic('alice'), 'content-type': type }, body);
      assert.ok(r.status === 201 || r.status === 204, `${path}: ${r.status} ${r.body.toString()}`);
    };
    const mk = await request('MKCALENDAR', '/dav/calendars/alice/work/', { authorization: basic('alice') });
    assert.equal(mk.status, 201);
    for (const uid of ['e1', 'e2', 'e3'])
      await put(`/dav/calendars/alice/work/${uid}.ics`, event(uid), 'text/calendar');
    await put('/dav/files/alice/notes.txt', 'some notes\n'.repeat(200), 'text/plain');
    const card = 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Carol\r\nN:;Carol;;;\r\nEND:VCARD\r\n';
    // The default address book is made on first use.
    assert.equal(
      (await request('PROPFIND', '/dav/addressbooks/alice/', { authorization: basic('alice') })).status,
      207,
    );
    await put('/dav/addressbooks/alice/contacts/c1.vcf', card, 'text/vcard');
  });
  after(async () => {
    await server?.destroy();
  });

  it('answers PROPFIND and REPORTs of a calendar the same, from the response cache on both paths', async () => {
    const cal = '/dav/calendars/alice/work/';
    const hits = cache.stats.hits;
    const listing = await same('PROPFIND', cal, { headers: { depth: '1' }, body: PROPFIND });
    assert.equal(listing.status, 207);
    assert.match(listing.body.toString(), /e3\.ics/);
    assert.ok(cache.stats.hits >= hits + 2, 'the repeats were cache hits');
    assert.equal((await same('REPORT', cal, { body: SYNC })).status, 207);
    assert.equal((await same('REPORT', cal, { headers: { depth: '1' }, body: QUERY })).status, 207);
    assert.equal((await same('PROPFIND', '/dav/calendars/alice/', { headers: { depth: '1' } })).status, 207);
    assert.equal((await same('PROPFIND', '/dav/principals/alice/', { headers: { depth: '0' } })).status, 207);
  });

  it('sends the same gzip bytes once an entry is compressed', async () => {
    const cal = '/dav/calendars/alice/work/';
    const opts = { headers: { depth: '1', 'accept-encoding': 'gzip' }, body: PROPFIND };
    await same('PROPFIND', cal, opts);
    await cache.settled();
    const zipped = await same('PROPFIND', cal, opts);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'Accept-Encoding');
  });

  it('answers GET, HEAD and a conditional GET of a member the same (200, 304)', async () => {
    const obj = '/dav/calendars/alice/work/e1.ics';
    const got = await same('GET', obj);
    assert.equal(got.status, 200);
    const etag = got.headers.etag;
    assert.ok(etag);
    assert.equal((await same('HEAD', obj)).status, 200);
    assert.equal((await same('GET', obj, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await same('GET', '/dav/calendars/alice/work/missing.ics')).status, 404);
    assert.equal((await same('GET', '/dav/files/alice/notes.txt', { headers: { range: 'bytes=0-9' } })).status, 206);
    assert.equal((await same('PROPFIND', '/dav/files/alice/', { headers: { depth: '1' } })).status, 207);
    assert.equal((await same('GET', '/dav/addressbooks/alice/contacts/c1.vcf')).status, 200);
    const books = await same('REPORT', '/dav/addressbooks/alice/contacts/', { body: SYNC });
    assert.equal(books.status, 207);
  });

  it('refuses missing and wrong credentials and other users’ paths the same (401, 403, 404)', async () => {
    const paths = [
      '/dav/calendars/alice/work/',
      '/dav/addressbooks/alice/',
      '/dav/principals/alice/',
      '/dav/files/alice/',
    ];
    for (const [i, path] of paths.entries()) {
      const missing = await same('PROPFIND', path, { auth: null });
      assert.equal(missing.status, 401, path);
      assert.match(missing.headers['www-authenticate'] ?? '', /^Basic/, path);
      // A user of its own per path: three wrong passwords each stay within the free failures (no 429 yet).
      await server.user(`guesser${i}`);
      const wrong = await same('PROPFIND', path, { auth: basic(`guesser${i}`, 'not-the-password') });
      assert.equal(wrong.status, 401, path);
      assert.match(wrong.headers['www-authenticate'] ?? '', /^Basic/, path);
      assert.equal((await same('PROPFIND', path, { auth: 'Bearer not-a-session' })).status, 401, path);
      const other = await same('PROPFIND', path, { auth: basic('bob') });
      assert.ok([403, 404].includes(other.status), `${path}: ${other.status}`);
    }
    const bobs = await same('GET', '/dav/calendars/alice/work/e1.ics', { auth: basic('bob') });
    assert.ok([403, 404].includes(bobs.status), String(bobs.status));
    const token = await server.user('alice');
    const session = await same('PROPFIND', '/dav/calendars/alice/work/', {
      auth: `Bearer ${token}`,
      headers: { depth: '1' },
      body: PROPFIND,
    });
    assert.equal(session.status, 207);
  });

  it('counts password guesses on both paths into the same throttle (429 with Retry-After)', async () => {
    await server.user('carol');
    const path = '/dav/calendars/carol/';
    const wrong = { authorization: basic('carol', 'guess'), 'accept-encoding': 'identity' };
    // Alternate the two paths: both count into one budget, and both answer 429 with Retry-After once it is spent.
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const p = i % 2 === 0 ? path : path.replace('/dav/', '/Dav/');
      const r = await request('PROPFIND', p, wrong);
      assert.ok(r.status === 401 || r.status === 429, String(r.status));
      if (r.status === 429) {
        assert.ok(Number(r.headers['retry-after']) > 0);
        assert.match(r.body.toString(), /TOO_MANY_ATTEMPTS/);
        seen.add(p);
      }
    }
    assert.equal(seen.size, 2, 'both paths answer 429 once guessing is throttled');
  });

  it('leaves writes and other spellings to express', async () => {
    const before = viaExpress;
    const r = await request('PROPPATCH', '/dav/calendars/alice/work/', { authorization: basic('alice') }, '');
    assert.equal(viaExpress, before + 1);
    assert.ok(r.status >= 400);
    await request('PROPFIND', '/dav/calendarsX/', { authorization: basic('alice') });
    assert.equal(viaExpress, before + 2);
  });
});
