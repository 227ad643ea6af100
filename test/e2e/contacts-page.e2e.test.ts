// The Address book page (issue 9, web app): create, edit, search, import with a skipped card, export, live refresh;
// axe and sideways scrolling in light and dark at desktop and phone size, with screenshots in
// test-artifacts/e2e-contacts/.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { contactsPlugin } from '../../plugins/contacts/index.ts';
import type { TestServer } from '../harness/test-server.ts';
import {
  logIn,
  newPerson,
  overflowsSideways,
  screenshots,
  seriousA11yViolations,
  twoServersWithBrowser,
} from './browser-harness.ts';

const VCF = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Grace Hopper',
  'N:Hopper;Grace;;;',
  'ORG:US Navy',
  'EMAIL;TYPE=INTERNET:grace@navy.example',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:4.0',
  'UID:urn:uuid:alan',
  'FN:Alan Turing',
  'TEL;TYPE=cell:+44 20 7946 0000',
  'CLOUD:alan@cloud.example',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:2.1',
  'FN:Ancient Card',
  'END:VCARD',
  '',
].join('\r\n');

/** A 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('browser: the Address book page', function () {
  this.timeout(240_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  let alice: string;
  const snap = screenshots('e2e-contacts');

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [contactsPlugin()]));
    alice = await a.user('alice', 'Alice Liddell');
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  const row = (page: Page, name: string) => page.locator('.card-row').filter({ hasText: name });

  it('creates, edits, searches, imports (one card skipped) and exports contacts; changes elsewhere show live', async () => {
    const { context, page } = await newPerson(browser);
    await logIn(page, a.origin, 'alice', 'alice-password');
    await page.getByRole('link', { name: 'Address book' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Address book' }).waitFor();
    await page.getByText('No contacts in this book yet.').waitFor();

    // Create.
    await page.getByRole('button', { name: 'New contact' }).click();
    const editor = page.getByRole('form', { name: 'New contact' });
    await editor.getByLabel('First name').fill('Ada');
    await editor.getByLabel('Last name').fill('Lovelace');
    await editor.getByLabel('Organisation').fill('Analytical Engines');
    await editor.getByRole('button', { name: 'Add e-mail' }).click();
    await editor.getByLabel('E-mail 1', { exact: true }).fill('ada@example.org');
    await editor.getByRole('button', { name: 'Add phone' }).click();
    await editor.getByLabel('Phone 1', { exact: true }).fill('+44 1234 5678');
    await editor.getByLabel('Cloud address (user@server)').fill(`bob@${b.host}`);
    await editor.getByLabel('Notes').fill('Wrote the first program.');
    // A photo: one too large is refused in words, a small one is shown.
    const photos = mkdtempSync(path.join(tmpdir(), 'mw-photo-'));
    const big = path.join(photos, 'big.png');
    writeFileSync(big, Buffer.alloc(600 * 1024, 1));
    const small = path.join(photos, 'ada.png');
    writeFileSync(small, Buffer.from(PNG, 'base64'));
    await editor.locator('input[type=file]').setInputFiles(big);
    await editor.getByRole('alert').getByText('choose one up to 512 KB').waitFor();
    await editor.locator('input[type=file]').setInputFiles(small);
    await editor.locator('img.avatar').waitFor();
    await snap(page, 'editor-new');
    await editor.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 2, name: 'Ada Lovelace' }).waitFor();
    await row(page, 'Ada Lovelace').waitFor();
    await page.getByRole('button', { name: 'Copy cloud address' }).waitFor();
    await page.locator('.card-view img.avatar').waitFor();

    // CardDAV clients see it as a vCard 4.0.
    const books = (await a.api(alice, 'GET', '/api/v1/contacts/books')).body.books;
    const own = books.find((x: any) => x.uri === 'contacts');
    const cards = (await a.api(alice, 'GET', `/api/v1/contacts/books/${own.id}/cards`)).body.cards;
    const dav = await fetch(`${a.origin}/dav/addressbooks/alice/contacts/${cards[0].id}`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    assert.match(await dav.text(), /VERSION:4\.0[\s\S]*FN:Ada Lovelace/);

    // Edit.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('form', { name: 'Edit contact' });
    await edit.getByLabel('Job title').fill('Mathematician');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Mathematician · Analytical Engines').waitFor();
    await snap(page, 'card-view');

    // Import with one card skipped.
    const dir = mkdtempSync(path.join(tmpdir(), 'mw-vcf-'));
    const file = path.join(dir, 'people.vcf');
    writeFileSync(file, VCF);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await (await chooser).setFiles(file);
    const report = page.getByRole('dialog', { name: 'Import finished' });
    await report.getByText('Imported 2 contacts. 1 could not be imported').waitFor();
    await report.getByText('Ancient Card').waitFor();
    await snap(page, 'import-report');
    await report.getByRole('button', { name: 'OK' }).click();
    await row(page, 'Grace Hopper').waitFor();
    await row(page, 'Alan Turing').waitFor();

    // Search.
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill('navy');
    await row(page, 'Grace Hopper').waitFor();
    await row(page, 'Ada Lovelace').waitFor({ state: 'detached' });
    await page.getByText('1 of 3').waitFor();
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill('');
    await row(page, 'Ada Lovelace').waitFor();

    // Export.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'Contacts.vcf');
    const text = readFileSync((await download.path())!, 'utf8');
    assert.equal(text.match(/BEGIN:VCARD/g)?.length, 3);
    assert.match(text, /TITLE:Mathematician/);

    // Live: a contact a CardDAV client adds (a phone) appears without a reload.
    const put = await fetch(`${a.origin}/dav/addressbooks/alice/contacts/from-phone.vcf`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'text/vcard' },
      body: 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:from-phone\r\nFN:Added Elsewhere\r\nEND:VCARD\r\n',
    });
    assert.equal(put.status, 201);
    await row(page, 'Added Elsewhere').waitFor();
    await context.close();
  });

  for (const colorScheme of ['light', 'dark'] as const)
    for (const phone of [false, true]) {
      const size = phone ? 'phone' : 'desktop';
      it(`${colorScheme} theme, ${size}: no serious or critical axe violation, no sideways scrolling`, async () => {
        const problems: string[] = [];
        const check = async (page: Page, name: string) => {
          for (const v of await seriousA11yViolations(page))
            problems.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.targets.join(' | ')}`);
          if (await overflowsSideways(page)) problems.push(`${name}: the page scrolls sideways`);
          await snap(page, `${colorScheme}-${size}-${name}`);
        };
        const { context, page } = await newPerson(browser, { colorScheme, phone });
        await logIn(page, a.origin, 'alice', 'alice-password');
        await page.evaluate('location.hash = "#/addressbook"');
        await row(page, 'Grace Hopper').waitFor();
        await check(page, 'list');
        await row(page, 'Ada Lovelace').click();
        await page.getByRole('heading', { level: 2, name: 'Ada Lovelace' }).waitFor();
        if (phone) await page.getByRole('button', { name: /^← Back/ }).waitFor();
        await check(page, 'card');
        await page.getByRole('button', { name: 'Edit', exact: true }).click();
        await page.getByRole('form', { name: 'Edit contact' }).waitFor();
        await check(page, 'editor');
        await context.close();
        assert.deepEqual(problems, []);
      });
    }
});
