import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { chatPlugin } from '../../plugins/chat/index.ts';
import type { TestServer } from '../harness/test-server.ts';
import { logIn, newPerson, screenshots, twoServersWithBrowser } from './browser-harness.ts';

describe('browser: alice and bob chat live across two servers', function () {
  this.timeout(150_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-chat');

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [chatPlugin({ sweepMs: 500 })]));
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  it('creates a room, invites a remote user who accepts, and both chat, type, react, reply and edit live', async () => {
    const alice = await newPerson(browser);
    const bob = await newPerson(browser);
    const ap = alice.page;
    const bp = bob.page;
    await logIn(bp, b.origin, 'bob', 'bob-password');

    // Alice creates a room with bob@B as its first member.
    await logIn(ap, a.origin, 'alice', 'alice-password');
    await ap.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await ap.getByTestId('chat-page').waitFor();
    await ap.getByRole('button', { name: 'New room' }).click();
    await ap.getByLabel('Room name').fill('Launch');
    await ap.getByLabel('Topic').fill('Friday release');
    await ap.getByLabel('Members').fill(`bob@${b.host}`);
    await snap(ap, 'alice-new-room');
    await ap.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await ap.getByRole('heading', { name: '# Launch', level: 1 }).waitFor();
    await ap.locator(`[data-testid="member"][data-address="bob@${b.host}"][data-state="invited"]`).waitFor();
    await snap(ap, 'alice-room-created');

    // Bob accepts the invitation in his own inbox and opens the room.
    const pending = bp.getByTestId('pending-shares').locator('[data-share-name="Launch"]');
    await pending.waitFor();
    await snap(bp, 'bob-invitation');
    await pending.getByRole('button', { name: /^Accept/ }).click();
    await bp
      .getByTestId('accepted-shares')
      .locator('[data-share-name="Launch"]')
      .getByRole('link', { name: /Open/ })
      .click();
    await bp.locator('[data-testid="room-link"][data-room-name="Launch"]').click();
    await bp.getByRole('heading', { name: '# Launch', level: 1 }).waitFor();
    await bp.getByText(`hosted on ${a.host}`).waitFor();
    await ap.locator(`[data-testid="member"][data-address="bob@${b.host}"][data-state="joined"]`).waitFor();

    // Alice writes; bob sees it without reloading, formatted.
    await ap.getByLabel('Message Launch').fill('Hello **Bob**, ready for friday?');
    await ap.getByLabel('Message Launch').press('Enter');
    const fromAlice = bp.locator(`[data-testid="message"][data-sender="alice@${a.host}"]`).last();
    await fromAlice.getByText('ready for friday?').waitFor();
    assert.equal(await fromAlice.locator('strong').textContent(), 'Bob');

    // Bob types (alice sees it), then answers.
    await bp.getByLabel('Message Launch').pressSequentially('Yes, all green', { delay: 20 });
    await ap.getByTestId('typing').getByText('Bob Marley is typing…').waitFor();
    await snap(ap, 'alice-sees-typing');
    await bp.getByLabel('Message Launch').press('Enter');
    const fromBob = ap.locator(`[data-testid="message"][data-sender="bob@${b.host}"]`).last();
    await fromBob.getByText('Yes, all green').waitFor();
    // Screen readers hear the new message from the other person (and only new ones: the live region is not the list).
    await ap
      .getByTestId('announce')
      .getByText('Bob Marley: Yes, all green', { exact: true })
      .waitFor({ state: 'attached' });
    assert.equal(await ap.getByTestId('announce').getAttribute('aria-live'), 'polite');
    await bp
      .getByTestId('announce')
      .getByText('Alice Liddell: Hello Bob, ready for friday?', { exact: true })
      .waitFor({ state: 'attached' });
    await snap(bp, 'bob-chatting');

    // Alice reacts and replies; bob edits his message; both see each other's changes live.
    await fromBob.hover();
    await fromBob.getByRole('button', { name: 'React', exact: true }).click();
    await fromBob.getByRole('button', { name: 'React 🎉' }).click();
    const bobsOwn = bp.locator(`[data-testid="message"][data-sender="bob@${b.host}"]`).last();
    await bobsOwn.getByTestId('reaction').getByText('🎉 1').waitFor();
    await fromBob.hover();
    await fromBob.getByRole('button', { name: /^Reply to/ }).click();
    await ap.getByTestId('replying-to').waitFor();
    await ap.getByLabel('Message Launch').fill('Great, shipping it');
    await ap.getByLabel('Message Launch').press('Enter');
    const reply = bp.locator('[data-testid="message"]').filter({ hasText: 'Great, shipping it' });
    await reply.locator('.chat-msg-quote').getByText('Yes, all green').waitFor();
    await bobsOwn.hover();
    await bobsOwn.getByRole('button', { name: 'Edit' }).click();
    await bp.getByLabel('Edit message').fill('Yes, all green (tests too)');
    await bp.getByLabel('Edit message').press('Enter');
    await fromBob.getByText('Yes, all green (tests too)').waitFor();
    await fromBob.getByText('(edited)').waitFor();
    await snap(ap, 'alice-after-edit');

    // Members: local and remote markers, presence.
    const aliceOnB = bp.locator(`[data-testid="member"][data-address="alice@${a.host}"]`);
    assert.equal(await aliceOnB.getByText('remote', { exact: true }).count(), 1);
    await aliceOnB.getByRole('img', { name: 'online' }).waitFor();
    assert.equal(
      await bp
        .locator(`[data-testid="member"][data-address="bob@${b.host}"]`)
        .getByText('local', { exact: true })
        .count(),
      1,
    );
    await ap
      .locator(`[data-testid="member"][data-address="bob@${b.host}"]`)
      .getByRole('img', { name: 'online' })
      .waitFor();
    await snap(bp, 'bob-members');

    // Unread badge: alice leaves the room view, bob writes, alice's room list counts it.
    await ap.goto(`${a.origin}/#/chat`);
    await ap.getByText('Pick a room').waitFor();
    await bp.getByLabel('Message Launch').fill('one more thing');
    await bp.getByLabel('Message Launch').press('Enter');
    await ap
      .locator('[data-testid="room-link"][data-room-name="Launch"]')
      .getByTestId('unread-badge')
      .getByText('1')
      .waitFor();
    await snap(ap, 'alice-unread-badge');

    // Infinite scroll back: a long history loads page by page up to the room's start.
    const token = await a.user('alice');
    const list = await a.api(token, 'GET', '/api/v1/chat/rooms');
    const roomId = (list.body as Array<{ id: string; name: string }>).find((r) => r.name === 'Launch')?.id as string;
    for (let i = 0; i < 90; i++)
      await a.api(token, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, { text: `backlog ${i}` });
    await ap.locator('[data-testid="room-link"][data-room-name="Launch"]').click();
    const history = ap.getByTestId('message-list');
    await history.getByText('backlog 89').waitFor();
    assert.equal(
      await history.getByText('backlog 0', { exact: true }).count(),
      0,
      'only the latest page is loaded at first',
    );
    // The reader scrolls up with the wheel, as a person does, until the first line (the history is windowed: lines
    // far from the view are not in the page).
    const first = history.getByText('backlog 0', { exact: true });
    for (
      let i = 0;
      i < 10 && ((await ap.getByText('This is the start of the room.').count()) === 0 || !(await first.count()));
      i++
    ) {
      await history.hover();
      await ap.mouse.wheel(0, -20_000);
      await ap.waitForTimeout(400);
    }
    await history.getByText('backlog 0', { exact: true }).waitFor();
    await ap.getByText('This is the start of the room.').waitFor();
    await snap(ap, 'alice-scrolled-to-start');
    await Promise.all([alice.context.close(), bob.context.close()]);
  });
});
