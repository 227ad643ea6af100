// The shell's own flows (issue 12), at desktop and phone size: contacts added by address, invites listed, revoked
// and gone once used, the shares page listing a share to a server that is down at once, and clearing ended rows.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { filesPlugin } from '../../plugins/files/index.ts';
import { freePort, type TestServer } from '../harness/test-server.ts';
import { logIn, newPerson, screenshots, twoServersWithBrowser } from './browser-harness.ts';

describe('browser: contacts, invites and the shares list, on desktop and phone', function () {
  this.timeout(180_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  let alice: string;
  let bob: string;
  const snap = screenshots('e2e-shell');

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [filesPlugin()]));
    alice = await a.user('alice', 'Alice Liddell');
    bob = await b.user('bob', 'Bob Marley');
    const put = await fetch(`${a.origin}/dav/files/alice/plan.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${alice}` },
      body: 'the plan',
    });
    assert.equal(put.status, 201);
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  const goTo = (page: Page, name: 'Shares' | 'Contacts') =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

  for (const phone of [false, true]) {
    const size = phone ? 'phone' : 'desktop';

    it(`${size}: adds a contact by address with plain-words errors; lists, revokes and drops used invites live`, async () => {
      const carol = `carol-${size}`;
      await b.user(carol, `Carol ${size}`);
      const { context, page } = await newPerson(browser, { phone });
      await logIn(page, a.origin, 'alice', 'alice-password');
      // The header says what its copy button copies.
      const copy = phone
        ? page.getByRole('button', { name: `alice@${a.host} (copy your address)` })
        : page.getByRole('button', { name: 'Copy address', exact: true });
      await copy.waitFor();
      // This server runs files only: the navigation offers no page of a plugin it does not run.
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Files' }).waitFor();
      for (const absent of ['Chat', 'Calendar', 'Calls'])
        assert.equal(await nav.getByRole('link', { name: absent }).count(), 0, `${absent} in the navigation`);
      // Keyboard users: the first Tab offers to skip the bars; opening a page puts focus at its start.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
      await goTo(page, 'Contacts');
      await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
      await page.waitForFunction('document.activeElement && document.activeElement.id === "main"');

      const address = page.getByLabel('Address', { exact: true });
      await address.fill('not an address');
      await page.getByRole('button', { name: 'Add contact' }).click();
      await page.getByRole('alert').filter({ hasText: 'Enter an address like name@cloud.example.org.' }).waitFor();
      await address.fill(`dave@${a.host}`);
      await page.getByRole('button', { name: 'Add contact' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: `dave@${a.host} is on this server` })
        .waitFor();
      await snap(page, `${size}-contact-error`);
      await address.fill(`${carol}@${b.host}`);
      await page.getByLabel('Name (optional)').fill(`Carol ${size}`);
      await page.getByRole('button', { name: 'Add contact' }).click();
      await page.getByTestId('contact-list').getByText(`${carol}@${b.host}`).waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: `Carol ${size} (${carol}@${b.host}) is now one of your contacts.` })
        .waitFor();

      // An invite string cut short is explained, not reported as base64 trouble.
      await page.getByLabel('Invite string', { exact: true }).fill('%%% not an invite');
      await page.getByRole('button', { name: 'Accept invite' }).click();
      await page.getByRole('alert').filter({ hasText: 'That is not a whole invite string.' }).waitFor();

      // Two invites: one is revoked here, the other accepted by bob elsewhere; both leave the list without a reload.
      await page.getByRole('button', { name: 'Create invite' }).click();
      const link = await page.getByLabel('Your invite link').inputValue();
      await page.getByRole('button', { name: 'Create another invite' }).click();
      const open = page.getByTestId('open-invites');
      await open.getByRole('heading', { name: 'Open invites (2)' }).waitFor();
      await snap(page, `${size}-two-open-invites`);
      await open.getByRole('button', { name: 'Revoke' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Revoke this invite?' });
      await snap(page, `${size}-revoke-dialog`);
      await dialog.getByRole('button', { name: 'Revoke invite' }).click();
      await open.getByRole('heading', { name: 'Open invites (1)' }).waitFor();
      const remaining = (await a.api(alice, 'GET', '/api/v1/invites')).body;
      assert.equal(remaining.length, 1);
      assert.equal(remaining[0].inviteLink, link, 'the newest invite was revoked, the first one is left');
      const accepted = await b.api(bob, 'POST', '/api/v1/invites/accept', { inviteString: remaining[0].inviteString });
      assert.equal(accepted.status, 201);
      await open.waitFor({ state: 'detached' });
      await page.getByTestId('contact-list').getByText(`bob@${b.host}`).waitFor();
      await snap(page, `${size}-invite-used`);
      // Clean up for the other screen size: alice and bob are contacts now on both runs.
      await a.api(
        alice,
        'DELETE',
        `/api/v1/contacts/${(await a.api(alice, 'GET', '/api/v1/contacts')).body.find((c: any) => c.address === `bob@${b.host}`).id}`,
      );
      await context.close();
    });

    it(`${size}: a share to a server that is down appears at once; ended shares are never "nothing shared" and can be cleared`, async () => {
      await a.api(alice, 'POST', '/api/v1/shares/outgoing/clear', {});
      const { context, page } = await newPerson(browser, { phone });
      await logIn(page, a.origin, 'alice', 'alice-password');
      const outgoing = page.getByTestId('outgoing-shares');
      await outgoing.getByText('You have not shared anything yet.').waitFor();

      // Shared from elsewhere (another tab, the API): the row arrives over the socket, with its state.
      const down = `zoe@127.0.0.1:${await freePort()}`;
      const created = await a.api(alice, 'POST', '/api/v1/shares', {
        resourceType: 'file',
        resourceId: '/plan.txt',
        shareWith: down,
      });
      assert.equal(created.status, 202);
      const row = outgoing.locator('[data-share-name="plan.txt"]');
      await row.getByText('Waiting for their server').waitFor();
      await row.getByText('Meshwork keeps trying').waitFor();
      await snap(page, `${size}-share-waiting`);

      await row.getByRole('button', { name: /^Unshare/ }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Unshare' }).click();
      await outgoing.getByText('Nothing is shared right now. 1 ended share is hidden.').waitFor();
      assert.equal(await outgoing.getByText('You have not shared anything yet.').count(), 0);
      await snap(page, `${size}-ended-hidden`);
      await outgoing.getByRole('button', { name: 'Show it' }).click();
      await row.getByText('Ended').waitFor();
      await row.getByRole('button', { name: /^Clear/ }).click();
      await outgoing.getByText('You have not shared anything yet.').waitFor();
      const left = (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body;
      assert.equal(
        left.some((s: any) => s.id === created.body.id),
        false,
        'the cleared share is gone on the server too',
      );
      await snap(page, `${size}-cleared`);
      await context.close();
    });
  }

  it('a share announced while the list is being fetched stays listed when the older answer arrives', async () => {
    await a.api(alice, 'POST', '/api/v1/shares/outgoing/clear', {});
    const { context, page } = await newPerson(browser);
    // The list is fetched at start and again when the socket connects. Hold the second answer (a snapshot taken
    // before the share exists) until the share has been announced over the socket, then deliver it.
    let fetches = 0;
    let held: () => void = () => {};
    const release = new Promise<void>((resolve) => (held = resolve));
    let snapshotTaken: () => void = () => {};
    const taken = new Promise<void>((resolve) => (snapshotTaken = resolve));
    await page.route('**/api/v1/shares/outgoing', async (route) => {
      if (++fetches !== 2) return route.continue();
      const response = await route.fetch();
      snapshotTaken();
      await release;
      await route.fulfill({ response });
    });
    await logIn(page, a.origin, 'alice', 'alice-password');
    await taken;
    const created = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'file',
      resourceId: '/plan.txt',
      shareWith: `yan@127.0.0.1:${await freePort()}`,
    });
    assert.equal(created.status, 202);
    const row = page.getByTestId('outgoing-shares').locator('[data-share-name="plan.txt"]');
    await row.waitFor();
    const delivered = page.waitForEvent('requestfinished', (r) => r.url().endsWith('/api/v1/shares/outgoing'));
    held();
    await delivered;
    // Nothing announces that the app has applied the older answer: watch the row for half a second after it.
    for (const until = Date.now() + 500; Date.now() < until;)
      assert.equal(await row.count(), 1, 'the share vanished when the older list arrived');
    await row.getByText('Waiting for their server').waitFor();
    await context.close();
  });

  it('a long address book renders only the rows in view and still reaches its last contact', async () => {
    const n = 400;
    for (let i = 0; i < n; i += 25)
      await Promise.all(
        Array.from({ length: Math.min(25, n - i) }, (_, k) =>
          a.api(alice, 'POST', '/api/v1/contacts', {
            address: `person${String(i + k).padStart(3, '0')}@${b.host}`,
            displayName: `Person ${i + k}`,
          }),
        ),
      );
    const all = (await a.api(alice, 'GET', '/api/v1/contacts')).body as Array<{ address: string }>;
    assert.ok(all.length >= n);
    // The address book is sorted by name, numbers in numeric order: "Person 399" comes last.
    const lastAddress = `person399@${b.host}`;
    for (const phone of [false, true]) {
      const { context, page } = await newPerson(browser, { phone });
      await logIn(page, a.origin, 'alice', 'alice-password');
      await goTo(page, 'Contacts');
      const list = page.getByRole('list', { name: 'Your contacts' });
      await list.getByRole('listitem').first().waitFor();
      const rendered = await list.getByRole('listitem').count();
      assert.ok(rendered < 40, `${rendered} of ${all.length} rows rendered`);
      assert.equal(await list.getByRole('listitem').first().getAttribute('aria-setsize'), String(all.length));
      await list.evaluate((el: any) => void (el.scrollTop = el.scrollHeight));
      await list.getByText(lastAddress).waitFor();
      assert.equal(
        await list.locator(`[aria-posinset="${all.length}"]`).count(),
        1,
        'the last row says it is the last',
      );
      await snap(page, `${phone ? 'phone' : 'desktop'}-long-contact-list`);
      await context.close();
    }
  });
});
