/**
 * Web parts of plugins enabled by configuration (`MESHWORK_PLUGINS`), loaded at start from the server's
 * `/web-plugins/index.json`: each is an ES module bundled by the server, whose imports of `#web-sdk` and Preact
 * read this page's own modules from a global (one Preact instance, so hooks work). A part whose modules import CSS
 * comes with a stylesheet (`css` in the list): it is linked in the document's head, and loaded, before the part is
 * imported, so its page never renders unstyled. A part that fails to load is left out of the navigation and logged
 * (a stylesheet that fails is logged too, the part still shows); the built-in plugins (plugins.ts) always show.
 */
import * as preact from 'preact';
import * as hooks from 'preact/hooks';
import * as jsxRuntime from 'preact/jsx-runtime';
import * as webSdk from '../sdk/index.ts';
import type { WebPlugin } from './plugin-host.ts';

/** Must match sdk/loader/bridge.ts (WEB_BRIDGE and WEB_SPECIFIERS). */
const BRIDGE = Symbol.for('meshwork.web');

function isWebPlugin(v: unknown): v is WebPlugin {
  const p = v as WebPlugin | null;
  return !!p && typeof p.id === 'string' && typeof p.title === 'string' && typeof p.route === 'string';
}

/** Links a part's stylesheet once and resolves when it has loaded (or failed: then the part shows unstyled). */
function linkStylesheet(id: string, href: string): Promise<void> {
  const existing = document.querySelector(`link[data-plugin-css="${id}"]`);
  if (existing) return Promise.resolve();
  return new Promise((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.dataset.pluginCss = id;
    link.onload = () => resolve();
    link.onerror = () => {
      console.error(`plugin ${id}: its stylesheet failed to load`);
      resolve();
    };
    document.head.append(link);
  });
}

/** Loads the runtime plugins' web parts; an empty list when there are none or the server lists none. */
export async function loadRuntimePlugins(): Promise<WebPlugin[]> {
  (globalThis as Record<symbol, unknown>)[BRIDGE] = {
    '#web-sdk': webSdk,
    preact,
    'preact/hooks': hooks,
    'preact/jsx-runtime': jsxRuntime,
  };
  let list: Array<{ id: string; url: string; css?: string }> = [];
  try {
    const res = await fetch('/web-plugins/index.json');
    if (!res.ok) return [];
    list = ((await res.json()) as { plugins?: typeof list }).plugins ?? [];
  } catch {
    return [];
  }
  const loaded = await Promise.all(
    list.map(async ({ id, url, css }) => {
      try {
        if (css) await linkStylesheet(id, css);
        const mod = (await import(/* @vite-ignore */ url)) as { default?: unknown; webPlugin?: unknown };
        const part = mod.default ?? mod.webPlugin;
        if (isWebPlugin(part)) return part;
        console.error(`plugin ${id}: its web part exports no WebPlugin (default or webPlugin)`);
      } catch (err) {
        console.error(`plugin ${id}: its web part failed to load`, err);
      }
      return null;
    }),
  );
  return loaded.filter((p): p is WebPlugin => p !== null);
}
