/**
 * `MESHWORK_PLUGINS`: plugin packages enabled by configuration, without editing Meshwork. Each entry (comma-separated)
 * is an npm package name (found in `node_modules` from the working directory upwards) or a folder path. Its
 * package.json may name a server entry (`meshwork.server`, else `main`, else `index.ts`/`index.js`) whose default
 * export or `plugin` export is a plugin factory, and a web part (`meshwork.web`) whose default or `webPlugin` export
 * is a `WebPlugin`. Both are bundled by esbuild at start-up (the SDK and Preact bridged, see bridge.ts); the web part
 * is served by `runtimeWebPlugins` (with the CSS its modules import, bundled into one stylesheet) and shows in the
 * app's navigation. Any failure stops start-up, naming the entry.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as sdk from '../index.ts';
import { MeshworkError, type MeshworkPlugin } from '#core';
import { bridgePlugin, SERVER_BRIDGE, SERVER_SPECIFIERS, WEB_SPECIFIERS, WEB_BRIDGE } from './bridge.ts';

/** A plugin package that could not be found, built or loaded; the message names the entry. */
export class PluginLoadError extends MeshworkError {
  readonly entry: string;
  constructor(entry: string, message: string) {
    super('PLUGIN_LOAD_FAILED', `MESHWORK_PLUGINS: plugin "${entry}" ${message}`);
    this.entry = entry;
  }
}

/** A plugin package's browser part, bundled. */
export interface WebBundle {
  /** The plugin id (the server part's), which names the bundle's URL. */
  id: string;
  /** ES module text. */
  code: string;
  /** The CSS the web part imports, bundled into one stylesheet (none when it imports no CSS). */
  css?: string;
}

/** What `loadPluginPackages` found. */
export interface LoadedPackages {
  plugins: MeshworkPlugin[];
  web: WebBundle[];
}

interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  meshwork?: { server?: string; web?: string };
}

/** Splits the variable's value into entries. */
export function parsePluginList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function findPackageDir(entry: string, cwd: string): string | null {
  if (entry.startsWith('.') || path.isAbsolute(entry)) {
    const dir = path.resolve(cwd, entry);
    return existsSync(dir) ? dir : null;
  }
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', entry);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

function serverEntry(dir: string, pkg: PackageJson): string | null {
  const named = pkg.meshwork?.server ?? pkg.main;
  const candidates = named ? [named] : ['index.ts', 'index.js', 'src/index.ts'];
  for (const c of candidates) if (existsSync(path.join(dir, c))) return path.join(dir, c);
  return null;
}

let bundleDir: string | null = null;
let bundleCount = 0;

/** Makes the SDK available to bundled server parts (idempotent). */
export function installServerBridge(): void {
  const g = globalThis as Record<symbol, unknown>;
  const key = Symbol.for(SERVER_BRIDGE);
  if (!g[key]) g[key] = Object.fromEntries(SERVER_SPECIFIERS.map((s) => [s, sdk]));
}

async function bundleErrors(entry: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    const e = err as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> };
    const first = e.errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw new PluginLoadError(entry, `does not build: ${first ? first.text + where : (err as Error).message}`);
  }
}

async function loadServerPart(entry: string, file: string): Promise<MeshworkPlugin> {
  installServerBridge();
  bundleDir ??= path.join(tmpdir(), `meshwork-plugins-${process.pid}`);
  mkdirSync(bundleDir, { recursive: true });
  const outfile = path.join(bundleDir, `plugin-${++bundleCount}.mjs`);
  let code = '';
  await bundleErrors(entry, async () => {
    const { build } = await import('esbuild'); // only servers that name plugin packages load esbuild
    const out = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      // CommonJS dependencies of the plugin may `require` built-ins.
      banner: {
        js: "import { createRequire as __mwRequire } from 'node:module'; const require = __mwRequire(import.meta.url);",
      },
      plugins: [bridgePlugin(SERVER_BRIDGE, Object.fromEntries(SERVER_SPECIFIERS.map((s) => [s, s])))],
    });
    code = out.outputFiles[0]?.text ?? '';
  });
  writeFileSync(outfile, code);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
  } catch (err) {
    throw new PluginLoadError(entry, `fails when loaded: ${(err as Error).message}`);
  } finally {
    // Loaded (its source map is inline): the file is no longer needed.
    rmSync(outfile, { force: true });
  }
  const exported = mod.default ?? mod.plugin;
  if (exported === undefined) throw new PluginLoadError(entry, 'has neither a default export nor a `plugin` export');
  let plugin: unknown;
  try {
    plugin = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  } catch (err) {
    throw new PluginLoadError(entry, `failed in its plugin factory: ${(err as Error).message}`);
  }
  const p = plugin as MeshworkPlugin | null;
  if (!p || typeof p !== 'object' || typeof p.id !== 'string' || typeof p.setup !== 'function')
    throw new PluginLoadError(entry, 'did not give a plugin (an object with id, resourceTypes and setup)');
  return p;
}

/** Images a plugin's CSS refers to, inlined into the stylesheet (the page's CSP allows data: images, not fonts). */
const ASSET_LOADERS = Object.fromEntries(
  ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.svg'].map((x) => [x, 'dataurl' as const]),
);

async function buildWebPart(entry: string, file: string): Promise<Pick<WebBundle, 'code' | 'css'>> {
  let code = '';
  let css: string | undefined;
  await bundleErrors(entry, async () => {
    const { build } = await import('esbuild');
    const out = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      logLevel: 'silent',
      // CSS imports become a sibling stylesheet (`<entry>.css`); `outdir` only names the in-memory outputs.
      outdir: '/meshwork-web-part',
      entryNames: 'part',
      loader: { '.css': 'css', ...ASSET_LOADERS },
      plugins: [bridgePlugin(WEB_BRIDGE, WEB_SPECIFIERS)],
    });
    for (const f of out.outputFiles) {
      if (f.path.endsWith('.js')) code = f.text;
      else if (f.path.endsWith('.css') && f.text.trim()) css = f.text;
    }
  });
  return { code, css };
}

/** Finds, bundles and loads every entry of `MESHWORK_PLUGINS` (in order). */
export async function loadPluginPackages(value: string | undefined, cwd = process.cwd()): Promise<LoadedPackages> {
  const result: LoadedPackages = { plugins: [], web: [] };
  for (const entry of parsePluginList(value)) {
    const dir = findPackageDir(entry, cwd);
    if (!dir)
      throw new PluginLoadError(entry, `was not found (no such folder, nor a package in node_modules from ${cwd})`);
    let pkg: PackageJson = {};
    const pkgFile = path.join(dir, 'package.json');
    if (existsSync(pkgFile)) {
      try {
        pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as PackageJson;
      } catch (err) {
        throw new PluginLoadError(entry, `has an unreadable package.json: ${(err as Error).message}`);
      }
    }
    const file = serverEntry(dir, pkg);
    if (!file)
      throw new PluginLoadError(entry, `has no server entry (meshwork.server or main in package.json) in ${dir}`);
    const plugin = await loadServerPart(entry, file);
    if (plugin.version === undefined && pkg.version) plugin.version = pkg.version;
    result.plugins.push(plugin);
    if (pkg.meshwork?.web) {
      const webFile = path.join(dir, pkg.meshwork.web);
      if (!existsSync(webFile))
        throw new PluginLoadError(entry, `names a web part that does not exist: ${pkg.meshwork.web}`);
      const part = await buildWebPart(entry, webFile);
      result.web.push({ id: plugin.id, code: part.code, ...(part.css ? { css: part.css } : {}) });
    }
  }
  return result;
}
