// Chat reaches the user outside its page (issue 12): room invitations in the Chat page (join opens the room), unread
// and mention badges on the Chat navigation entry and in the tab's title, desktop notifications for mentions and
// one-to-one messages while the tab is in the background, and per-room mute. Screenshots: test-artifacts/e2e-chat-notify/.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { eventually, type TestServer } from '../harness/test-server.ts';
import { logIn, newPerson, screenshots, seriousA11yViolations, twoServersWithBrowser } from './browser-harness.ts';

// A stand-in for the Notification API that records what the page shows, and a switch for "the user is away".
const FAKE_NOTIFICATIONS = `
  window.__notes = [];
  window.__away = false;
  window.Notification = class {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, opts) { window.__notes.push({ title, body: opts && opts.body }); }
    close() {}
  };
  document.hasFocus = () => !window.__away;
`;

const notes = (page: Page) =>
  page.evaluate(() => (globalThis as any).__notes as Array<{ title: string; body: string }>);

describe('browser: chat invitations, badges and notifications', function () {
  this.timeout(200_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-chat-notify');

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [chatPlugin({ sweepMs: 500 })]));
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  for (const phone of [false, true])
    it(`${phone ? 'phone, dark' : 'desktop, light'}: join from Chat, badges and title, notifications when away, mute`, async () => {
      const alice = await a.user('alice');
      const name = phone ? 'Phone room' : 'Desk room';
      const room = await a.api(alice, 'POST', '/api/v1/chat/rooms', { name, members: [`bob@${b.host}`] });
      assert.equal(room.status, 201, JSON.stringify(room.body));
      const roomId = room.body.room.id as string;
      const post = async (text: string) =>
        assert.equal((await a.api(alice, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, { text })).status, 201);

      const { context, page } = await newPerson(browser, { phone, colorScheme: phone ? 'dark' : 'light' });
      await context.addInitScript(FAKE_NOTIFICATIONS);
      await logIn(page, b.origin, 'bob', 'bob-password');
      await page.goto(`${b.origin}/#/chat`);
      // The invitation waits in the Chat page, as an invitation to join; joining opens the room.
      const invitation = page.locator(`[data-testid="room-invitation"][data-share-name="${name}"]`);
      await invitation.waitFor();
      assert.deepEqual(await seriousA11yViolations(page), []);
      await snap(page, `${phone ? 'phone' : 'desktop'}-invitation`);
      await invitation.getByRole('button', { name: `Join “${name}”` }).click();
      await page.getByRole('heading', { name: `# ${name}`, level: 1 }).waitFor();
      const bobToken = await b.user('bob');
      const bobRoom = (await b.api(bobToken, 'GET', '/api/v1/chat/rooms')).body.find((r: any) => r.name === name);

      // Away from Chat: unread messages and a mention count on the navigation entry and in the title.
      await page.goto(`${b.origin}/#/shares`);
      await post('Welcome aboard');
      await post(`@bob@${b.host} can you check the **numbers**?`);
      const badge = page
        .getByRole('navigation', { name: 'Main' })
        .locator('a[data-route="chat"]')
        .getByTestId('nav-badge');
      await badge.getByText('2', { exact: true }).waitFor();
      assert.equal(await badge.getAttribute('aria-label'), '2 unread, 1 mentioning you');
      assert.match((await badge.getAttribute('class')) ?? '', /badge-alert/);
      await eventually(async () => (await page.title()).startsWith('(2) ') || null, 5000, 'the count in the title');
      assert.deepEqual(await notes(page), [], 'no notification while the user looks at the tab');
      assert.deepEqual(await seriousA11yViolations(page), []);
      await snap(page, `${phone ? 'phone' : 'desktop'}-nav-badge`);

      // In the background: a mention notifies (text without marks), a plain message does not.
      await page.evaluate(() => ((globalThis as any).__away = true));
      await post('just chatting');
      await post(`@bob@${b.host} the **build** is green`);
      const shown = await eventually(
        async () => {
          const n = await notes(page);
          return n.length ? n : null;
        },
        8000,
        'a notification',
      );
      assert.deepEqual(shown, [
        { title: `alice mentioned you in # ${name}`, body: `@bob@${b.host} the build is green` },
      ]);
      await badge.getByText('4', { exact: true }).waitFor();

      // Muted: no more notifications from the room; the badge still counts.
      assert.equal(
        (await b.api(bobToken, 'PUT', `/api/v1/chat/rooms/${bobRoom.id}/mute`, { muted: true })).status,
        200,
      );
      await post(`@bob@${b.host} still there?`);
      await badge.getByText('5', { exact: true }).waitFor();
      assert.equal((await notes(page)).length, 1, 'a muted room does not notify');

      // Reading the room clears the badge and the title.
      await page.evaluate(() => ((globalThis as any).__away = false));
      await page.goto(`${b.origin}/#/chat/${bobRoom.id}`);
      await page.getByTestId('message-list').getByText('still there?').waitFor();
      // A "New" marker sits above the first message that was unread when the room opened.
      await page.getByTestId('unread-marker').waitFor();
      assert.equal(
        await page.locator('.chat-unread-from [data-testid="message-text"]').textContent(),
        'Welcome aboard',
      );
      assert.deepEqual(await seriousA11yViolations(page), []);
      await snap(page, `${phone ? 'phone' : 'desktop'}-unread-marker`);
      await badge.waitFor({ state: 'detached' });
      await eventually(async () => !(await page.title()).startsWith('(') || null, 5000, 'no count in the title');
      if (phone) await page.getByRole('button', { name: /^Members/ }).click();
      await page.getByRole('button', { name: 'Notifications muted' }).waitFor();
      await context.close();
    });
});
