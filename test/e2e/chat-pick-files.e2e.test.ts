import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Browser, Download, Page } from 'playwright-core';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { createRoom, inviteAndAccept } from '../../plugins/chat/testing/chat-fixture.ts';
import { filesPlugin } from '../../plugins/files/index.ts';
import { eventually, type TestServer } from '../harness/test-server.ts';
import {
  logIn,
  newPerson,
  overflowsSideways,
  screenshots,
  seriousA11yViolations,
  twoServersWithBrowser,
} from './browser-harness.ts';

async function bytesOf(download: Download): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Posts a file into a room as its member would from the app (the attachment upload). */
async function attach(server: TestServer, token: string, roomId: string, name: string, text: string): Promise<void> {
  const res = await fetch(
    `${server.origin}/api/v1/chat/rooms/${roomId}/attachments?name=${encodeURIComponent(name)}&clientMsgId=${randomUUID()}`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: Buffer.from(text),
    },
  );
  assert.equal(res.status < 300, true, await res.text());
}

async function openRoom(page: Page, origin: string, user: string, room: string): Promise<void> {
  await logIn(page, origin, user, `${user}-password`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await page.locator(`[data-testid="room-link"][data-room-name="${room}"]`).click();
  await page.getByRole('heading', { name: `# ${room}`, level: 1 }).waitFor();
}

describe('browser: chat attachments from Files, and links to same-named attachment folders', function () {
  this.timeout(180_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  let bobToken: string;
  let roomOnB: string;
  const snap = screenshots('e2e-chat-pick-files');

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [
      filesPlugin(),
      chatPlugin({ sweepMs: 500, attachments: true }),
    ]));
    const aliceToken = await a.user('alice');
    const carolToken = await a.user('carol', 'Carol Danvers');
    bobToken = await b.user('bob');
    const room = (await createRoom(a, aliceToken, 'Team')).id;
    roomOnB = await inviteAndAccept(a, aliceToken, room, b, 'bob', bobToken);
    await inviteAndAccept(a, aliceToken, room, a, 'carol', carolToken);
    // Alice and carol each attach a file: each shares their own "Team (…)" folder with bob, under the same name.
    await attach(a, aliceToken, room, 'from-alice.txt', 'written by alice');
    await attach(a, carolToken, room, 'from-carol.txt', 'written by carol');
    await eventually(
      async () => {
        const r = await b.api(bobToken, 'GET', '/api/v1/files/shared-with-me');
        return (r.body as { items: unknown[] }).items.length === 2;
      },
      15_000,
      'both attachment folders in bob’s Shared with me',
    );
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  it('two same-named attachment folders: each chip downloads its own sender’s file', async () => {
    const listed = (await b.api(bobToken, 'GET', '/api/v1/files/shared-with-me')).body as {
      items: Array<{ name: string; shareName: string; owner: string }>;
    };
    // The clash: one share name, two entries.
    assert.equal(new Set(listed.items.map((i) => i.shareName)).size, 1);
    assert.equal(new Set(listed.items.map((i) => i.name)).size, 2);

    const { page } = await newPerson(browser);
    await openRoom(page, b.origin, 'bob', 'Team');
    for (const [name, text] of [
      ['from-carol.txt', 'written by carol'],
      ['from-alice.txt', 'written by alice'],
    ] as const) {
      const chip = page.getByTestId('attachment').filter({ hasText: name });
      const [download] = await Promise.all([page.waitForEvent('download'), chip.getByText(name).click()]);
      assert.equal(await bytesOf(download), text, `${name} is its sender’s file`);
    }
    await snap(page, 'bob-two-senders');
  });

  it('bob attaches from his Files and from Shared with me, desktop and phone, light and dark', async () => {
    const put = await fetch(`${b.origin}/dav/files/bob/plan.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${bobToken}` },
      body: 'the plan',
    });
    assert.ok(put.status < 300);

    for (const [tag, opts] of [
      ['desktop-light', {}],
      ['desktop-dark', { colorScheme: 'dark' as const }],
      ['phone-light', { phone: true }],
      ['phone-dark', { phone: true, colorScheme: 'dark' as const }],
    ] as const) {
      const { page } = await newPerson(browser, opts);
      await openRoom(page, b.origin, 'bob', 'Team');
      // The room's history is drawn (the first attachment is its oldest message) before counting.
      await page.getByTestId('attachment').filter({ hasText: 'from-alice.txt' }).waitFor();
      // A second pick of the same file is stored as "plan (2).txt" in bob's attachment folder.
      const chips = (base: string) =>
        page.getByTestId('attachment').filter({ hasText: new RegExp(`${base}( \\(\\d+\\))?\\.txt`) });
      const plans = await chips('plan').count();
      const carols = await chips('from-carol').count();
      await page.getByRole('button', { name: 'Attach a file' }).click();
      await page.getByRole('menu', { name: 'Attach a file' }).waitFor();
      await snap(page, `${tag}-attach-menu`);
      await page.getByRole('menuitem', { name: 'Pick from Files' }).click();
      const picker = page.getByRole('dialog', { name: 'Attach from Files' });
      await picker.getByRole('button', { name: 'Pick plan.txt' }).waitFor();
      await snap(page, `${tag}-picker`);
      assert.deepEqual(await seriousA11yViolations(page), [], 'axe: the file picker');
      assert.equal(await overflowsSideways(page), false);
      await picker.getByRole('button', { name: 'Pick plan.txt' }).click();
      await chips('plan').nth(plans).waitFor();

      // From Shared with me: carol's file, through the folder's second entry.
      await page.getByRole('button', { name: 'Attach a file' }).click();
      await page.getByRole('menuitem', { name: 'Pick from Files' }).click();
      await picker.getByRole('button', { name: 'Open folder Shared with me' }).click();
      // Two folders named alike: each says whose it is.
      await picker.getByRole('button', { name: /Team .* from Carol Danvers/ }).waitFor();
      // Alice's folder came first and keeps the plain name; carol's is the " (2)" entry.
      await picker.getByRole('button', { name: /^Open folder Team \(\w+\) \(2\) from Carol Danvers/ }).click();
      await picker.getByRole('button', { name: 'Pick from-carol.txt' }).waitFor();
      await snap(page, `${tag}-picker-shared`);
      await picker.getByRole('button', { name: 'Pick from-carol.txt' }).click();
      const chip = chips('from-carol').nth(carols);
      await chip.waitFor();
      // Bob's copy is his own file now: it downloads with carol's bytes.
      const [download] = await Promise.all([page.waitForEvent('download'), chip.getByRole('link').click()]);
      assert.equal(await bytesOf(download), 'written by carol');
      await snap(page, `${tag}-attached`);
      await page.context().close();
    }
    // Both picks were posted into the room as bob's attachments.
    const history = await b.api(bobToken, 'GET', `/api/v1/chat/rooms/${roomOnB}/history?limit=20`);
    const texts = JSON.stringify(history.body);
    assert.ok(texts.includes('plan.txt') && texts.includes('from-carol.txt'));
  });
});
