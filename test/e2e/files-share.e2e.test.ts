import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { filesPlugin } from '../../plugins/files/index.ts';
import { eventually, type TestServer } from '../harness/test-server.ts';
import { logIn, newPerson, screenshots, twoServersWithBrowser } from './browser-harness.ts';

describe('browser: alice shares a folder with bob on another server, bob downloads the file', function () {
  this.timeout(120_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-files');
  // Binary, not valid UTF-8, and bigger than one upload chunk: any re-encoding on the way would show.
  const bytes = randomBytes(384 * 1024);

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [filesPlugin()]));
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  it('uploads, shares, sees the share arrive live, accepts, browses Shared with me and downloads identical bytes', async () => {
    const alice = await newPerson(browser);
    const bob = await newPerson(browser);
    await logIn(bob.page, b.origin, 'bob', 'bob-password');
    // Marks bob's page: if it is still there at the end, the share arrived without any reload.
    await bob.page.evaluate('window.__noReload = true');

    // Alice: a folder with a file in it.
    await logIn(alice.page, a.origin, 'alice', 'alice-password');
    await alice.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Files' }).click();
    await alice.page.getByRole('heading', { name: 'All files', level: 1 }).waitFor();
    await snap(alice.page, 'alice-files-empty');
    await alice.page.getByRole('button', { name: 'New folder' }).click();
    await alice.page.getByLabel('Folder name').fill('Projects');
    await alice.page.getByRole('button', { name: 'Create' }).click();
    await alice.page.getByRole('link', { name: 'Projects' }).click();
    await alice.page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await alice.page
      .getByTestId('upload-input')
      .setInputFiles({ name: 'report.bin', mimeType: 'application/octet-stream', buffer: bytes });
    await alice.page.locator('[data-testid="upload"][data-state="done"]').waitFor();
    await alice.page.locator('[data-testid="file-row"][data-name="report.bin"]').waitFor();
    await snap(alice.page, 'alice-uploaded');

    // Alice shares the folder with bob@<server 2>.
    await alice.page.getByRole('navigation', { name: 'Folder path' }).getByRole('link', { name: 'All files' }).click();
    await alice.page.getByRole('button', { name: 'Share Projects' }).click();
    await alice.page.getByLabel('Share with').fill(`bob@${b.host}`);
    await snap(alice.page, 'alice-share-dialog');
    await alice.page.getByRole('dialog').getByRole('button', { name: 'Share', exact: true }).click();
    await alice.page.getByRole('dialog').getByText(`bob@${b.host}`).waitFor();
    await snap(alice.page, 'alice-shared');
    await alice.page.getByRole('dialog').getByRole('button', { name: 'Close' }).first().click();

    // Bob: the share shows up in his inbox without a reload.
    const pending = bob.page.getByTestId('pending-shares').locator('[data-share-name="Projects"]');
    await pending.waitFor();
    await bob.page.getByTestId('toasts').getByText('shared “Projects” with you').waitFor();
    assert.equal(await bob.page.evaluate('window.__noReload'), true, 'bob’s page was reloaded');
    assert.match((await pending.textContent()) ?? '', new RegExp(`alice@${a.host.replace(/[.]/g, '\\.')}`));
    await snap(bob.page, 'bob-share-arrived');
    await pending.getByRole('button', { name: /^Accept/ }).click();
    const accepted = bob.page.getByTestId('accepted-shares').locator('[data-share-name="Projects"]');
    await accepted.waitFor();
    await snap(bob.page, 'bob-accepted');

    // Alice sees the acceptance live too.
    await alice.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /Shares/ })
      .click();
    await alice.page
      .getByTestId('outgoing-shares')
      .locator('[data-share-name="Projects"]')
      .getByText('Accepted')
      .waitFor();
    await snap(alice.page, 'alice-sees-accepted');

    // Bob opens the folder under Shared with me and downloads the file.
    await accepted.getByRole('link', { name: /Open/ }).click();
    await bob.page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await bob.page
      .getByRole('navigation', { name: 'Folder path' })
      .getByRole('link', { name: 'Shared with me' })
      .waitFor();
    const row = bob.page.locator('[data-testid="file-row"][data-name="report.bin"]');
    await row.waitFor();
    await snap(bob.page, 'bob-shared-folder');
    // A read-only share: nothing to upload or rename here.
    assert.equal(await bob.page.getByRole('button', { name: 'Upload files' }).isDisabled(), true);
    await row.getByRole('button', { name: 'Actions for report.bin' }).click();
    const menu = bob.page.getByRole('menu');
    assert.deepEqual(await menu.getByRole('menuitem').allInnerTexts(), ['Download', 'Details'], 'no delete or rename');
    const [download] = await Promise.all([
      bob.page.waitForEvent('download'),
      menu.getByRole('menuitem', { name: 'Download' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'report.bin');
    const got = readFileSync(await download.path());
    assert.equal(got.length, bytes.length);
    assert.ok(got.equals(bytes), 'downloaded bytes differ from the uploaded ones');
    await snap(bob.page, 'bob-downloaded');

    // And the virtual folder lists the share like any folder.
    await bob.page
      .getByRole('navigation', { name: 'Folder path' })
      .getByRole('link', { name: 'Shared with me' })
      .click();
    await bob.page.locator('[data-testid="file-row"][data-name="Projects"]').waitFor();
    await snap(bob.page, 'bob-shared-with-me');
    await eventually(
      async () => (await a.api(null, 'GET', '/.well-known/ocm')).status === 200,
      1000,
      'server a still up',
    );
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

  it('drops files to upload them, refuses a clashing name, renames, and deletes after confirming', async () => {
    const alice = await newPerson(browser);
    const page = alice.page;
    await logIn(page, a.origin, 'alice', 'alice-password');
    await page.goto(`${a.origin}/#/files`);
    await page.getByRole('button', { name: 'New folder' }).click();
    await page.getByLabel('Folder name').fill('Drafts');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('link', { name: 'Drafts' }).click();
    await page.getByRole('heading', { name: 'Drafts', level: 1 }).waitFor();

    // Drag and drop, as the desktop does it: dragenter then drop with a DataTransfer of files.
    // (A string: this runs in the page, whose DOM types the Node test config does not include.)
    await page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['first draft'], 'one.txt', { type: 'text/plain' }));
      dt.items.add(new File(['second draft'], 'two.txt', { type: 'text/plain' }));
      const zone = document.querySelector('.drop-zone');
      zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    await page.locator('[data-testid="file-row"][data-name="one.txt"]').waitFor();
    await page.locator('[data-testid="file-row"][data-name="two.txt"]').waitFor();
    // A row appears as soon as the listing refreshes after the first upload, which can already include the
    // second file whose request is still finishing: wait for both uploads to report done, do not count once.
    await page.locator('[data-testid="upload"][data-state="done"]').nth(1).waitFor();
    assert.equal(await page.locator('[data-testid="upload"]:not([data-state="done"])').count(), 0);
    await snap(page, 'alice-dropped');

    // Renaming onto an existing name is refused (MOVE with Overwrite: F) and the dialog says why.
    const act = async (name: string, action: string) => {
      await page.getByRole('button', { name: `Actions for ${name}` }).click();
      await page.getByRole('menu').getByRole('menuitem', { name: action }).click();
    };
    await act('one.txt', 'Rename');
    await page.getByLabel('New name').fill('two.txt');
    await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
    const problem = page.getByRole('dialog').getByRole('alert');
    await eventually(
      async () => ((await problem.textContent({ timeout: 1000 }).catch(() => '')) ?? '').trim().length > 0,
      5000,
      'rename error',
    ).catch(async (err: Error) => {
      // What the page shows instead (this step failed now and then in CI): is a dialog open, with which name, and
      // which rows, uploads and toasts are there.
      const state = await page.evaluate(`(() => ({
        dialogs: [...document.querySelectorAll('dialog[open]')].map((d) => d.querySelector('h2')?.textContent),
        field: document.querySelector('dialog[open] input')?.value ?? null,
        rows: [...document.querySelectorAll('[data-testid="file-row"]')].map((r) => r.dataset.name),
        uploads: [...document.querySelectorAll('[data-testid="upload"]')].map((u) => u.dataset.state),
        toasts: [...document.querySelectorAll('.toasts *')].map((t) => t.textContent).filter(Boolean),
      }))()`);
      throw new Error(`${err.message}; the page: ${JSON.stringify(state)}`);
    });
    await snap(page, 'alice-rename-clash');
    await page.getByLabel('New name').fill('final.txt');
    await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
    await page.locator('[data-testid="file-row"][data-name="final.txt"]').waitFor();
    assert.equal(await page.locator('[data-testid="file-row"][data-name="one.txt"]').count(), 0);

    // Delete asks first; cancelling keeps the file.
    await act('two.txt', 'Delete');
    await page.getByRole('dialog').getByText('This cannot be undone').waitFor();
    await snap(page, 'alice-delete-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.locator('[data-testid="file-row"][data-name="two.txt"]').count(), 1);
    await act('two.txt', 'Delete');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await eventually(
      async () => (await page.locator('[data-testid="file-row"][data-name="two.txt"]').count()) === 0,
      5000,
      'two.txt deleted',
    );
    const listing = await a.api(null, 'GET', '/.well-known/ocm');
    assert.equal(listing.status, 200);
    await snap(page, 'alice-after-delete');
    await alice.context.close();
  });
});
