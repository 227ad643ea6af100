/**
 * A Vite plugin for `npm run build:web` that reports what the browser downloads before the app can show anything:
 * the entry chunk plus every chunk it imports statically (and their CSS), gzipped, against a budget; and the chunks
 * loaded on demand (plugin pages). Written here because Vite prints per-file sizes only, not the initial set.
 */
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Gzipped bytes of initial JavaScript the shell may load before it is considered too heavy. */
export const INITIAL_JS_BUDGET_GZIP = 45 * 1024;

interface ChunkLike {
  type: 'chunk' | 'asset';
  fileName: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  code?: string;
  source?: string | Uint8Array;
  viteMetadata?: { importedCss: Set<string> };
}

const gz = (data: string | Uint8Array) => gzipSync(data).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

/** The initial and on-demand sizes of a built bundle (gzip bytes). */
export function measureBundle(bundle: Record<string, ChunkLike>): {
  initialJs: number;
  initialCss: number;
  initialFiles: string[];
  onDemand: Array<{ file: string; gzip: number }>;
} {
  const chunks = Object.values(bundle);
  const initial = new Set<string>();
  const visit = (name: string) => {
    if (initial.has(name)) return;
    initial.add(name);
    for (const dep of bundle[name]?.imports ?? []) visit(dep);
  };
  for (const c of chunks) if (c.type === 'chunk' && c.isEntry) visit(c.fileName);
  let initialJs = 0;
  let initialCss = 0;
  const css = new Set<string>();
  for (const name of initial) {
    const c = bundle[name];
    if (!c?.code) continue;
    initialJs += gz(c.code);
    for (const f of c.viteMetadata?.importedCss ?? []) css.add(f);
  }
  for (const f of css) {
    const source = bundle[f]?.source;
    if (source) initialCss += gz(source);
  }
  const onDemand = chunks
    .filter((c) => c.type === 'chunk' && !initial.has(c.fileName) && c.code)
    .map((c) => ({ file: c.fileName, gzip: gz(c.code as string) }));
  return { initialJs, initialCss, initialFiles: [...initial, ...css], onDemand };
}

/** Prints the initial JavaScript (gzip) after each build, and warns when it passes the budget. */
export function bundleReport(): Plugin {
  return {
    name: 'meshwork-bundle-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      const m = measureBundle(bundle as unknown as Record<string, ChunkLike>);
      const lines = [
        `initial JavaScript: ${kb(m.initialJs)} gzip (budget ${kb(INITIAL_JS_BUDGET_GZIP)}), initial CSS: ${kb(m.initialCss)} gzip`,
        ...m.onDemand.map((c) => `  on demand: ${c.file} ${kb(c.gzip)} gzip`),
      ];
      console.log(`\n${lines.join('\n')}`);
      if (m.initialJs > INITIAL_JS_BUDGET_GZIP)
        this.warn(`initial JavaScript ${kb(m.initialJs)} gzip is over the ${kb(INITIAL_JS_BUDGET_GZIP)} budget`);
    },
  };
}
