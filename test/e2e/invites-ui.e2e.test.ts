import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../harness/test-server.ts';
import { logIn, newPerson, screenshots, twoServersWithBrowser } from './browser-harness.ts';

describe('browser: login errors and invites between two servers', function () {
  this.timeout(90_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-invites');

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this));
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  it('shows the server’s message for a wrong password, then logs in', async () => {
    const { context, page } = await newPerson(browser);
    await page.goto(`${a.origin}/`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid username or password.' }).waitFor();
    await snap(page, 'login-error');
    await page.getByLabel('Password').fill('alice-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Shares', level: 1 }).waitFor();
    assert.equal(await page.getByTestId('my-address').textContent(), `alice@${a.host}`);
    await snap(page, 'logged-in');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('You are logged out.').waitFor();
    await context.close();
  });

  it('alice creates an invite, bob accepts it from the invite link; both see each other as contacts, live', async () => {
    const alice = await newPerson(browser);
    const bob = await newPerson(browser);
    await logIn(alice.page, a.origin, 'alice', 'alice-password');
    await alice.page.getByRole('link', { name: 'Contacts' }).click();
    await alice.page.getByRole('button', { name: 'Create invite' }).click();
    const inviteString = await alice.page.getByLabel('Your invite string').inputValue();
    const inviteLink = await alice.page.getByLabel('Your invite link').inputValue();
    assert.match(inviteString, /^[A-Za-z0-9_-]+$/);
    assert.match(inviteLink, /\/wayf\?token=/);
    await snap(alice.page, 'alice-invite-created');

    // Bob opens alice's invite link (a WAYF page on her server), names his own server, and lands in
    // his own app (its inviteAcceptDialog) with the invite prefilled.
    await logIn(bob.page, b.origin, 'bob', 'bob-password');
    await bob.page.goto(inviteLink);
    await bob.page.getByLabel(/Your server/).fill(b.host);
    await snap(bob.page, 'bob-wayf');
    await bob.page.getByRole('button', { name: 'Continue' }).click();
    await bob.page.waitForURL(`${b.origin}/#/contacts?invite=*`);
    const field = bob.page.getByLabel('Invite string', { exact: true });
    assert.equal(await field.inputValue(), inviteString);
    await snap(bob.page, 'bob-invite-prefilled');
    await bob.page.getByRole('button', { name: 'Accept invite' }).click();
    await bob.page.getByRole('status').filter({ hasText: 'You and Alice Liddell' }).waitFor();
    await bob.page.getByTestId('contact-list').getByText(`alice@${a.host}`).waitFor();
    await snap(bob.page, 'bob-contact-added');

    // Alice never reloads: the contact arrives over socket.io.
    await alice.page.getByTestId('contact-list').getByText(`bob@${b.host}`).waitFor();
    await alice.page.getByTestId('toasts').getByText('Bob Marley').waitFor();
    await snap(alice.page, 'alice-contact-live');

    // Accepting the same invite again is refused with the server's reason.
    await bob.page.getByLabel('Invite string', { exact: true }).fill(inviteString);
    await bob.page.getByRole('button', { name: 'Accept invite' }).click();
    await bob.page.getByRole('alert').filter({ hasText: 'already accepted' }).waitFor();
    await snap(bob.page, 'bob-invite-reused');
    await Promise.all([alice.context.close(), bob.context.close()]);
  });
});
