import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { imageFacts, jpegOf, pdfOf, pngOf } from '../harness/sample-files.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

/** Every cached preview file under a server's preview cache. */
function cached(s: TestServer): string[] {
  const dir = path.join(s.dataDir, 'files-previews');
  let subs: string[];
  try {
    subs = readdirSync(dir).filter((d) => !d.startsWith('.'));
  } catch {
    return [];
  }
  return subs.flatMap((d) => readdirSync(path.join(dir, d)));
}

const RED: [number, number, number] = [220, 20, 20];
const BLUE: [number, number, number] = [20, 40, 220];

function near(actual: number[], expected: number[], what: string): void {
  for (let i = 0; i < 3; i++)
    assert.ok(Math.abs((actual[i] as number) - (expected[i] as number)) < 30, `${what}: ${actual} vs ${expected}`);
}

describe('files: previews made on the owner’s server (images, PDF first page, text)', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;
  const aliceDav = () => davClient(a.origin, basicFor('alice'));
  const put = async (p: string, body: Buffer | string) => {
    const r = await aliceDav().send('PUT', `/dav/files/alice${p}`, { body });
    assert.ok([201, 204].includes(r.status), `PUT ${p}: ${r.status}`);
  };

  before(async () => {
    // A small pixel limit so the "decompression bomb" case needs no big picture in the test.
    const plugins = () => [filesPlugin({ previews: { maxPixels: 4_000_000 } })];
    [a, b] = await Promise.all([startTestServer({ plugins: plugins() }), startTestServer({ plugins: plugins() })]);
    alice = await a.user('alice', 'Alice');
    bob = await b.user('bob', 'Bob');
    assert.equal((await aliceDav().send('MKCOL', '/dav/files/alice/Photos')).status, 201);
    await put('/Photos/red.png', await pngOf(800, 600, RED));
    await put('/Photos/scan.pdf', pdfOf(200, 100, BLUE));
    await put('/Photos/notes.txt', `${'Grüße aus Köln – '.repeat(800)}end`);
  });
  after(async () => Promise.all([a, b].map((s) => s?.destroy())));

  it('scales an image to fit the asked size (rounded up to a size bucket) as WebP', async () => {
    const r = await aliceDav().send('GET', '/dav/files/alice/Photos/red.png?preview=256');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/webp');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    const facts = await imageFacts(r.bytes);
    assert.deepEqual([facts.format, facts.width, facts.height], ['webp', 256, 192]);
    near(facts.centre, RED, 'colour kept');
    const bucket = await imageFacts(
      (await aliceDav().send('GET', '/dav/files/alice/Photos/red.png?preview=100')).bytes,
    );
    assert.equal(bucket.width, 128, '100 is served from the 128 bucket');
    // Without ?preview= the file itself comes back, untouched.
    const plain = await aliceDav().send('GET', '/dav/files/alice/Photos/red.png');
    assert.equal(plain.headers.get('content-type'), 'image/png');
  });

  it("draws a PDF's first page", async () => {
    const r = await aliceDav().send('GET', '/dav/files/alice/Photos/scan.pdf?preview=128');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/webp');
    const facts = await imageFacts(r.bytes);
    assert.deepEqual([facts.width, facts.height], [128, 64]);
    near(facts.centre, BLUE, 'the page is drawn');
  });

  it('gives the first kilobytes of a text file as text, cut at a whole character', async () => {
    const r = await aliceDav().send('GET', '/dav/files/alice/Photos/notes.txt?preview=256');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(r.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.ok(r.bytes.length <= 8192 && r.bytes.length > 8000, `${r.bytes.length} bytes`);
    assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(r.bytes));
    assert.ok(r.text.startsWith('Grüße aus Köln'));
  });

  it('refuses what is not an image, PDF or text, folders, bad sizes and pictures over the pixel limit', async () => {
    await put('/Photos/archive.zip', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0xff, 0xfe, 0x00, 0x01]));
    await put('/Photos/fake.png', 'PNG? no, just words with a misleading name.\u0000\u0001');
    await put('/Photos/huge.jpg', await jpegOf(3000, 2000, RED));
    const status = async (p: string) => {
      const r = await aliceDav().send('GET', `/dav/files/alice${p}`);
      return `${r.status} ${/<m:code>([^<]*)/.exec(r.text)?.[1] ?? ''}`.trim();
    };
    assert.equal(await status('/Photos/archive.zip?preview=64'), '415 PREVIEW_UNSUPPORTED');
    assert.equal(await status('/Photos/fake.png?preview=64'), '415 PREVIEW_UNSUPPORTED', 'named .png, is not one');
    assert.equal(await status('/Photos?preview=64'), '415 PREVIEW_UNSUPPORTED');
    assert.equal(await status('/Photos/missing.png?preview=64'), '404 DAV_NOT_FOUND');
    for (const size of ['0', '5000', 'big', '-1'])
      assert.equal(await status(`/Photos/red.png?preview=${size}`), '400 PREVIEW_SIZE_INVALID', size);
    assert.equal(await status('/Photos/huge.jpg?preview=64'), '422 PREVIEW_FAILED', '6 MP over a 4 MP limit');
    // An SVG is a document (it may script or fetch): it is shown as its source text, never drawn.
    await put('/Photos/logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const svg = await aliceDav().send('GET', '/dav/files/alice/Photos/logo.svg?preview=64');
    assert.equal(svg.headers.get('content-type'), 'text/plain; charset=utf-8');
    // Another user never gets alice's previews.
    const carol = await a.user('carol');
    assert.ok(carol);
    const other = await davClient(a.origin, basicFor('carol')).send(
      'GET',
      '/dav/files/alice/Photos/red.png?preview=64',
    );
    assert.equal(other.status, 403);
  });

  it('keeps previews on disk by content: the same file is made once, a changed file gets a new preview', async () => {
    await put('/Photos/cached.jpg', await jpegOf(400, 400, RED));
    const before = cached(a).length;
    const first = await aliceDav().send('GET', '/dav/files/alice/Photos/cached.jpg?preview=512');
    assert.equal(cached(a).length, before + 1);
    const etag = first.headers.get('etag') as string;
    const again = await aliceDav().send('GET', '/dav/files/alice/Photos/cached.jpg?preview=512');
    assert.ok(again.bytes.equals(first.bytes));
    assert.equal(cached(a).length, before + 1, 'served from the cache');
    const notModified = await aliceDav().send('GET', '/dav/files/alice/Photos/cached.jpg?preview=512', {
      headers: { 'if-none-match': etag },
    });
    assert.equal(notModified.status, 304);

    await put('/Photos/cached.jpg', await jpegOf(300, 600, BLUE));
    const changed = await aliceDav().send('GET', '/dav/files/alice/Photos/cached.jpg?preview=512', {
      headers: { 'if-none-match': etag },
    });
    assert.equal(changed.status, 200, 'the old preview’s ETag no longer matches');
    const facts = await imageFacts(changed.bytes);
    assert.deepEqual([facts.width, facts.height], [256, 512]);
    near(facts.centre, BLUE, 'the new content');
    assert.equal(cached(a).length, before + 2);
  });

  it("passes previews through a federated share: made on the owner's server, read-only shares included", async () => {
    const created = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'folder',
      resourceId: '/Photos',
      shareWith: `bob@${b.host}`,
      permissions: ['read'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const incoming = await eventually(
      async () => (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body.find((s: any) => s.name === 'Photos'),
      5000,
      'the share',
    );
    assert.equal((await b.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);
    const bobDav = davClient(b.origin, basicFor('bob'));
    const base = '/dav/files/bob/Shared%20with%20me/Photos';
    const onOwner = cached(a).length;

    const img = await bobDav.send('GET', `${base}/red.png?preview=64`);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/webp');
    assert.equal((await imageFacts(img.bytes)).width, 64);
    const pdf = await bobDav.send('GET', `${base}/scan.pdf?preview=64`);
    assert.equal((await imageFacts(pdf.bytes)).width, 64);
    const txt = await bobDav.send('GET', `${base}/notes.txt?preview=64`);
    assert.ok(txt.text.startsWith('Grüße'));
    assert.equal((await bobDav.send('GET', `${base}/archive.zip?preview=64`)).status, 415);
    assert.equal((await bobDav.send('GET', `${base}/red.png?preview=huge`)).status, 400);

    assert.equal(cached(a).length, onOwner + 3, "made and cached on alice's server");
    assert.deepEqual(cached(b), [], "bob's server makes none");
    const etag = img.headers.get('etag') as string;
    const revalidated = await bobDav.send('GET', `${base}/red.png?preview=64`, { headers: { 'if-none-match': etag } });
    assert.equal(revalidated.status, 304);
  });
});
