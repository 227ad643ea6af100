import type { MeshworkPlugin } from '#core';
import { webStatic } from '../../scripts/web-static.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { ensureWebBuild } from '../harness/web-build.ts';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); MESHWORK_CHROMIUM overrides it. */
export const CHROMIUM = process.env.MESHWORK_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Skips the suite when chromium is missing (with the reason), but fails on CI where it must be installed. */
export function requireChromium(ctx: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  const reason = `chromium not found at ${CHROMIUM} (apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`      skipped: ${reason}`);
  ctx.skip();
}

/** Starts headless chromium; playwright gives every launch a fresh temporary profile (user-data-dir). */
export async function launchBrowser(): Promise<Browser> {
  // headless:false stops playwright adding its own --headless; ours (new headless) is in ARGS.
  return chromium.launch({ executablePath: CHROMIUM, headless: false, args: ARGS, timeout: 30_000 });
}

/** An isolated browser context (own storage, like a separate person) with downloads allowed. */
export async function newPerson(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  // Surface browser-side errors in the test output: they explain most UI failures.
  page.on('pageerror', (err) => console.error(`      [browser error] ${err.message}`));
  return { context, page };
}

/** Saves numbered screenshots under test-artifacts/<suite>/ (emptied first, so they all belong to this run). */
export function screenshots(suite: string): (page: Page, name: string, opts?: { fullPage?: boolean }) => Promise<void> {
  const dir = path.join(root, 'test-artifacts', suite);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  // fullPage: false for pages taller than a screenshot can hold (a list of thousands of rows).
  return async (page, name, opts = {}) => {
    n++;
    const file = path.join(dir, `${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  };
}

/** Logs in through the login form of the server at `origin`. */
export async function logIn(page: Page, origin: string, user: string, password: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Two servers serving the built web app, alice on the first and bob on the second, and one browser. */
export async function twoServersWithBrowser(
  ctx: Mocha.Context,
  plugins?: MeshworkPlugin[],
): Promise<{ a: TestServer; b: TestServer; browser: Browser }> {
  requireChromium(ctx);
  const dist = await ensureWebBuild();
  const start = () => startTestServer({ ...(plugins ? { plugins } : {}), fallback: webStatic({ distDir: dist }) });
  const [a, b] = await Promise.all([start(), start()]);
  await a.user('alice', 'Alice Liddell');
  await b.user('bob', 'Bob Marley');
  return { a, b, browser: await launchBrowser() };
}
