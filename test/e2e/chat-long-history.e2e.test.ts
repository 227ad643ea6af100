// A room with thousands of messages (issue 12): the history loads page by page back to the room's start and is
// windowed, so the DOM only ever holds the lines around the view (each measured as it renders), whatever the room's
// length. Scrolling from the bottom to the room's start and back down again meets every line, in order. The scroll
// frame times are printed for the report, never asserted (shared machines).
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { chatPlugin } from '../../plugins/chat/index.ts';
import type { TestServer } from '../harness/test-server.ts';
import { logIn, newPerson, screenshots, twoServersWithBrowser } from './browser-harness.ts';

// The figure by default; CHAT_LONG_COUNT=1000 for a quicker run.
const COUNT = Number(process.env.CHAT_LONG_COUNT ?? 5000);
/** Most message rows the windowed history may hold in the DOM at once. */
const WINDOW = 200;

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
    // The reader goes to the top again and again; each time an older page arrives above, the lines in view stay
    // where they were, and the DOM keeps only a window of rows.
    // (The number of lines loaded, from the list's label, and where each line in the DOM is on screen.)
    const look = () =>
      history.evaluate(
        (el) =>
          new Promise<{ loaded: number; tops: [number, number][] }>((resolve) =>
            (globalThis as any).requestAnimationFrame(() =>
              (globalThis as any).requestAnimationFrame(() => {
                const box = el.getBoundingClientRect().top;
                resolve({
                  loaded: Number(/\d+/.exec(el.querySelector('.chat-lines')?.getAttribute('aria-label') ?? '')?.[0]),
                  tops: [...el.querySelectorAll('[data-testid="message"]')].map((r: any) => [
                    Number(r.dataset.seq),
                    r.getBoundingClientRect().top - box,
                  ]),
                });
              }),
            ),
          ),
      );
    const atStart = async () => (await page.getByText('This is the start of the room.').count()) > 0;
    let most = 0;
    let anchored = 0;
    let drift = 0;
    // Older pages wait until the reader's view at the top is noted, so every one is checked against the view it
    // arrives into (without this the page could come first on a fast machine, and nothing would be checked).
    let gate: Promise<void> = Promise.resolve();
    let open = (): void => undefined;
    const olderPage = (url: URL) => url.pathname.endsWith('/history') && url.searchParams.has('before');
    await page.route(olderPage, async (route) => {
      await gate;
      await route.continue();
    });
    for (let i = 0; i < 400 && !(await atStart()); i++) {
      const loaded = (await look()).loaded;
      gate = new Promise<void>((resolve) => (open = resolve));
      await history.evaluate((el) => (el.scrollTop = 0));
      const top = await look();
      open();
      await page.waitForFunction(
        (n) =>
          Number(
            /\d+/.exec(
              (globalThis as any).document.querySelector('.chat-lines')?.getAttribute('aria-label') ?? '',
            )?.[0],
          ) > n ||
          (globalThis as any).document.querySelector('.chat-top')?.textContent === 'This is the start of the room.',
        loaded,
        { timeout: 60_000 },
      );
      const after = await look();
      most = Math.max(most, after.tops.length);
      // Unless the older page came before the reader's view was noted: the lines in view did not move.
      if (top.loaded === loaded && after.loaded > loaded && !(await atStart())) {
        const [seq, y] = top.tops.find(([, t]) => t >= 0) ?? [0, 0];
        const now = after.tops.find(([q]) => q === seq)?.[1];
        assert.ok(now !== undefined && Math.abs(now - y) < 60, `line ${seq} stayed put: ${y} → ${now} px`);
        anchored++;
        drift = Math.max(drift, Math.abs((now as number) - y));
      }
    }
    await page.unroute(olderPage);
    assert.ok(anchored > 0, 'the view was checked after an older page arrived');
    console.log(`      ${anchored} older pages checked: the lines in view moved ${drift.toFixed(1)} px at most`);
    assert.ok(most < WINDOW, `the DOM held ${most} message rows at most`);
    // At the top: the room's first line (its creation) is in view, the first message below it.
    await history.evaluate((el) => (el.scrollTop = 0));
    await history.locator('[data-index="0"][data-testid="system-line"]').getByText('created the room').waitFor();
    await snap(page, 'start-of-room');
    // Sweep from the start to the end, most of a screen per frame, noting the lines in the DOM at every frame and the
    // frame times. (A string, not a function: the test runner's name helpers do not exist in the page.)
    const sweep = (await page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector('[data-testid="message-list"]');
      el.scrollTop = 0;
      const times = [];
      const seen = [];
      let most = 0;
      let ordered = true;
      const lastSeqs = [];
      let last = performance.now();
      const step = () => {
        const now = performance.now();
        times.push(now - last);
        last = now;
        const rows = [...el.querySelectorAll('[data-testid="message"]')];
        const seqs = rows.map((e) => Number(e.dataset.seq));
        most = Math.max(most, rows.length);
        for (let k = 1; k < seqs.length; k++) if (seqs[k] <= seqs[k - 1]) ordered = false;
        for (const e of rows)
          seen.push(Number(/^line (\\d+)/.exec(e.querySelector('[data-testid="message-text"]')?.textContent ?? '')?.[1] ?? -1));
        if (seqs.length) lastSeqs.push(seqs[0]);
        const end = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
        if (end || times.length > 5000) resolve({ frames: times.slice(1), seen, most, ordered, down: lastSeqs.every((q, k) => k === 0 || q >= lastSeqs[k - 1]) });
        else {
          el.scrollTop += Math.round(el.clientHeight * 0.8);
          requestAnimationFrame(step);
        }
      };
      requestAnimationFrame(step);
    })`)) as {
      frames: number[];
      seen: number[];
      most: number;
      ordered: boolean;
      down: boolean;
    };
    // The room's order is its seq order (the seeding posted in parallel, so not quite the order of the texts).
    assert.ok(sweep.ordered, 'the messages in the DOM are in the room order at every frame');
    assert.ok(sweep.down, 'every frame starts at or below the one before');
    assert.ok(sweep.most < WINDOW, `the DOM held ${sweep.most} message rows during the sweep`);
    const seen = new Set(sweep.seen);
    const missing = Array.from({ length: COUNT }, (_, i) => i).filter((i) => !seen.has(i));
    assert.deepEqual(missing.slice(0, 10), [], 'every line was met on the way down');
    const frames = sweep.frames;
    const sorted = [...frames].sort((x, y) => x - y);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]?.toFixed(1);
    console.log(
      `      ${COUNT} messages, ${frames.length} frames swept (0.8 screen each), at most ${sweep.most} rows in the DOM: frame median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`,
    );
    await snap(page, 'end-of-5000');

    // A reply quotes the room's first message, thousands of lines up: its quote brings the reader there.
    const start = await a.api(alice, 'GET', `/api/v1/chat/rooms/${roomId}/history?before=30&limit=40`);
    const target = (start.body.items as Array<{ eventId: string; seq: number; message?: { text: string } }>).find(
      (i) => i.message,
    );
    assert.ok(target);
    const shown = history.locator(`[data-seq="${target.seq}"]`);
    assert.equal(await shown.count(), 0, 'the first message is not in the DOM down here');
    const post = async (text: string, replyTo?: string) =>
      assert.equal(
        (await a.api(alice, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, { text, replyTo })).status,
        201,
      );
    await post('about the very first line', target?.eventId);
    const reply = history.getByTestId('message').filter({ hasText: 'about the very first line' });
    await reply.waitFor();
    assert.equal(await page.getByTestId('new-messages').count(), 0, 'followed at the bottom: no "new messages" button');
    await reply.getByRole('button', { name: /^Go to the message from Alice Liddell/ }).click();
    await shown.and(history.locator('.chat-msg-target')).waitFor();
    await snap(page, 'jumped-to-first-message');

    // Up in the history, new messages wait under a button that brings the reader down.
    await post('while you were reading');
    await post('and one more');
    await page.getByTestId('new-messages').getByText('2 new messages').waitFor();
    assert.equal(await history.getByText('and one more').count(), 0, 'the view stayed where the reader was');
    await snap(page, 'new-messages-button');
    await page.getByTestId('new-messages').click();
    await history.getByText('and one more').waitFor();
    await page.getByTestId('new-messages').waitFor({ state: 'detached' });
    await context.close();
  });
});
