// Quality bars of the web app (issue 12): every shell page, and the Files and Chat pages, at desktop and phone size
// in light and dark themes, pass axe-core with no serious or critical violation and never scroll sideways;
// a screenshot of each lands in test-artifacts/e2e-quality/ for a reviewer. Also: the shell's start-up JavaScript
// stays under budget, and plugin pages load on demand.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { filesPlugin } from '../../plugins/files/index.ts';
import { INITIAL_JS_BUDGET_GZIP } from '../../scripts/bundle-report.ts';
import { freePort, type TestServer } from '../harness/test-server.ts';
import {
  logIn,
  newPerson,
  overflowsSideways,
  screenshots,
  seriousA11yViolations,
  twoServersWithBrowser,
  type A11yViolation,
} from './browser-harness.ts';
import { gzipSync } from 'node:zlib';

interface Visit {
  name: string;
  /** Hash route of the app, or a full URL for a server-rendered page. */
  to: string;
  /** Something on the page that shows it is ready. */
  ready: (page: Page) => Promise<void>;
  /** Opens a dialog (or other state) to check as well, after the page itself. */
  then?: { name: string; open: (page: Page) => Promise<void> };
}

describe('browser: every page passes axe-core and fits the screen, light and dark, desktop and phone', function () {
  this.timeout(300_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  let alice: string;
  let bob: string;
  let roomId: string;
  let inviteLink: string;
  const snap = screenshots('e2e-quality');

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [filesPlugin(), chatPlugin({ sweepMs: 500 })]));
    alice = await a.user('alice', 'Alice Liddell');
    bob = await b.user('bob', 'Bob Marley');
    // Contacts: bob accepted one invite of alice's; another is still open.
    const first = (await a.api(alice, 'POST', '/api/v1/invites')).body;
    assert.equal(
      (await b.api(bob, 'POST', '/api/v1/invites/accept', { inviteString: first.inviteString })).status,
      201,
    );
    inviteLink = (await a.api(alice, 'POST', '/api/v1/invites')).body.inviteLink;
    // Files: a folder with a file, and a file at the top.
    const dav = (path: string, method: string, body?: string) =>
      fetch(`${a.origin}/dav/files/alice/${path}`, { method, headers: { authorization: `Bearer ${alice}` }, body });
    assert.equal((await dav('Projects', 'MKCOL')).status, 201);
    assert.equal((await dav('Projects/report.txt', 'PUT', 'quarterly numbers')).status, 201);
    assert.equal((await dav('notes.md', 'PUT', '# Notes')).status, 201);
    // Shares in every state the page shows: pending with bob, queued for a server that is down, ended.
    const share = (resourceType: string, resourceId: string, shareWith: string) =>
      a.api(alice, 'POST', '/api/v1/shares', { resourceType, resourceId, shareWith, permissions: ['read'] });
    assert.equal((await share('folder', '/Projects', `bob@${b.host}`)).status, 201);
    assert.equal((await share('file', '/notes.md', `carol@127.0.0.1:${await freePort()}`)).status, 202);
    const ended = await share('file', '/notes.md', `bob@${b.host}`);
    await a.api(alice, 'DELETE', `/api/v1/shares/outgoing/${ended.body.id}`);
    // Chat: a room with bob invited, and a few messages.
    const room = await a.api(alice, 'POST', '/api/v1/chat/rooms', {
      kind: 'group',
      name: 'Launch',
      topic: 'Friday release',
      members: [`bob@${b.host}`],
    });
    assert.equal(room.status, 201, JSON.stringify(room.body));
    roomId = room.body.room.id;
    for (const text of ['Morning! Is the **build** green?', 'Release notes are in Projects/report.txt'])
      assert.equal((await a.api(alice, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, { text })).status, 201);
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  const h1 = (text: string | RegExp) => (page: Page) => page.getByRole('heading', { level: 1, name: text }).waitFor();
  const visits = (): Visit[] => [
    {
      name: 'shares',
      to: '#/shares',
      ready: async (p) => {
        await p.getByTestId('outgoing-shares').locator('[data-share-name="Projects"]').waitFor();
        await p.getByTestId('outgoing-shares').getByText('Waiting for their server').waitFor();
      },
    },
    {
      name: 'contacts',
      to: '#/contacts',
      ready: (p) => p.getByTestId('contact-list').getByText(`bob@${b.host}`).waitFor(),
      then: {
        name: 'revoke-dialog',
        open: async (p) => {
          await p.getByTestId('open-invites').getByRole('button', { name: 'Revoke' }).first().click();
          await p.getByRole('dialog', { name: 'Revoke this invite?' }).waitFor();
        },
      },
    },
    {
      name: 'files',
      to: '#/files',
      ready: (p) => p.locator('[data-testid="file-row"][data-name="Projects"]').waitFor(),
    },
    {
      name: 'files-folder',
      to: '#/files/Projects',
      ready: (p) => p.locator('[data-testid="file-row"][data-name="report.txt"]').waitFor(),
    },
    {
      name: 'chat',
      to: '#/chat',
      ready: (p) => p.locator('[data-testid="room-link"][data-room-name="Launch"]').waitFor(),
      // On phones the room list is its own screen: "New room" lives there.
      then: {
        name: 'new-room-dialog',
        open: async (p) => {
          await p.getByRole('button', { name: 'New room' }).click();
          await p.getByRole('dialog').waitFor();
        },
      },
    },
    {
      name: 'chat-room',
      to: `#/chat/${roomId}`,
      ready: async (p) => {
        await h1('# Launch')(p);
        await p.getByTestId('message').nth(1).waitFor();
      },
    },
    { name: 'not-found', to: '#/nowhere', ready: h1('Page not found') },
    { name: 'invite-landing', to: inviteLink, ready: h1('Alice Liddell invited you to connect') },
    {
      name: 'invite-landing-error',
      to: `${inviteLink}&server=127.0.0.1:1`,
      ready: (p) =>
        p.getByRole('alert').filter({ hasText: 'No Meshwork or Open Cloud Mesh server answered' }).waitFor(),
    },
  ];

  for (const colorScheme of ['light', 'dark'] as const)
    for (const phone of [false, true]) {
      const size = phone ? 'phone' : 'desktop';
      it(`${colorScheme} theme, ${size}: no serious or critical axe violation, no sideways scrolling`, async () => {
        const problems: string[] = [];
        const check = async (page: Page, name: string) => {
          const violations: A11yViolation[] = await seriousA11yViolations(page);
          for (const v of violations)
            problems.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.targets.join(' | ')}`);
          if (await overflowsSideways(page)) problems.push(`${name}: the page scrolls sideways`);
          await snap(page, `${colorScheme}-${size}-${name}`);
        };
        const { context, page } = await newPerson(browser, { colorScheme, phone });
        await page.goto(`${a.origin}/`);
        await page.getByLabel('Username').waitFor();
        await check(page, 'login');
        await logIn(page, a.origin, 'alice', 'alice-password');
        for (const v of visits()) {
          if (v.to.startsWith('#')) await page.evaluate(`location.hash = ${JSON.stringify(v.to)}`);
          else await page.goto(v.to);
          await v.ready(page);
          await check(page, v.name);
          if (v.then) {
            await v.then.open(page);
            await check(page, `${v.name}-${v.then.name}`);
            await page.keyboard.press('Escape');
          }
          if (!v.to.startsWith('#')) await page.goto(`${a.origin}/#/shares`);
        }
        await context.close();
        assert.deepEqual(problems, []);
      });
    }

  it('room invitations read as invitations to join, for the invitee and for the owner', async () => {
    const bobView = await newPerson(browser);
    await logIn(bobView.page, b.origin, 'bob', 'bob-password');
    const invitation = bobView.page.getByTestId('pending-shares').locator('[data-share-name="Launch"]');
    await invitation.getByText('Invitation to join').waitFor();
    assert.doesNotMatch((await invitation.textContent()) ?? '', /Can view/);
    await snap(bobView.page, 'bob-room-invitation');
    const aliceView = await newPerson(browser);
    await logIn(aliceView.page, a.origin, 'alice', 'alice-password');
    const sent = aliceView.page.getByTestId('outgoing-shares').locator('[data-share-name="Launch"]');
    await sent.getByText('Invited to join').waitFor();
    await sent.getByRole('button', { name: /^Withdraw invitation/ }).waitFor();
    await Promise.all([bobView.context.close(), aliceView.context.close()]);
  });

  it('the shell starts with a small bundle and fetches plugin pages only when they are opened', async () => {
    const { context, page } = await newPerson(browser);
    const scripts: Array<{ url: string; gzip: number }> = [];
    page.on('response', async (res) => {
      if (res.request().resourceType() !== 'script') return;
      scripts.push({ url: res.url(), gzip: gzipSync(await res.body()).length });
    });
    await logIn(page, a.origin, 'alice', 'alice-password');
    await page.getByTestId('outgoing-shares').waitFor();
    // The initial JavaScript is what index.html names (the entry and its modulepreloaded static imports), as the
    // build report counts it; chunks that plugins' background parts fetch after start-up are not, whenever they land.
    const html = await (await fetch(`${a.origin}/`)).text();
    const named = new Set(
      [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map(
        (m) => new URL(m[1]!, a.origin).href,
      ),
    );
    assert.ok(named.size > 0, 'index.html names no script');
    const loaded = scripts.filter((s) => named.has(s.url));
    assert.equal(loaded.length, named.size, 'every script index.html names was loaded');
    const initial = loaded.reduce((n, s) => n + s.gzip, 0);
    assert.ok(initial <= INITIAL_JS_BUDGET_GZIP, `initial JavaScript is ${initial} bytes gzip`);
    assert.ok(!scripts.some((s) => /files-page|chat-page/.test(s.url)), 'a plugin page was loaded at start');
    await page.evaluate(`location.hash = '#/files'`);
    await page.locator('[data-testid="file-row"][data-name="Projects"]').waitFor();
    assert.ok(
      scripts.some((s) => /files-page/.test(s.url)),
      'the Files page came in its own chunk',
    );
    assert.ok(!scripts.some((s) => /chat-page/.test(s.url)), 'the Chat page was loaded before it was opened');
    console.log(`      initial JavaScript: ${(initial / 1024).toFixed(1)} kB gzip`);
    await context.close();
  });
});
