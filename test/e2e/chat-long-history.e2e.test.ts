// A room with thousands of messages (issue 12): the history loads page by page back to the room's start, every line stays in
// order, and lines out of view are skipped by layout and paint (`content-visibility: auto`), so the browser only
// draws what is on screen. The scroll frame times are printed for the report, never asserted (shared machines).
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { chatPlugin } from '../../plugins/chat/index.ts';
import type { TestServer } from '../harness/test-server.ts';
import { logIn, newPerson, screenshots, twoServersWithBrowser } from './browser-harness.ts';

// 1,000 by default (a few minutes less on a shared machine); CHAT_LONG_COUNT=5000 for the figure.
const COUNT = Number(process.env.CHAT_LONG_COUNT ?? 1000);

describe('browser: a chat room with thousands of messages', function () {
  this.timeout(600_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-chat-long');

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [chatPlugin({ sweepMs: 500 })]));
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  it('scrolls back to the start with every line in order, drawing only what is in view', async () => {
    const alice = await a.user('alice');
    const room = await a.api(alice, 'POST', '/api/v1/chat/rooms', { name: 'Busy' });
    const roomId = room.body.room.id as string;
    const seeding = Date.now();
    for (let i = 0; i < COUNT; i += 100)
      await Promise.all(
        Array.from({ length: Math.min(100, COUNT - i) }, (_, k) =>
          a.api(alice, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, {
            text: `line ${i + k}${(i + k) % 7 === 0 ? ' with a **longer** text that wraps onto a second line on narrow screens, as real chat does' : ''}`,
          }),
        ),
      );

    console.log(`      seeded ${COUNT} messages in ${((Date.now() - seeding) / 1000).toFixed(0)} s`);
    const { context, page } = await newPerson(browser);
    await logIn(page, a.origin, 'alice', 'alice-password');
    await page.goto(`${a.origin}/#/chat/${roomId}`);
    const history = page.getByTestId('message-list');
    await history.getByTestId('message').first().waitFor();
    // The reader goes to the top again and again; each time an older page arrives above.
    for (let i = 0; i < 200 && (await page.getByText('This is the start of the room.').count()) === 0; i++) {
      const before = await history.getByTestId('message').count();
      await history.evaluate((el) => (el.scrollTop = 0));
      await page.waitForFunction(
        (n) =>
          (globalThis as any).document.querySelectorAll('[data-testid="message"]').length > n ||
          (globalThis as any).document.querySelector('.chat-top')?.textContent === 'This is the start of the room.',
        before,
        { timeout: 60_000 },
      );
    }
    const texts = await history
      .getByTestId('message-text')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').split(' ').slice(0, 2).join(' ')));
    assert.equal(texts.length, COUNT);
    assert.deepEqual(
      texts,
      Array.from({ length: COUNT }, (_, i) => `line ${i}`),
      'every line, in order',
    );
    assert.equal(
      await history.evaluate(
        (el) => (globalThis as any).getComputedStyle(el.querySelector('.chat-lines > li')).contentVisibility,
      ),
      'auto',
      'lines out of view are not laid out or painted',
    );
    // Sweep from the start, one screen per frame (up to 60 screens); print the frame times.
    // (A string, not a function: the test runner's name helpers do not exist in the page.)
    const frames = (await page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector('[data-testid="message-list"]');
      el.scrollTop = 0;
      const times = [];
      let last = performance.now();
      const step = () => {
        const now = performance.now();
        times.push(now - last);
        last = now;
        el.scrollTop += el.clientHeight;
        if (times.length > 60 || el.scrollTop + el.clientHeight >= el.scrollHeight - 1) resolve(times.slice(1));
        else requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    })`)) as number[];
    const sorted = [...frames].sort((x, y) => x - y);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]?.toFixed(1);
    console.log(
      `      ${COUNT} messages, ${frames.length} screens swept: frame median ${at(0.5)} ms, p95 ${at(0.95)} ms`,
    );
    await snap(page, 'end-of-5000');
    await context.close();
  });
});
