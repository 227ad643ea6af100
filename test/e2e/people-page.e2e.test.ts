// One place for people (issue 9): with the contacts plugin, the Address book's Federated contacts carry adding people,
// invites and invite links, and the shell's Contacts entry is gone; a contact's "Share with…" offers what the
// plugins this server runs can share (not a calendar or a chat room: these servers do not run them), here an address
// book and a folder, shared through the SDK's ShareDialog. Desktop and phone, light and
// dark, axe on each step, screenshots in test-artifacts/e2e-people/.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { contactsPlugin } from '../../plugins/contacts/index.ts';
import { filesPlugin } from '../../plugins/files/index.ts';
import type { TestServer } from '../harness/test-server.ts';
import {
  logIn,
  newPerson,
  overflowsSideways,
  screenshots,
  seriousA11yViolations,
  twoServersWithBrowser,
} from './browser-harness.ts';

describe('browser: one place for people, and Share with… a contact', function () {
  this.timeout(180_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-people');

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [contactsPlugin(), filesPlugin()]));
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  const quality = async (page: Page, what: string) => {
    assert.deepEqual(await seriousA11yViolations(page), [], `axe: ${what}`);
    assert.equal(await overflowsSideways(page), false, `${what} scrolls sideways`);
  };

  for (const [tag, user, opts] of [
    ['desktop-light', 'alice', {}],
    ['desktop-dark', 'dave', { colorScheme: 'dark' as const }],
    ['phone-light', 'erin', { phone: true }],
    ['phone-dark', 'carol', { phone: true, colorScheme: 'dark' as const }],
  ] as const) {
    it(`${tag}: invites and contacts live in the Address book; an address book shared with a contact`, async () => {
      const token = await a.user(user);
      const auth = `Bearer ${token}`;
      const { page } = await newPerson(browser, opts);
      await logIn(page, a.origin, user, `${user}-password`);
      const nav = page.getByRole('navigation', { name: 'Main' });
      // One entry for people. These servers run files and contacts only: the navigation holds Shares, Files and the
      // Address book (on a phone all in the bottom bar, with no "More").
      await nav.locator('[data-route="files"]').waitFor();
      await nav.locator('[data-route="addressbook"]').waitFor();
      assert.equal(await page.locator('[data-route="contacts"]').count(), 0, 'no Contacts entry');
      assert.equal(await nav.getByRole('button', { name: 'More' }).count(), 0, 'no More: every entry fits');

      // An invite link lands on the Federated contacts book with the invite filled in.
      await page.evaluate('location.hash = "#/contacts?invite=not-a-real-invite"');
      await page.waitForURL(/#\/addressbook\/people\?invite=not-a-real-invite$/);
      await page.getByLabel('Invite string').waitFor();
      // The shell knows by now that this server runs the contacts plugin: still no second entry.
      assert.equal(await nav.locator('[data-route="contacts"]').count(), 0, 'no Contacts entry');
      assert.equal(await page.getByLabel('Invite string').inputValue(), 'not-a-real-invite');
      const people = page.getByTestId('people-tools');

      // Add bob by address: he appears in Federated contacts, live.
      await people.getByLabel('Address', { exact: true }).fill(`bob@${b.host}`);
      await people.getByLabel('Name (optional)').fill('Bob Marley');
      await people.getByRole('button', { name: 'Add contact' }).click();
      const row = page.getByRole('button', { name: /Bob Marley/ }).first();
      await row.waitFor();
      await people.getByRole('button', { name: 'Create invite' }).click();
      await people.getByTestId('created-invite').waitFor();
      await people.getByTestId('open-invites').waitFor();
      await snap(page, `${tag}-federated-contacts`);
      await quality(page, 'federated contacts with invites');

      // Share with… bob: the plugins' share targets, then an address book.
      await row.click();
      await page.getByRole('button', { name: 'Share with…' }).click();
      const what = page.getByRole('dialog', { name: 'Share with Bob Marley' });
      // Only what works: these servers run files and contacts, not calendars or chat (their discovery says so).
      for (const target of ['A folder or file', 'An address book'])
        await what.getByRole('button', { name: target }).waitFor();
      for (const missing of ['A calendar', 'A chat room'])
        assert.equal(await what.getByRole('button', { name: missing }).count(), 0, `${missing} is not offered`);
      await snap(page, `${tag}-share-targets`);
      await quality(page, 'share targets');
      await what.getByRole('button', { name: 'An address book' }).click();
      const pick = page.getByRole('dialog', { name: `Share an address book with bob@${b.host}` });
      await pick.getByRole('button', { name: 'Contacts' }).click();
      const share = page.getByRole('dialog', { name: 'Share “Contacts”' });
      assert.equal(await share.getByLabel('Share with').inputValue(), `bob@${b.host}`);
      await share.getByLabel('Can edit').check();
      await snap(page, `${tag}-share-dialog`);
      await quality(page, 'the share dialog');
      await share.getByRole('button', { name: 'Share', exact: true }).click();
      const listed = share.locator(`[data-testid="share-recipient"][data-share-with="bob@${b.host}"]`);
      await listed.waitFor();
      assert.equal(await listed.getByLabel(`Permission of bob@${b.host}`).inputValue(), 'read,write', 'Can edit');
      await snap(page, `${tag}-shared`);
      await quality(page, 'the share dialog with a share');

      // Unshare from the same dialog.
      await listed.getByRole('button', { name: `Unshare with bob@${b.host}` }).click();
      await share.getByText('Only you.').waitFor();
      await share.getByRole('button', { name: 'Close' }).first().click();

      // Share with… bob: a folder, picked among the user's own files (Shared with me is not offered).
      await fetch(`${a.origin}/dav/files/${user}/Projects`, { method: 'MKCOL', headers: { authorization: auth } });
      await page.getByRole('button', { name: 'Share with…' }).click();
      await what.getByRole('button', { name: 'A folder or file' }).click();
      const picker = page.getByRole('dialog', { name: `Share a folder or file with bob@${b.host}` });
      await picker.getByRole('button', { name: 'Open folder Projects' }).click();
      assert.equal(await picker.getByRole('button', { name: /Shared with me/ }).count(), 0);
      await snap(page, `${tag}-pick-folder`);
      await quality(page, 'the folder picker');
      await picker.getByRole('button', { name: 'Share this folder' }).click();
      const folder = page.getByRole('dialog', { name: 'Share “Projects”' });
      await folder.getByRole('button', { name: 'Share', exact: true }).click();
      await folder.locator(`[data-testid="share-recipient"][data-share-with="bob@${b.host}"]`).waitFor();
      await page.context().close();
    });
  }
});
