import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { filesPlugin } from '../../plugins/files/index.ts';
import { webStatic } from '../../scripts/web-static.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { ensureWebBuild } from '../harness/web-build.ts';
import { launchBrowser, logIn, newPerson, requireChromium, screenshots } from './browser-harness.ts';

describe('browser: colleagues on one server share folders and chat rooms through the inbox', function () {
  this.timeout(120_000);
  let s: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-local-shares');

  before(async function () {
    requireChromium(this);
    const dist = await ensureWebBuild();
    s = await startTestServer({
      plugins: [filesPlugin(), chatPlugin({ sweepMs: 500 })],
      fallback: webStatic({ distDir: dist }),
    });
    await s.user('alice', 'Alice Liddell');
    await s.user('carol', 'Carol Danvers');
    await s.user('dave', 'Dave Grohl');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.destroy();
  });

  it('a failed share explains itself in words; a local share is accepted in the inbox; auto-accept skips the inbox', async () => {
    const alice = await newPerson(browser);
    const carol = await newPerson(browser);
    await logIn(carol.page, s.origin, 'carol', 'carol-password');
    const toggle = carol.page.getByLabel(/Accept shares automatically/);
    await toggle.waitFor();
    assert.equal(await toggle.isChecked(), false, 'auto-accept is off by default');

    await logIn(alice.page, s.origin, 'alice', 'alice-password');
    await alice.page.goto(`${s.origin}/#/files`);
    for (const name of ['Team', 'Plans']) {
      await alice.page.getByRole('button', { name: 'New folder' }).click();
      await alice.page.getByLabel('Folder name').fill(name);
      await alice.page.getByRole('button', { name: 'Create' }).click();
      await alice.page.getByRole('link', { name }).waitFor();
    }

    // An address whose server does not exist: the dialog says so in words, and nothing is kept.
    await alice.page.getByRole('button', { name: 'Share Team' }).click();
    const dialog = alice.page.getByRole('dialog');
    await dialog.getByLabel('Share with').fill('bob@cloud.invalid');
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    const problem = dialog.getByRole('alert');
    await problem.getByText('There is no server at cloud.invalid: check the address.').waitFor();
    await snap(alice.page, 'alice-no-such-server');
    assert.doesNotMatch((await problem.textContent()) ?? '', /[A-Z]{3,}_[A-Z]|ENOTFOUND|ECONN/);

    // A colleague on the same server.
    await dialog.getByLabel('Share with').fill(`carol@${s.host}`);
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    await dialog.getByText('Carol Danvers').waitFor();
    await snap(alice.page, 'alice-shared-with-carol');
    await dialog.getByRole('button', { name: 'Close' }).first().click();

    const pending = carol.page.getByTestId('pending-shares').locator('[data-share-name="Team"]');
    await pending.waitFor();
    assert.match((await pending.textContent()) ?? '', /Alice Liddell/);
    await snap(carol.page, 'carol-invited');
    await pending.getByRole('button', { name: /^Accept/ }).click();
    await carol.page.getByTestId('accepted-shares').locator('[data-share-name="Team"]').waitFor();
    await snap(carol.page, 'carol-accepted');

    await carol.page.goto(`${s.origin}/#/files/Shared%20with%20me`);
    await carol.page.locator('[data-testid="file-row"][data-name="Team"]').waitFor();
    await snap(carol.page, 'carol-shared-with-me');

    // Auto-accept on: the next share lands among the accepted ones directly.
    await carol.page.goto(`${s.origin}/#/shares`);
    await carol.page.getByLabel(/Accept shares automatically/).check();
    await carol.page
      .getByTestId('toasts')
      .getByText(/now accepted automatically/)
      .waitFor();
    await alice.page.getByRole('button', { name: 'Share Plans' }).click();
    await dialog.getByLabel('Share with').fill(`carol@${s.host}`);
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    await dialog.getByText('Accepted').waitFor();
    await carol.page.getByTestId('accepted-shares').locator('[data-share-name="Plans"]').waitFor();
    assert.equal(await carol.page.getByTestId('pending-shares').locator('[data-share-name="Plans"]').count(), 0);
    await snap(carol.page, 'carol-auto-accepted');
    await Promise.all([alice.context.close(), carol.context.close()]);
  });

  it('a room invitation of a colleague waits in their inbox; an impossible one is explained in words', async () => {
    const alice = await newPerson(browser);
    const dave = await newPerson(browser);
    await logIn(dave.page, s.origin, 'dave', 'dave-password');
    await logIn(alice.page, s.origin, 'alice', 'alice-password');
    const ap = alice.page;
    await ap.goto(`${s.origin}/#/chat`);
    await ap.getByTestId('chat-page').waitFor();
    await ap.getByRole('button', { name: 'New room' }).click();
    await ap.getByLabel('Room name').fill('Coffee');
    await ap.getByLabel('Members').fill('dave, bob@cloud.invalid');
    await ap.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await ap.getByRole('heading', { name: '# Coffee', level: 1 }).waitFor();
    // Errors are announced in their own (assertive) toast region.
    await ap
      .locator('.toasts')
      .getByText('Some invitations failed: There is no server at cloud.invalid: check the address.')
      .waitFor();
    await ap.locator(`[data-testid="member"][data-address="dave@${s.host}"][data-state="invited"]`).waitFor();
    await snap(ap, 'alice-room-invited-dave');

    const dp = dave.page;
    const pending = dp.getByTestId('pending-shares').locator('[data-share-name="Coffee"]');
    await pending.waitFor();
    await snap(dp, 'dave-room-invitation');
    await pending.getByRole('button', { name: /^Accept/ }).click();
    await dp
      .getByTestId('accepted-shares')
      .locator('[data-share-name="Coffee"]')
      .getByRole('link', { name: /Open/ })
      .click();
    await dp.locator('[data-testid="room-link"][data-room-name="Coffee"]').click();
    await dp.getByRole('heading', { name: '# Coffee', level: 1 }).waitFor();
    await ap.locator(`[data-testid="member"][data-address="dave@${s.host}"][data-state="joined"]`).waitFor();
    await ap.getByLabel('Message Coffee').fill('Espresso at 3?');
    await ap.getByLabel('Message Coffee').press('Enter');
    await dp.locator(`[data-testid="message"][data-sender="alice@${s.host}"]`).getByText('Espresso at 3?').waitFor();
    await snap(dp, 'dave-in-the-room');
    await Promise.all([alice.context.close(), dave.context.close()]);
  });
});
