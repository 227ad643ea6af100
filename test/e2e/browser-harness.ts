import type { MeshworkPlugin } from '#core';
import { webStatic } from '../../scripts/web-static.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { ensureWebBuild } from '../harness/web-build.ts';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/**
 * Starts headless chromium; playwright gives every launch a fresh temporary profile (user-data-dir). `extraArgs`
 * add flags (the call tests' fake camera and microphone).
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  // headless:false stops playwright adding its own --headless; ours (new headless) is in ARGS.
  return chromium.launch({ executablePath: CHROMIUM, headless: false, args: [...ARGS, ...extraArgs], timeout: 30_000 });
}

/** The two screen sizes every page is checked at: a laptop and a common phone (CSS pixels). */
export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** How a person's browser looks: screen size, light or dark theme, touch phone or not. */
export interface PersonOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  phone?: boolean;
}

/** An isolated browser context (own storage, like a separate person) with downloads allowed. */
export async function newPerson(
  browser: Browser,
  opts: PersonOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: opts.viewport ?? (opts.phone ? PHONE : DESKTOP),
    locale: 'en-US',
    colorScheme: opts.colorScheme ?? 'light',
    ...(opts.phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  // Surface browser-side errors in the test output: they explain most UI failures.
  page.on('pageerror', (err) => console.error(`      [browser error] ${err.message}`));
  return { context, page };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe-core rule broken on a page, with the elements that break it. */
export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.x A/AA and best practices) on the page as it is now and returns its serious and critical
 * violations. axe is evaluated through the DevTools protocol, so the app's CSP (no inline scripts) stays on.
 */
export async function seriousA11yViolations(page: Page): Promise<A11yViolation[]> {
  await page.evaluate(axeSource);
  // The callback runs in the page (no DOM types on this side): `globalThis` there is the window.
  const result = await page.evaluate(async () => {
    const win = globalThis as any;
    const r = await win.axe.run(win.document, { resultTypes: ['violations'] });
    return (r.violations as any[]).map((v) => ({
      id: v.id as string,
      impact: (v.impact ?? '') as string,
      help: v.help as string,
      targets: (v.nodes as any[]).slice(0, 5).map((n) => (n.target as string[]).join(' ')),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Whether the page scrolls sideways at its current width (content wider than the screen). */
export async function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const win = globalThis as any;
    return win.document.documentElement.scrollWidth > win.innerWidth + 1;
  });
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
    if (opts.fullPage === false) return void (await page.screenshot({ path: file }));
    const viewport = page.viewportSize();
    if (!viewport || viewport.width > 760) return void (await page.screenshot({ path: file, fullPage: true }));
    // Phones: a full-page capture would paint the fixed bottom bar mid-page, so the viewport is made as tall as
    // the page for the shot (like a very tall phone), then restored.
    const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
    await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height) });
    await page.screenshot({ path: file });
    await page.setViewportSize(viewport);
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
