/**
 * Plugin packages loaded at start-up (`MESHWORK_PLUGINS`) are bundled with esbuild; their imports of the SDK (and,
 * in a web part, of the shell's SDK and Preact) are not bundled but bridged to the running server's or page's own
 * modules through a global, so a plugin shares one copy of the core's classes (`instanceof MeshworkError`) and of
 * Preact (hooks need the shell's instance). Everything else the plugin imports is bundled with it.
 */
import type { Plugin } from 'esbuild';

/** The global a server part's bridged imports read (set by `installServerBridge`). */
export const SERVER_BRIDGE = 'meshwork.sdk';
/** The global a web part's bridged imports read (set by the shell's main.tsx before it loads runtime plugins). */
export const WEB_BRIDGE = 'meshwork.web';

/** Specifiers a server part may import the SDK by. */
export const SERVER_SPECIFIERS = ['#sdk', 'meshwork/sdk', '@meshwork/sdk'];
/** Specifiers a web part may import from the page: the shell's SDK and Preact. */
export const WEB_SPECIFIERS: Record<string, string> = {
  '#web-sdk': '#web-sdk',
  'meshwork/web-sdk': '#web-sdk',
  '@meshwork/web-sdk': '#web-sdk',
  preact: 'preact',
  'preact/hooks': 'preact/hooks',
  'preact/jsx-runtime': 'preact/jsx-runtime',
};

/**
 * An esbuild plugin turning each bridged specifier into a CommonJS module that is the global's entry: esbuild's
 * interop then reads named imports as properties, so no list of names is needed at build time.
 */
export function bridgePlugin(global: string, specifiers: Record<string, string>): Plugin {
  const names = Object.keys(specifiers);
  const filter = new RegExp(`^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
  return {
    name: 'meshwork-bridge',
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'meshwork-bridge' }));
      build.onLoad({ filter: /.*/, namespace: 'meshwork-bridge' }, (args) => {
        const key = JSON.stringify(specifiers[args.path]);
        const g = `globalThis[Symbol.for(${JSON.stringify(global)})]`;
        return {
          contents: `if (!${g} || !${g}[${key}]) throw new Error("Meshwork did not provide " + ${key});\nmodule.exports = ${g}[${key}];`,
          loader: 'js',
        };
      });
    },
  };
}
