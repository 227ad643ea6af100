import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { contactsPlugin } from '../../plugins/contacts/index.ts';
import { card4 } from '../../plugins/contacts/testing/vcf.ts';
import { filesPlugin } from '../../plugins/files/index.ts';
import { webStatic } from '../../scripts/web-static.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { ensureWebBuild } from '../harness/web-build.ts';
import { launchBrowser, logIn, newPerson, requireChromium, screenshots } from './browser-harness.ts';

describe('browser: the share dialog suggests people by name from contacts and address books', function () {
  this.timeout(120_000);
  let s: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-people-picker');

  before(async function () {
    requireChromium(this);
    const dist = await ensureWebBuild();
    s = await startTestServer({ plugins: [filesPlugin(), contactsPlugin()], fallback: webStatic({ distDir: dist }) });
    const token = await s.user('alice', 'Alice Liddell');
    const added = await s.api(token, 'POST', '/api/v1/contacts', {
      address: 'bob@cloud.example.org',
      displayName: 'Bob Builder',
    });
    assert.equal(added.status, 201);
    const put = await davClient(s.origin, basicFor('alice')).send('PUT', '/dav/addressbooks/alice/contacts/carol.vcf', {
      body: card4('carol', 'Carol Chen', 'CLOUD:carol@other.example.net'),
      headers: { 'content-type': 'text/vcard' },
    });
    assert.equal(put.status, 201);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.destroy();
  });

  it('typing "bo" suggests Bob; typing part of a card\'s name suggests its CLOUD address', async () => {
    const alice = await newPerson(browser);
    await logIn(alice.page, s.origin, 'alice', 'alice-password');
    await alice.page.goto(`${s.origin}/#/files`);
    await alice.page.getByRole('button', { name: 'New folder' }).click();
    await alice.page.getByLabel('Folder name').fill('Team');
    await alice.page.getByRole('button', { name: 'Create' }).click();
    await alice.page.getByRole('link', { name: 'Team' }).waitFor();
    await alice.page.getByRole('button', { name: 'Share Team' }).click();
    const dialog = alice.page.getByRole('dialog');
    const field = dialog.getByLabel('Share with');
    await field.fill('bo');
    const bob = dialog.getByRole('option', { name: /Bob Builder/ });
    await bob.waitFor();
    assert.match((await bob.textContent()) ?? '', /bob@cloud\.example\.org/);
    await snap(alice.page, 'suggests-bob');
    await bob.click();
    assert.equal(await field.inputValue(), 'bob@cloud.example.org');

    await field.fill('chen');
    await dialog.getByRole('option', { name: /Carol Chen/ }).waitFor();
    await field.press('ArrowDown');
    await field.press('Enter');
    assert.equal(await field.inputValue(), 'carol@other.example.net');
    assert.equal(await dialog.getByRole('option').count(), 0, 'the list closes after a pick');
  });
});
