import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { pdfOf, pngOf } from '../harness/sample-files.ts';
import { eventually, type TestServer } from '../harness/test-server.ts';
import { logIn, newPerson, screenshots, seriousA11yViolations, twoServersWithBrowser } from './browser-harness.ts';

/** A person on a phone (390×844, touch), in the light or dark theme. */
async function phonePerson(
  browser: Browser,
  scheme: 'light' | 'dark',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: scheme,
    locale: 'en-US',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`      [browser error] ${err.message}`));
  return { context, page };
}

const row = (page: Page, name: string) => page.locator(`[data-testid="file-row"][data-name="${name}"]`);

/** Runs an action from a row's menu. */
async function rowAction(page: Page, name: string, action: string): Promise<void> {
  await page.getByRole('button', { name: `Actions for ${name}`, exact: true }).click();
  await page.getByRole('menu').getByRole('menuitem', { name: action, exact: true }).click();
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const [scroll, client] = (await page.evaluate(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  )) as [number, number];
  assert.ok(scroll <= client, `the page scrolls sideways (${scroll} > ${client})`);
}

describe('browser: the Files page as people use it (desktop and phone)', function () {
  this.timeout(180_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-files-ui');
  const aliceDav = () => davClient(a.origin, basicFor('alice'));
  let aliceToken: string;
  let bobToken: string;

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [filesPlugin()]));
    aliceToken = (await a.api(null, 'POST', '/api/v1/auth/login', { username: 'alice', password: 'alice-password' }))
      .body.token;
    bobToken = (await b.api(null, 'POST', '/api/v1/auth/login', { username: 'bob', password: 'bob-password' })).body
      .token;
    const put = async (p: string, body: Buffer | string) =>
      assert.equal((await aliceDav().send('PUT', `/dav/files/alice${p}`, { body })).status, 201, p);
    assert.equal((await aliceDav().send('MKCOL', '/dav/files/alice/Project%20X')).status, 201);
    await put('/Project%20X/photo.png', await pngOf(640, 400, [40, 120, 220]));
    await put('/Project%20X/plan.pdf', pdfOf(300, 200, [230, 120, 30]));
    await put('/Project%20X/notes.txt', 'Meeting notes\n- ship the preview feature\n- <b>not bold</b>\n');
    await put('/Project%20X/data.bin', Buffer.from([0, 1, 2, 3, 255]));
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  it('shows who has access and who owns a share, changes a permission live, and leaves a share its owner ends', async () => {
    const created = await a.api(aliceToken, 'POST', '/api/v1/shares', {
      resourceType: 'folder',
      resourceId: '/Project X',
      shareWith: `bob@${b.host}`,
      permissions: ['read'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const incoming = await eventually(
      async () =>
        (await b.api(bobToken, 'GET', '/api/v1/shares/incoming')).body.find((s: any) => s.name === 'Project X'),
      5000,
      'the share',
    );
    assert.equal((await b.api(bobToken, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);

    const alice = await newPerson(browser);
    const bob = await newPerson(browser);
    await logIn(alice.page, a.origin, 'alice', 'alice-password');
    await logIn(bob.page, b.origin, 'bob', 'bob-password');

    // Alice: the folder carries a "Shared" marker naming who has access.
    await alice.page.goto(`${a.origin}/#/files`);
    const marker = row(alice.page, 'Project X').getByRole('button', { name: /^Shared with Bob Marley/ });
    await marker.waitFor();
    assert.match((await marker.getAttribute('aria-label')) ?? '', /Shared with Bob Marley \(bob@.*\) \(can view\)/);
    await snap(alice.page, 'alice-shared-marker');

    // Bob: "Shared with me" says who owns it and what he may do; inside, a banner says it again.
    await bob.page.goto(`${b.origin}/#/files/Shared%20with%20me`);
    await row(bob.page, 'Project X').getByTestId('share-owner').getByText('Alice Liddell · Can view').waitFor();
    await snap(bob.page, 'bob-shared-with-me-owner');
    await row(bob.page, 'Project X').getByRole('link', { name: 'Project X' }).click();
    await bob.page.getByTestId('share-banner').getByText('Shared with you by').waitFor();
    await bob.page.getByTestId('share-banner').getByText('You can view and download').waitFor();
    await row(bob.page, 'notes.txt').getByTestId('share-owner').getByText('Alice Liddell · Can view').waitFor();
    assert.equal(await bob.page.getByRole('button', { name: 'Upload files' }).isDisabled(), true);
    // Thumbnails come from alice's server through bob's.
    const thumb = row(bob.page, 'photo.png').locator('img.file-thumb');
    await thumb.waitFor();
    await eventually(async () => (await thumb.evaluate((img: any) => img.naturalWidth)) === 128, 5000, 'thumbnail');
    await row(bob.page, 'plan.pdf').locator('img.file-thumb').waitFor();
    await snap(bob.page, 'bob-inside-share-thumbnails');
    assert.deepEqual(await seriousA11yViolations(bob.page), [], 'axe: a shared folder');

    // Previews: picture, PDF page, text (as text, never as markup); a binary file has none.
    await row(bob.page, 'photo.png').getByRole('button', { name: 'photo.png', exact: true }).click();
    const dialog = bob.page.getByRole('dialog');
    const image = dialog.getByTestId('details-image');
    await image.waitFor();
    await eventually(
      async () => ((await image.evaluate((img: any) => img.naturalWidth)) as number) > 0,
      5000,
      'preview',
    );
    await dialog.getByText('Alice Liddell (alice@').waitFor();
    await snap(bob.page, 'bob-preview-image');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await rowAction(bob.page, 'notes.txt', 'Details');
    await dialog.getByTestId('details-text').getByText('<b>not bold</b>').waitFor();
    assert.equal(await dialog.locator('b').count(), 0, 'text is shown as text');
    await snap(bob.page, 'bob-preview-text');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await rowAction(bob.page, 'plan.pdf', 'Details');
    await dialog.getByTestId('details-image').waitFor();
    await snap(bob.page, 'bob-preview-pdf');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await rowAction(bob.page, 'data.bin', 'Details');
    await dialog.getByText('No preview for this kind of file').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).first().click();

    // Alice lets bob edit: his page unlocks uploading without a reload.
    await marker.click();
    const share = alice.page.getByRole('dialog');
    const permission = share.getByLabel(`Permission of bob@${b.host}`);
    await permission.selectOption({ label: 'Can edit' });
    await alice.page.getByTestId('toasts').getByText('now has “Can edit” on “Project X”').waitFor();
    await snap(alice.page, 'alice-permission-changed');
    assert.deepEqual(await seriousA11yViolations(alice.page), [], 'axe: the share dialog');
    await bob.page.getByTestId('share-banner').getByText('You can view and edit').waitFor();
    await eventually(
      async () => !(await bob.page.getByRole('button', { name: 'Upload files' }).isDisabled()),
      10_000,
      'upload',
    );
    await row(bob.page, 'notes.txt').getByTestId('share-owner').getByText('Alice Liddell · Can edit').waitFor();
    await snap(bob.page, 'bob-can-edit');

    // Alice stops sharing while bob is inside: his page leaves the share and says why.
    await share.getByRole('button', { name: `Unshare with bob@${b.host}` }).click();
    await bob.page
      .getByTestId('share-notice')
      .getByText('Alice Liddell stopped sharing “Project X” with you.')
      .waitFor();
    await bob.page.getByRole('heading', { name: 'Shared with me', level: 1 }).waitFor();
    assert.equal(await row(bob.page, 'Project X').count(), 0);
    await snap(bob.page, 'bob-share-ended');
    await eventually(async () => (await marker.count()) === 0, 5000, 'the marker to go');
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

  it('uploads folders (picked and dropped), hints where to drop, clears finished uploads, searches, sorts and acts on a selection', async () => {
    const alice = await newPerson(browser);
    const page = alice.page;
    await logIn(page, a.origin, 'alice', 'alice-password');
    assert.equal((await aliceDav().send('MKCOL', '/dav/files/alice/Inbox')).status, 201);
    await page.goto(`${a.origin}/#/files/Inbox`);
    await page.getByTestId('drop-hint').getByText('Drop files or folders here').waitFor();
    await snap(page, 'empty-folder-drop-hint');

    // A folder picked with the folder button keeps its sub-folders.
    const local = mkdtempSync(path.join(tmpdir(), 'meshwork-upload-'));
    try {
      mkdirSync(path.join(local, 'Trip', 'Day 1'), { recursive: true });
      writeFileSync(path.join(local, 'Trip', 'itinerary.txt'), 'fly out on monday');
      writeFileSync(path.join(local, 'Trip', 'Day 1', 'report-day1.txt'), 'a long walk, then a longer one');
      await page.getByTestId('upload-folder-input').setInputFiles(path.join(local, 'Trip'));
    } finally {
      // setInputFiles has read the files by now.
    }
    await row(page, 'Trip').waitFor();
    const panel = page.getByTestId('upload-panel');
    await panel.getByText('2 uploads complete').waitFor();
    await snap(page, 'folder-uploaded-panel');
    await panel.waitFor({ state: 'detached' });
    rmSync(local, { recursive: true, force: true });
    assert.equal(
      (await aliceDav().send('GET', '/dav/files/alice/Inbox/Trip/Day%201/report-day1.txt')).text,
      'a long walk, then a longer one',
    );

    // A folder dropped from the desktop: walked with webkitGetAsEntry (stand-in entries, as a drop would give).
    await page.evaluate(`(() => {
      const file = (name, text) => ({ isFile: true, isDirectory: false, name, file: (ok) => ok(new File([text], name)) });
      const dir = (name, children) => ({
        isFile: false, isDirectory: true, name,
        // Batches come asynchronously, then an empty one, as browsers do.
        createReader: () => { let done = false; return { readEntries: (ok) => { const batch = done ? [] : children; done = true; setTimeout(() => ok(batch)); } }; },
      });
      const tree = dir('Receipts', [file('hotel.txt', 'room 12'), dir('Taxi', [file('taxi-report.txt', '23 EUR')]), dir('Empty', [])]);
      const dt = { types: ['Files'], items: [{ kind: 'file', webkitGetAsEntry: () => tree, getAsFile: () => null }], files: [] };
      const zone = document.querySelector('.drop-zone');
      for (const type of ['dragenter', 'drop']) {
        const ev = new DragEvent(type, { bubbles: true, cancelable: true });
        Object.defineProperty(ev, 'dataTransfer', { value: dt });
        zone.dispatchEvent(ev);
      }
    })()`);
    await row(page, 'Receipts').waitFor();
    await eventually(
      async () =>
        (await aliceDav().send('GET', '/dav/files/alice/Inbox/Receipts/Taxi/taxi-report.txt')).text === '23 EUR',
      10_000,
      'the dropped folder’s nested file',
    );
    assert.equal(
      (await aliceDav().send('PROPFIND', '/dav/files/alice/Inbox/Receipts/Empty', { headers: { depth: '0' } })).status,
      207,
    );

    // Files of different sizes for sorting and selecting.
    for (const [name, size] of [
      ['alpha.txt', 10],
      ['bravo.txt', 3000],
      ['charlie.txt', 200],
    ] as const)
      await aliceDav().send('PUT', `/dav/files/alice/Inbox/${name}`, { body: 'x'.repeat(size) });
    await page.reload();
    await row(page, 'charlie.txt').waitFor();
    const names = async () =>
      page.locator('[data-testid="file-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    await page.getByRole('button', { name: /^Size/ }).click();
    assert.deepEqual(
      await names(),
      ['Receipts', 'Trip', 'bravo.txt', 'charlie.txt', 'alpha.txt'],
      'folders first, then largest',
    );
    assert.equal(await page.locator('th[aria-sort="descending"]').textContent(), 'Size, sorted descending');
    await page.getByRole('button', { name: /^Name/ }).click();
    assert.deepEqual(await names(), ['Receipts', 'Trip', 'alpha.txt', 'bravo.txt', 'charlie.txt']);
    await snap(page, 'sorted-by-name');

    // Search: the folder's own items filter at once, matches elsewhere come from the server.
    await page.getByRole('searchbox', { name: 'Search files' }).fill('report');
    await page.getByRole('heading', { name: 'Elsewhere in your files' }).waitFor();
    const elsewhere = page.locator('.search-results');
    await elsewhere.getByRole('link', { name: 'report-day1.txt' }).waitFor();
    await elsewhere.getByRole('link', { name: 'taxi-report.txt' }).waitFor();
    await page.getByText('Nothing in this folder is named like “report”.').waitFor();
    await snap(page, 'search');
    await page.getByRole('searchbox', { name: 'Search files' }).fill('');

    // Select two files: download both, then move one and delete the other.
    await page.getByRole('checkbox', { name: 'Select alpha.txt' }).check();
    await page.getByRole('checkbox', { name: 'Select bravo.txt' }).check();
    const bar = page.getByRole('region', { name: 'Selected items' });
    await bar.getByText('2 selected').waitFor();
    await snap(page, 'two-selected');
    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await bar.getByRole('button', { name: 'Download' }).click();
    await eventually(async () => downloads.length === 2, 10_000, 'two downloads');
    assert.deepEqual(downloads.sort(), ['alpha.txt', 'bravo.txt']);

    await page.getByRole('checkbox', { name: 'Select bravo.txt' }).uncheck();
    await bar.getByRole('button', { name: 'Move…' }).click();
    const move = page.getByRole('dialog');
    await move.getByRole('button', { name: 'Trip' }).click();
    await move.getByRole('button', { name: 'Move here' }).click();
    await eventually(async () => (await row(page, 'alpha.txt').count()) === 0, 5000, 'alpha moved');
    assert.equal((await aliceDav().send('GET', '/dav/files/alice/Inbox/Trip/alpha.txt')).status, 200);

    await page.getByRole('checkbox', { name: 'Select bravo.txt' }).check();
    await page.getByRole('checkbox', { name: 'Select charlie.txt' }).check();
    await bar.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByText('Delete 2 items?').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await eventually(async () => (await row(page, 'charlie.txt').count()) === 0, 5000, 'deleted');
    assert.equal(await row(page, 'bravo.txt').count(), 0);
    await snap(page, 'after-bulk-actions');
    await alice.context.close();
  });

  it('scrolls a folder of 5,000 files with only the rows in view in the page', async () => {
    const dir = path.join(a.dataDir, 'files', 'alice', 'Big');
    mkdirSync(dir);
    for (let i = 0; i < 5000; i++) writeFileSync(path.join(dir, `file-${String(i).padStart(4, '0')}.txt`), String(i));
    const alice = await newPerson(browser);
    const page = alice.page;
    await logIn(page, a.origin, 'alice', 'alice-password');
    await page.goto(`${a.origin}/#/files/Big`);
    await row(page, 'file-0000.txt').waitFor();
    const rendered = () => page.locator('[data-testid="file-row"]').count();
    assert.ok((await rendered()) < 80, `${await rendered()} rows in the page`);
    assert.equal(await page.locator('table.file-table').getAttribute('aria-rowcount'), '5001');

    // Keyboard: Down moves from a row's name to the next one's.
    await row(page, 'file-0000.txt').getByRole('button', { name: 'file-0000.txt', exact: true }).focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'file-0003.txt');

    // Scroll through the whole list frame by frame and measure the frames.
    const frames = (await page.evaluate(`new Promise((done) => {
      const times = []; let last = performance.now();
      const step = () => {
        const now = performance.now(); times.push(now - last); last = now;
        window.scrollBy(0, 600);
        if (window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2 || times.length > 2000) done(times);
        else requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    })`)) as number[];
    await row(page, 'file-4999.txt').waitFor();
    assert.ok((await rendered()) < 80, 'still only the rows in view');
    const sorted = [...frames].sort((x, y) => x - y);
    const p50 = sorted[Math.floor(sorted.length / 2)] as number;
    const p95 = sorted[Math.floor(sorted.length * 0.95)] as number;
    console.log(`      5,000 rows: ${frames.length} frames, median ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    await snap(page, 'five-thousand-bottom', { fullPage: false });
    await alice.context.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`fits a phone (${scheme}): one action menu per row, dates kept, no sideways scrolling`, async () => {
      const alice = await phonePerson(browser, scheme);
      const page = alice.page;
      await logIn(page, a.origin, 'alice', 'alice-password');
      await page.goto(`${a.origin}/#/files/Project%20X`);
      await row(page, 'photo.png').locator('img.file-thumb').waitFor();
      await noSidewaysScroll(page);
      // The date is kept (under the name), the size and date columns and the inline buttons are not shown.
      const meta = row(page, 'notes.txt').locator('.file-meta-phone');
      assert.match((await meta.innerText()).trim(), /\d+ B · [A-Z][a-z]{2} \d{1,2}, \d{4}/);
      assert.equal(await row(page, 'notes.txt').locator('td.file-modified').isVisible(), false);
      assert.equal(await row(page, 'notes.txt').getByRole('button', { name: 'Share notes.txt' }).isVisible(), false);
      assert.equal(
        await row(page, 'notes.txt')
          .getByRole('button')
          .filter({ hasText: /^(Download|Rename|Delete)$/ })
          .count(),
        0,
      );
      await snap(page, `phone-${scheme}-list`);
      assert.deepEqual(await seriousA11yViolations(page), [], `axe: the list (${scheme})`);

      await page.getByRole('button', { name: 'Actions for data.bin', exact: true }).click();
      const menu = page.getByRole('menu');
      const items = await menu.getByRole('menuitem').allInnerTexts();
      assert.deepEqual(items, ['Download', 'Details', 'Share', 'Rename', 'Delete']);
      const box = (await menu.boundingBox()) as { x: number; y: number; width: number; height: number };
      assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844, JSON.stringify(box));
      await snap(page, `phone-${scheme}-menu`);
      assert.deepEqual(await seriousA11yViolations(page), [], `axe: the open menu (${scheme})`);
      await page.keyboard.press('Escape');
      assert.equal(await menu.count(), 0);

      await rowAction(page, 'photo.png', 'Details');
      await page.getByRole('dialog').getByTestId('details-image').waitFor();
      await noSidewaysScroll(page);
      await snap(page, `phone-${scheme}-preview`);
      assert.deepEqual(await seriousA11yViolations(page), [], `axe: the details dialog (${scheme})`);
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).first().click();
      await rowAction(page, 'photo.png', 'Share');
      await page.getByRole('dialog').getByLabel('Share with').waitFor();
      await noSidewaysScroll(page);
      await snap(page, `phone-${scheme}-share`);
      await alice.context.close();
    });
  }
});
