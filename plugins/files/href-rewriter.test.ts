import assert from 'node:assert/strict';
import { hrefRewriter, prefixMapper } from './href-rewriter.ts';

describe('files: href rewriting between the owner and the recipient', () => {
  it('rewrites hrefs split across chunk boundaries', async () => {
    const doc =
      '<d:multistatus xmlns:d="DAV:"><d:response><d:href>/dav/ocm/p1/a%20b.txt</d:href></d:response>' +
      '<d:response><d:href>http://owner:1/dav/ocm/p1/</d:href></d:response><d:response><d:href>/elsewhere</d:href></d:response></d:multistatus>';
    for (const size of [1, 3, 7, 1000]) {
      const t = hrefRewriter(prefixMapper('http://owner:1/dav/ocm/p1', '/dav/files/bob/Shared%20with%20me/S'));
      let out = '';
      t.on('data', (c: Buffer | string) => {
        out += c.toString();
      });
      for (let i = 0; i < doc.length; i += size) t.write(Buffer.from(doc.slice(i, i + size)));
      t.end();
      await new Promise((r) => t.on('end', r));
      assert.deepEqual(
        [...out.matchAll(/<d:href>([^<]*)</g)].map((m) => m[1]),
        ['/dav/files/bob/Shared%20with%20me/S/a%20b.txt', '/dav/files/bob/Shared%20with%20me/S/', '/elsewhere'],
        `chunk size ${size}`,
      );
    }
  });
});
