import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles a TypeScript entry the way `npm start` bundles the server (scripts/start.mjs: esbuild, npm packages
 * external) into `dist/bench/`, and returns the bundle's path. Bench servers run from such a bundle so that their
 * memory and CPU are what a user's server spends, not a TypeScript loader's (tsx keeps every transformed module and
 * its source map: about 120 MB more RSS per process).
 */
export function bundled(entry: string): string {
  const outfile = path.join(root, 'dist', 'bench', `${path.basename(entry, '.ts')}.mjs`);
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    keepNames: true,
    logLevel: 'warning',
  });
  return outfile;
}
