import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { webStatic } from '../../scripts/web-static.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { ensureWebBuild } from '../harness/web-build.ts';
import { launchBrowser, logIn, newPerson, requireChromium, screenshots } from './browser-harness.ts';

describe('browser: a user changes their own password', function () {
  this.timeout(90_000);
  let s: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-account-password');

  before(async function () {
    requireChromium(this);
    s = await startTestServer({ fallback: webStatic({ distDir: await ensureWebBuild() }) });
    await s.user('alice', 'Alice Liddell');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.destroy();
  });

  it('explains mistakes in plain words, then changes it: other browsers are logged out at once, this one stays', async () => {
    const here = await newPerson(browser);
    const elsewhere = await newPerson(browser);
    await logIn(here.page, s.origin, 'alice', 'alice-password');
    await logIn(elsewhere.page, s.origin, 'alice', 'alice-password');
    await elsewhere.page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

    const page = here.page;
    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change your password' });
    await dialog.getByLabel('Current password').fill('alice-password');
    await dialog.getByLabel('New password', { exact: true }).fill('a-brand-new-pw');
    await dialog.getByLabel('New password again').fill('a-brand-new-typo');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The two new passwords are not the same.' }).waitFor();
    await snap(page, 'mismatch');

    await dialog.getByLabel('Current password').fill('not-my-password');
    await dialog.getByLabel('New password again').fill('a-brand-new-pw');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Your current password is not correct.' }).waitFor();
    await snap(page, 'wrong-current');

    await dialog.getByLabel('Current password').fill('alice-password');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed. Your other devices were logged out.').waitFor();
    await snap(page, 'changed');
    assert.equal(await dialog.isVisible(), false);

    // The other browser's socket was disconnected with its session: it shows the login page without a reload.
    await elsewhere.page.getByText('Your session has ended. Please log in again.').waitFor({ timeout: 3000 });
    await snap(elsewhere.page, 'elsewhere-logged-out');
    // This browser keeps working.
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    assert.equal(
      (await s.api(null, 'POST', '/api/v1/auth/login', { username: 'alice', password: 'a-brand-new-pw' })).status,
      200,
    );
    // On a phone the account buttons still fit on the screen.
    await page.setViewportSize({ width: 360, height: 740 });
    for (const name of ['Change password', 'Log out']) {
      const box = await page.getByRole('button', { name }).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `${name} at ${JSON.stringify(box)}`);
    }
    await snap(page, 'phone');
    await here.context.close();
    await elsewhere.context.close();
  });
});
