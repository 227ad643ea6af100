import assert from 'node:assert/strict';
import { HrefScanner, hrefRewriter } from './href-rewriter.ts';

const REMOTE = 'http://owner:1/dav/ocm/p1';
const LOCAL = '/dav/files/bob/Shared%20with%20me/S';

/** A small multistatus with every kind of href the rewriter meets, and what it must become. */
const DOC = [
  '<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">',
  '<d:response><d:href>/dav/ocm/p1/</d:href><d:propstat><d:prop><d:displayname>href</d:displayname>',
  '</d:prop></d:propstat></d:response>',
  '<d:response><d:href>/dav/ocm/p1/a%20b/r%C3%A9sum%C3%A9.txt</d:href></d:response>',
  '<d:response><d:href>http://owner:1/dav/ocm/p1/x&amp;y</d:href></d:response>',
  '<d:response><D:href xmlns:D="DAV:" >/dav/ocm/p1</D:href ></d:response>',
  '<response xmlns="DAV:"><href>  /dav/ocm/p1/spaced </href></response>',
  '<d:response><d:href>/dav/ocm/p10/not-this-share</d:href><d:href/><oc:hreflang>/dav/ocm/p1/no</oc:hreflang>',
  '<d:href>http://elsewhere/dav/ocm/p1/other-host</d:href><d:href>/elsewhere/é</d:href></d:response>',
  '</d:multistatus>',
].join('');
const EXPECTED = DOC.replace('<d:href>/dav/ocm/p1/</d:href>', `<d:href>${LOCAL}/</d:href>`)
  .replace('/dav/ocm/p1/a%20b/r%C3%A9sum%C3%A9.txt', `${LOCAL}/a%20b/r%C3%A9sum%C3%A9.txt`)
  .replace('http://owner:1/dav/ocm/p1/x&amp;y', `${LOCAL}/x&amp;y`)
  .replace('>/dav/ocm/p1</D:href >', `>${LOCAL}</D:href >`)
  .replace('<href>  /dav/ocm/p1/spaced </href>', `<href>${LOCAL}/spaced</href>`); // trimmed

function rewriteInPieces(doc: Buffer, cuts: number[], remote = REMOTE, local = LOCAL): string {
  const scanner = new HrefScanner(remote, local);
  const out: Buffer[] = [];
  let from = 0;
  for (const at of [...cuts, doc.length]) {
    out.push(scanner.feed(doc.subarray(from, at)));
    from = at;
  }
  out.push(scanner.end());
  return Buffer.concat(out).toString('utf8');
}

describe('files: href rewriting between the owner and the recipient', () => {
  it("rewrites the owner's hrefs (paths and absolute URLs) and leaves every other href and element alone", () => {
    assert.notEqual(EXPECTED, DOC);
    assert.equal(rewriteInPieces(Buffer.from(DOC), []), EXPECTED);
  });

  it('gives the same answer with the document split into two chunks at every byte offset', () => {
    const doc = Buffer.from(DOC);
    for (let at = 0; at <= doc.length; at++) assert.equal(rewriteInPieces(doc, [at]), EXPECTED, `split at ${at}`);
  });

  it('gives the same answer with chunks of every size from 1 to 64 bytes', () => {
    const doc = Buffer.from(DOC);
    for (let size = 1; size <= 64; size++) {
      const cuts: number[] = [];
      for (let at = size; at < doc.length; at += size) cuts.push(at);
      assert.equal(rewriteInPieces(doc, cuts), EXPECTED, `chunks of ${size}`);
    }
  });

  it('carries only an unfinished tag between chunks', () => {
    const scanner = new HrefScanner(REMOTE, LOCAL);
    const head = '<d:multistatus xmlns:d="DAV:"><d:response><d:href>/dav/ocm/p1/a';
    assert.equal(scanner.feed(Buffer.from(head)).toString(), '<d:multistatus xmlns:d="DAV:"><d:response>');
    assert.equal(scanner.pending, '<d:href>/dav/ocm/p1/a'.length);
    assert.equal(
      scanner.feed(Buffer.from('b</d:href></d:response><d:respo')).toString(),
      `<d:href>${LOCAL}/ab</d:href></d:response>`,
    );
    assert.equal(scanner.pending, '<d:respo'.length);
    assert.equal(scanner.end().toString(), '<d:respo');
  });

  it('escapes a local prefix for XML and passes a chunk without hrefs through untouched', () => {
    const chunk = Buffer.from('<d:prop><d:getetag>"x"</d:getetag></d:prop>');
    const scanner = new HrefScanner(REMOTE, '/dav/files/a&b');
    assert.equal(scanner.feed(chunk), chunk);
    assert.equal(
      rewriteInPieces(Buffer.from('<d:href>/dav/ocm/p1/z</d:href>'), [], REMOTE, '/dav/files/a&b'),
      '<d:href>/dav/files/a&amp;b/z</d:href>',
    );
  });

  it('gives up on an href element larger than 1 MiB instead of buffering it', async () => {
    const t = hrefRewriter(REMOTE, LOCAL);
    const failed = new Promise<Error>((resolve) => t.once('error', resolve));
    t.resume();
    t.write(Buffer.from('<d:href>'));
    for (let i = 0; i < 17 && !t.destroyed; i++) t.write(Buffer.alloc(64 * 1024, 0x61));
    assert.match((await failed).message, /too large/);
  });

  it('streams through the Transform with the same result', async () => {
    const t = hrefRewriter(REMOTE, LOCAL);
    const out: Buffer[] = [];
    t.on('data', (c: Buffer) => out.push(c));
    const doc = Buffer.from(DOC);
    for (let i = 0; i < doc.length; i += 5) t.write(doc.subarray(i, i + 5));
    t.end();
    await new Promise((r) => t.on('end', r));
    assert.equal(Buffer.concat(out).toString('utf8'), EXPECTED);
  });
});
