import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { webStatic } from '../../scripts/web-static.ts';
import { defaultPlugins } from '../../scripts/plugin-list.ts';
import { loadPluginPackages } from '../../sdk/loader/plugin-packages.ts';
import { runtimeWebPlugins } from '../../sdk/loader/web-plugin-routes.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { ensureWebBuild } from '../harness/web-build.ts';
import { launchBrowser, logIn, newPerson, requireChromium, screenshots } from './browser-harness.ts';

describe('browser: a plugin enabled by MESHWORK_PLUGINS shows in the navigation', function () {
  this.timeout(120_000);
  let s: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-runtime-plugin');

  before(async function () {
    requireChromium(this);
    const fixtures = fileURLToPath(new URL('../fixtures/packages/', import.meta.url));
    const deck = fileURLToPath(new URL('../../packages/deck', import.meta.url));
    const loaded = await loadPluginPackages(`./todo-plugin,${deck}`, fixtures);
    s = await startTestServer({
      plugins: [...defaultPlugins(), ...loaded.plugins],
      fallback: [runtimeWebPlugins(loaded.web), ...webStatic({ distDir: await ensureWebBuild() })],
    });
    await s.user('alice', 'Alice Liddell');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.destroy();
  });

  it("loads the plugin's bundled web part, with the shell's SDK and Preact, as a page of the app", async () => {
    const { page } = await newPerson(browser);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await logIn(page, s.origin, 'alice', 'alice-password');
    await page.getByRole('link', { name: 'Todo' }).click();
    await page.getByRole('heading', { name: 'Todo lists', level: 1 }).waitFor();
    // useUser() came from the page's own shell context: the bridged SDK is the shell's instance.
    await page.getByText('Lists of Alice Liddell').waitFor();
    // The CSS its web part imports was bundled, linked and applied (todo.css).
    const style = await page.getByRole('heading', { name: 'Todo lists', level: 1 }).evaluate((h) => {
      const cs = (
        h.ownerDocument.defaultView as { getComputedStyle(e: unknown): Record<string, string> }
      ).getComputedStyle(h);
      return [cs.color, cs.letterSpacing];
    });
    assert.deepEqual(style, ['rgb(12, 96, 48)', '3px']);
    await snap(page, 'todo-page');
    assert.deepEqual(errors, []);
  });

  it('runs the Deck package: a board with stacks as columns, a card added with the page hooks', async () => {
    const { page } = await newPerson(browser);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await logIn(page, s.origin, 'alice', 'alice-password');
    await page.getByRole('link', { name: 'Deck' }).click();
    await page.getByRole('heading', { name: 'Deck', level: 1 }).waitFor();
    await page.getByLabel('Board title').fill('Launch');
    await page.getByRole('button', { name: 'New board' }).click();
    await page.getByRole('link', { name: 'Launch' }).click();
    await page.getByRole('heading', { name: 'Launch', level: 1 }).waitFor();
    await page.getByLabel('New card in To do').fill('Write the announcement');
    await page.getByRole('button', { name: 'Add card' }).first().click();
    await page.getByRole('region', { name: 'To do' }).getByText('Write the announcement').waitFor();
    await snap(page, 'deck-board');
    assert.deepEqual(errors, []);
  });
});
