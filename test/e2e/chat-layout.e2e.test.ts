// Chat at phone and desktop size (issue 12): rooms and the open room as two screens on a phone with a back button,
// the composer pinned above the bottom bar, members as a sheet, message actions as a compact menu that is never
// cut off; grouped messages, hover actions that do not move the list, a one-line reply banner, previews without
// markdown marks, a deleted message gone from the preview, a member count that matches the list.
// Screenshots land in test-artifacts/e2e-chat-layout/.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { acceptInvites } from '../../plugins/chat/testing/chat-fixture.ts';
import type { TestServer } from '../harness/test-server.ts';
import {
  logIn,
  newPerson,
  overflowsSideways,
  screenshots,
  seriousA11yViolations,
  twoServersWithBrowser,
} from './browser-harness.ts';

async function box(page: Page, selector: string) {
  const b = await page.locator(selector).first().boundingBox();
  assert.ok(b, `${selector} is on screen`);
  return b;
}

describe('browser: chat layout on a phone and a desktop', function () {
  this.timeout(200_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  let alice: string;
  let amy: string;
  let roomId: string;
  const snap = screenshots('e2e-chat-layout');
  const post = async (token: string, text: string, replyTo?: string) => {
    const r = await a.api(token, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, { text, replyTo });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.eventId as string;
  };

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [chatPlugin({ sweepMs: 500 })]));
    alice = await a.user('alice', 'Alice Liddell');
    amy = await a.user('amy', 'Amy Pond');
    const room = await a.api(alice, 'POST', '/api/v1/chat/rooms', {
      name: 'Launch',
      topic: 'Friday release',
      members: ['amy', `bob@${b.host}`],
    });
    assert.equal(room.status, 201, JSON.stringify(room.body));
    roomId = room.body.room.id;
    assert.equal(await acceptInvites(a, amy), 1);
    await post(alice, 'Morning!');
    await post(alice, 'Is the build green?');
    await post(alice, 'The release notes are in the usual folder.');
    await post(amy, 'Yes, **all green** and `npm test` passes');
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  it('on a phone: two screens, pinned composer, members sheet, a menu that fits, previews without marks', async () => {
    const { context, page } = await newPerson(browser, { phone: true });
    await logIn(page, a.origin, 'alice', 'alice-password');
    await page.goto(`${a.origin}/#/chat`);
    const link = page.locator('[data-testid="room-link"][data-room-name="Launch"]');
    await link.getByTestId('room-last').getByText('Yes, all green and npm test passes', { exact: true }).waitFor();
    assert.equal(await page.locator('.chat-welcome').isVisible(), false, 'no empty conversation beside the list');
    await snap(page, 'phone-rooms');

    await link.click();
    await page.getByRole('heading', { name: '# Launch', level: 1 }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Rooms' }).isVisible(), false, 'the list is hidden');
    // The composer sits right above the bottom bar; nothing scrolls sideways.
    const composer = await box(page, '.chat-composer');
    const nav = await box(page, 'nav.nav-bottom');
    assert.ok(Math.abs(composer.y + composer.height - nav.y) <= 2, `composer ends at ${composer.y + composer.height}`);
    assert.equal(await overflowsSideways(page), false);
    // Alice's three messages form one group: only the first shows her name.
    const mine = page.locator(`[data-testid="message"][data-sender="alice@${a.host}"]`);
    await mine.nth(2).waitFor();
    assert.deepEqual(await mine.evaluateAll((els) => els.map((e) => e.classList.contains('chat-msg-grouped'))), [
      false,
      true,
      true,
    ]);
    await snap(page, 'phone-room');

    // The actions open from "⋯" as a compact menu; the reactions open where there is room, inside the history.
    const amys = page.locator(`[data-testid="message"][data-sender="amy@${a.host}"]`);
    await amys.getByRole('button', { name: /^Actions for the message from Amy/ }).click();
    await amys.getByRole('button', { name: 'React', exact: true }).click();
    const picker = await box(page, '.chat-picker');
    const list = await box(page, '[data-testid="message-list"]');
    assert.ok(picker.y >= list.y && picker.y + picker.height <= list.y + list.height, 'the picker is not cut off');
    assert.ok(picker.x >= 0 && picker.x + picker.width <= 390, 'the picker fits the screen width');
    await snap(page, 'phone-reaction-menu');
    await amys.getByRole('button', { name: 'React 👍' }).click();
    await amys.getByTestId('reaction').waitFor();

    // Members open as a sheet whose count matches its list.
    await page.getByRole('button', { name: /^Members/ }).click();
    const sheet = page.getByRole('dialog', { name: /^Members/ });
    await sheet.getByTestId('member').first().waitFor();
    const joined = await sheet.getByTestId('member-list').getByTestId('member').count();
    assert.equal(joined, 2);
    await sheet.getByRole('heading', { name: `Members · ${joined}` }).waitFor();
    assert.equal(await sheet.getByTestId('invited-list').getByTestId('member').count(), 1);
    assert.deepEqual(await seriousA11yViolations(page), []);
    await snap(page, 'phone-members-sheet');
    await sheet.getByRole('button', { name: 'Close' }).click();

    // Back to the rooms; a deleted newest message leaves the preview at once.
    await page.getByRole('link', { name: 'Back to rooms' }).click();
    await link.waitFor();
    const last = await post(amy, 'this was a **secret**');
    await link.getByTestId('room-last').getByText('this was a secret', { exact: true }).waitFor();
    assert.equal((await a.api(amy, 'DELETE', `/api/v1/chat/rooms/${roomId}/messages/${last}`)).status, 201);
    await link.getByTestId('room-last').getByText('Message deleted').waitFor();
    await page.reload();
    await link.getByTestId('room-last').getByText('Message deleted').waitFor();
    assert.equal(await page.getByText('secret').count(), 0);
    await snap(page, 'phone-deleted-preview');
    await context.close();
  });

  for (const colorScheme of ['light', 'dark'] as const)
    it(`on a desktop (${colorScheme}): hover actions do not move the list, the reply banner is one line`, async () => {
      const { context, page } = await newPerson(browser, { colorScheme });
      await logIn(page, a.origin, 'alice', 'alice-password');
      await page.goto(`${a.origin}/#/chat/${roomId}`);
      const amys = page.locator(`[data-testid="message"][data-sender="amy@${a.host}"]`).first();
      await amys.waitFor();
      const before = await amys.boundingBox();
      await page.locator('[data-testid="message"]').first().hover();
      await amys.hover();
      await amys.getByRole('button', { name: 'React', exact: true }).waitFor();
      assert.deepEqual(await amys.boundingBox(), before, 'showing the actions moves nothing');
      await snap(page, `desktop-hover-${colorScheme}`);

      // Every emoji, searchable, for reactions and the composer; the ones used last come first.
      const [emojiName, emoji] = colorScheme === 'light' ? ['rocket', '🚀'] : ['fire', '🔥'];
      const morning = page.locator('[data-testid="message"]').filter({ hasText: 'Morning!' });
      await morning.hover();
      await morning.getByRole('button', { name: 'React', exact: true }).click();
      await morning.getByRole('button', { name: 'More reactions' }).click();
      const picker = morning.getByTestId('emoji-picker');
      await picker.getByLabel('Search emoji').fill(emojiName);
      await snap(page, `desktop-emoji-search-${colorScheme}`);
      await picker.getByRole('button', { name: emojiName, exact: true }).click();
      await morning.getByTestId('reaction').getByText(`${emoji} 1`).waitFor();
      await page.getByRole('button', { name: 'Insert emoji' }).click();
      const composerPicker = page.locator('.chat-composer').getByTestId('emoji-picker');
      await composerPicker
        .getByRole('region', { name: 'Recently used' })
        .getByRole('button', { name: emojiName })
        .waitFor();
      await snap(page, `desktop-emoji-composer-${colorScheme}`);
      await composerPicker.getByLabel('Search emoji').fill('party popper');
      await composerPicker.getByRole('button', { name: 'party popper' }).click();
      assert.equal(await page.getByLabel('Message Launch').inputValue(), '🎉');
      await page.getByLabel('Message Launch').fill('');

      const long = page.locator('[data-testid="message"]').filter({ hasText: 'release notes' });
      await long.hover();
      await long.getByRole('button', { name: /^Reply to/ }).click();
      const banner = await box(page, '[data-testid="replying-to"]');
      assert.ok(banner.height < 40, `the reply banner is one line (${banner.height}px)`);
      // The member count beside the heading is the number of members listed under it.
      const panel = page.getByRole('complementary', { name: 'Members' });
      const count = await panel.locator('h2 .chat-count').textContent();
      assert.equal(Number(count), await panel.getByTestId('member-list').getByTestId('member').count());
      assert.deepEqual(await seriousA11yViolations(page), []);
      await snap(page, `desktop-reply-${colorScheme}`);
      await context.close();
    });
});
