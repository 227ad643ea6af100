import assert from 'node:assert/strict';
import { PreviewQueue } from './preview-queue.ts';
import { sniff } from './preview-sniff.ts';

/** A job that finishes when the test says so. */
function gate(): { job: () => Promise<string>; open: (v: string) => void; started: () => boolean } {
  let release!: (v: string) => void;
  let started = false;
  const done = new Promise<string>((r) => (release = r));
  return {
    job: () => {
      started = true;
      return done;
    },
    open: (v) => release(v),
    started: () => started,
  };
}

describe('preview queue: bounded work that never piles up', () => {
  it('runs at most `concurrency` jobs, queues up to `maxWaiting`, and refuses more with 503 PREVIEW_BUSY', async () => {
    const q = new PreviewQueue<string>({ concurrency: 1, maxWaiting: 1 });
    const first = gate();
    const second = gate();
    const p1 = q.run('a', first.job);
    const p2 = q.run('b', second.job);
    await Promise.resolve();
    assert.equal(first.started(), true);
    assert.equal(second.started(), false, 'waits for a slot');
    await assert.rejects(
      q.run('c', async () => 'c'),
      (err: any) => err.status === 503 && err.code === 'PREVIEW_BUSY',
    );
    first.open('A');
    assert.equal(await p1, 'A');
    await new Promise((r) => setImmediate(r));
    assert.equal(second.started(), true, 'the waiting job runs once the slot frees');
    second.open('B');
    assert.equal(await p2, 'B');
    assert.deepEqual(q.size, { running: 0, waiting: 0 });
  });

  it('shares one job between callers asking for the same key, even when the queue is full', async () => {
    const q = new PreviewQueue<string>({ concurrency: 1, maxWaiting: 0 });
    const g = gate();
    let runs = 0;
    const job = () => {
      runs++;
      return g.job();
    };
    const p1 = q.run('same', job);
    const p2 = q.run('same', job);
    g.open('once');
    assert.deepEqual(await Promise.all([p1, p2]), ['once', 'once']);
    assert.equal(runs, 1);
  });

  it('a failed job frees its slot for the next', async () => {
    const q = new PreviewQueue<string>({ concurrency: 1, maxWaiting: 0 });
    await assert.rejects(
      q.run('x', async () => Promise.reject(new Error('broken file'))),
      /broken file/,
    );
    assert.equal(await q.run('y', async () => 'ok'), 'ok');
  });
});

describe('preview sniffing: by content, never by name', () => {
  it('tells images, PDFs and text from their first bytes and refuses binary data', () => {
    assert.equal(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'image');
    assert.equal(sniff(Buffer.from('\x89PNG\r\n\x1a\n....', 'latin1')), 'image');
    assert.equal(sniff(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1')), 'image');
    assert.equal(sniff(Buffer.from('%PDF-1.7\n')), 'pdf');
    assert.equal(sniff(Buffer.from('plain words\nand lines\n')), 'text');
    assert.equal(sniff(Buffer.from('<html><script>x()</script></html>')), 'text', 'HTML is text, never rendered');
    assert.equal(sniff(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00])), null, 'zip');
    assert.equal(sniff(Buffer.from([0xc3, 0x28, 0x41])), null, 'invalid UTF-8');
    // A sample cut in the middle of a multi-byte character is still text.
    assert.equal(sniff(Buffer.from('Köln', 'utf8').subarray(0, 2)), 'text');
  });
});
