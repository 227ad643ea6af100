import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { webStatic } from '../../scripts/web-static.ts';
import { defaultPlugins } from '../../scripts/plugin-list.ts';
import { loadPluginPackages } from '../../sdk/loader/plugin-packages.ts';
import { runtimeWebPlugins } from '../../sdk/loader/web-plugin-routes.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';
import { ensureWebBuild } from '../harness/web-build.ts';
import {
  launchBrowser,
  logIn,
  newPerson,
  overflowsSideways,
  requireChromium,
  screenshots,
  seriousA11yViolations,
} from './browser-harness.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Titles of the cards in a column, top to bottom, as the page shows them. */
async function column(page: Page, list: string): Promise<string[]> {
  return page.getByRole('region', { name: list }).locator('[data-card-id] > span:first-child').allTextContents();
}

describe('browser: Deck boards (plugin package) moved by two users on two servers', function () {
  this.timeout(180_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  let boardId = '';
  let aliceToken = '';
  const snap = screenshots('e2e-deck');

  before(async function () {
    requireChromium(this);
    const dist = await ensureWebBuild();
    const loaded = await loadPluginPackages('./packages/deck', root);
    const start = () =>
      startTestServer({
        plugins: [...defaultPlugins(), ...loaded.plugins],
        fallback: [runtimeWebPlugins(loaded.web), ...webStatic({ distDir: dist })],
      });
    [a, b] = await Promise.all([start(), start()]);
    const alice = await a.user('alice', 'Alice Liddell');
    aliceToken = alice;
    const bob = await b.user('bob', 'Bob Marley');
    // The board and its share through the API; the test is about the board page.
    const created = await a.api(alice, 'POST', '/api/v1/deck/boards', { title: 'Release 2.0' });
    boardId = (created.body as { id: string; lists: Array<{ id: string; title: string }> }).id;
    for (const t of ['Write notes', 'Fix login bug', 'Update docs'])
      await a.api(alice, 'POST', `/api/v1/deck/boards/${boardId}/actions`, {
        action: {
          type: 'card.create',
          cardId: crypto.randomUUID(),
          listId: (created.body as { lists: Array<{ id: string }> }).lists[0]!.id,
          title: t,
          position: { 'Write notes': 'F', 'Fix login bug': 'V', 'Update docs': 'k' }[t],
        },
      });
    const shared = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'deck-board',
      resourceId: boardId,
      shareWith: `bob@${b.host}`,
      permissions: ['read', 'write'],
    });
    assert.ok(shared.status < 300, JSON.stringify(shared.body));
    const incoming = await eventually(
      async () => ((await b.api(bob, 'GET', '/api/v1/shares/incoming')).body as Array<{ id: string }>)[0],
      10_000,
      'the share at bob',
    );
    await b.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`);
    await eventually(
      async () => (await b.api(bob, 'GET', `/api/v1/deck/boards/${boardId}`)).status === 200,
      10_000,
      'the mirror',
    );
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  it('alice drags a card to another list, bob moves one with the keyboard; both pages show the same board', async () => {
    const alice = (await newPerson(browser)).page;
    const bob = (await newPerson(browser, { colorScheme: 'dark' })).page;
    await logIn(alice, a.origin, 'alice', 'alice-password');
    await logIn(bob, b.origin, 'bob', 'bob-password');
    await alice.getByRole('link', { name: 'Deck' }).click();
    await alice.getByRole('link', { name: /Release 2.0/ }).click();
    await bob.getByRole('link', { name: 'Deck' }).click();
    await bob.getByRole('link', { name: /Release 2.0/ }).click();
    await alice.getByRole('heading', { name: 'Release 2.0', level: 1 }).waitFor();
    await bob.getByText('Fix login bug').waitFor();

    // Alice drags "Fix login bug" from To do into Doing with the mouse (pointer events).
    const card = alice.getByRole('button', { name: /Fix login bug/ });
    const target = alice.getByRole('region', { name: 'Doing' });
    const from = (await card.boundingBox())!;
    const to = (await target.boundingBox())!;
    await alice.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await alice.mouse.down();
    await alice.mouse.move(from.x + from.width / 2 + 20, from.y + 20, { steps: 4 });
    await alice.mouse.move(to.x + to.width / 2, to.y + 60, { steps: 8 });
    await alice.mouse.up();
    await eventually(async () => (await column(bob, 'Doing')).includes('Fix login bug'), 10_000, 'bob sees the drag');

    // Bob moves "Update docs" one list to the right with Alt+ArrowRight: it reaches alice through the host.
    await bob.getByRole('button', { name: /Update docs/ }).focus();
    await bob.keyboard.press('Alt+ArrowRight');
    await eventually(
      async () => (await column(alice, 'Doing')).length === 2 && (await column(bob, 'Doing')).length === 2,
      10_000,
      'both see two cards in Doing',
    );
    assert.deepEqual(await column(alice, 'Doing'), await column(bob, 'Doing'));
    assert.deepEqual(await column(alice, 'To do'), ['Write notes']);
    assert.deepEqual(await column(bob, 'To do'), ['Write notes']);

    await snap(alice, 'board-desktop-light');
    await snap(bob, 'board-desktop-dark');
    assert.deepEqual(await seriousA11yViolations(alice), []);
    assert.deepEqual(await seriousA11yViolations(bob), []);

    // Alice's share dialog (the SDK's): bob is listed, accepted, with his permission.
    await alice.getByRole('button', { name: 'Share', exact: true }).click();
    const sharing = alice.getByRole('dialog', { name: 'Share “Release 2.0”' });
    const bobRow = sharing.locator(`[data-testid="share-recipient"][data-share-with="bob@${b.host}"]`);
    await bobRow.getByText('Accepted').waitFor();
    await snap(alice, 'share-dialog-desktop-light');
    assert.deepEqual(await seriousA11yViolations(alice), []);
    await sharing.getByRole('button', { name: 'Close' }).first().click();

    // The card dialog: a label and a comment from bob show at alice.
    await bob.getByRole('button', { name: /Write notes/ }).click();
    const dialog = bob.getByRole('dialog');
    await dialog.getByLabel('Labels (comma-separated)').fill('docs, v2');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await alice.getByText('v2').waitFor();
    await bob.getByRole('button', { name: /Write notes/ }).click();
    await snap(bob, 'card-dialog-dark');
    assert.deepEqual(await seriousA11yViolations(bob), []);
  });

  it('on a phone the columns scroll sideways, one per screen, and the page itself does not', async () => {
    const { page } = await newPerson(browser, { phone: true });
    await logIn(page, b.origin, 'bob', 'bob-password');
    await page.goto(`${b.origin}/#/deck/${boardId}`);
    await page.getByRole('heading', { name: 'Release 2.0', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Doing' }).waitFor();
    const width = await page.getByRole('region', { name: 'To do' }).evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(width > 390 * 0.7, `a column fills most of the screen (${width}px)`);
    assert.equal(await overflowsSideways(page), false);
    await snap(page, 'board-phone');
    assert.deepEqual(await seriousA11yViolations(page), []);
  });

  it('alice attaches a file from her Files to a card and bob opens it on his server; lists are renamed and deleted', async () => {
    // A file in alice's Files (through WebDAV, as a desktop client would put it there).
    await fetch(`${a.origin}/dav/files/alice/Reports/`, {
      method: 'MKCOL',
      headers: { authorization: `Bearer ${aliceToken}` },
    });
    const put = await fetch(`${a.origin}/dav/files/alice/Reports/q3-summary.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${aliceToken}` },
      body: 'Q3: all targets met.',
    });
    assert.ok(put.status < 300, `PUT ${put.status}`);
    const alice = (await newPerson(browser)).page;
    const bob = (await newPerson(browser, { colorScheme: 'dark' })).page;
    await logIn(alice, a.origin, 'alice', 'alice-password');
    await logIn(bob, b.origin, 'bob', 'bob-password');
    await alice.goto(`${a.origin}/#/deck/${boardId}`);
    await bob.goto(`${b.origin}/#/deck/${boardId}`);
    await alice.getByRole('button', { name: /Write notes/ }).click();
    const card = alice.getByRole('dialog', { name: /Write notes/ });
    await card.getByRole('button', { name: 'Attach from Files' }).click();
    const picker = alice.getByRole('dialog', { name: 'Attach a file from Files' });
    await picker.getByRole('button', { name: /Reports/ }).click();
    await picker.getByRole('button', { name: /q3-summary\.txt/ }).waitFor();
    await snap(alice, 'file-picker-desktop-light');
    assert.deepEqual(await seriousA11yViolations(alice), []);
    // Keyboard: the file is a button in the list.
    await picker.getByRole('button', { name: /q3-summary\.txt/ }).focus();
    await alice.keyboard.press('Enter');
    await card.locator('[data-attachment="q3-summary.txt"]').waitFor();
    await snap(alice, 'card-attachments-desktop-light');
    assert.deepEqual(await seriousA11yViolations(alice), []);
    await card.getByRole('button', { name: 'Close' }).click();

    // Bob (server B) opens the card and downloads the file through his own server.
    await bob.getByRole('button', { name: /Write notes/ }).click();
    const bobCard = bob.getByRole('dialog', { name: /Write notes/ });
    const link = bobCard.getByRole('link', { name: /q3-summary\.txt/ });
    await link.waitFor();
    await snap(bob, 'card-attachments-desktop-dark');
    const text = await eventually(
      async () => {
        const [download] = await Promise.all([
          bob.waitForEvent('download', { timeout: 3000 }).catch(() => null),
          link.click(),
        ]);
        if (!download) return null;
        return readFileSync((await download.path())!, 'utf8');
      },
      15_000,
      'bob downloads the attachment',
    );
    assert.equal(text, 'Q3: all targets met.');
    await bobCard.getByRole('button', { name: 'Close' }).click();

    // Lists: alice renames "Done" with the keyboard; bob sees it.
    await alice.getByRole('button', { name: 'Rename list Done' }).focus();
    await alice.keyboard.press('Enter');
    const rename = alice.getByLabel('New name of the list Done');
    await rename.fill('Shipped');
    await alice.keyboard.press('Enter');
    await bob.getByRole('region', { name: 'Shipped' }).waitFor();
    // Escape cancels a rename.
    await alice.getByRole('button', { name: 'Rename list Shipped' }).click();
    await alice.getByLabel('New name of the list Shipped').fill('Nope');
    await alice.keyboard.press('Escape');
    await alice.getByRole('button', { name: 'Rename list Shipped' }).waitFor();
    // A new list from the inline form, deleted at once (it is empty).
    await alice.getByLabel('Name of a new list').fill('Later');
    await alice.keyboard.press('Enter');
    await bob.getByRole('region', { name: 'Later' }).waitFor();
    await alice.getByRole('button', { name: 'Delete list Later' }).focus();
    await alice.keyboard.press('Enter');
    await bob.getByRole('region', { name: 'Later' }).waitFor({ state: 'detached' });
    // The deleted list's buttons are gone: keyboard focus moved on to the new-list field.
    await eventually(
      async () => (await alice.evaluate('document.activeElement.getAttribute("aria-label")')) === 'Name of a new list',
      10_000,
      'focus on the new-list field',
    );
    // "Doing" holds cards: deleting it asks first; Cancel keeps it, Delete removes it everywhere.
    await alice.getByRole('button', { name: 'Delete list Doing' }).click();
    const confirm = alice.getByRole('dialog', { name: /Delete the list “Doing”/ });
    await confirm.getByText(/holds 2 cards/).waitFor();
    await snap(alice, 'delete-list-confirm-desktop-light');
    assert.deepEqual(await seriousA11yViolations(alice), []);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await alice.getByRole('region', { name: 'Doing' }).count(), 1);
    await alice.getByRole('button', { name: 'Delete list Doing' }).click();
    await confirm.getByRole('button', { name: /Delete list and 2 cards/ }).click();
    await bob.getByRole('region', { name: 'Doing' }).waitFor({ state: 'detached' });
    await alice.getByRole('region', { name: 'Doing' }).waitFor({ state: 'detached' });
    await snap(alice, 'lists-edited-desktop-light');
    await snap(bob, 'lists-edited-desktop-dark');
    assert.deepEqual(await seriousA11yViolations(bob), []);
  });

  it('on a phone the card dialog shows attachments and the file picker fits, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page } = await newPerson(browser, { phone: true, colorScheme });
      await logIn(page, a.origin, 'alice', 'alice-password');
      await page.goto(`${a.origin}/#/deck/${boardId}`);
      await page.getByRole('button', { name: /Write notes/ }).click();
      const card = page.getByRole('dialog', { name: /Write notes/ });
      await card.locator('[data-attachment="q3-summary.txt"]').waitFor();
      await card.getByRole('button', { name: 'Attach from Files' }).scrollIntoViewIfNeeded();
      await snap(page, `card-attachments-phone-${colorScheme}`);
      assert.deepEqual(await seriousA11yViolations(page), []);
      await card.getByRole('button', { name: 'Attach from Files' }).click();
      const picker = page.getByRole('dialog', { name: 'Attach a file from Files' });
      await picker.getByRole('button', { name: /Reports/ }).waitFor();
      await snap(page, `file-picker-phone-${colorScheme}`);
      assert.equal(await overflowsSideways(page), false);
      assert.deepEqual(await seriousA11yViolations(page), []);
      await page.context().close();
    }
  });
});
