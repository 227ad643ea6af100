import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleServer } from '../server-bundle.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles a TypeScript entry the way `npm start` bundles the server (scripts/server-bundle.mjs: esbuild, npm
 * packages external) into `dist/bench/`, and returns the bundle's path. Bench servers run from such a bundle so that their
 * memory and CPU are what a user's server spends, not a TypeScript loader's (tsx keeps every transformed module and
 * its source map: about 120 MB more RSS per process).
 */
export function bundled(entry: string): string {
  const outfile = path.join(root, 'dist', 'bench', `${path.basename(entry, '.ts')}.mjs`);
  bundleServer(entry, outfile);
  return outfile;
}

/**
 * How `npm start` starts a server: the environment assignments and node flags of package.json's `start` script
 * (`[NAME=value …] node [flags …] scripts/start.mjs`), so that benchmark servers run with the same V8 and malloc
 * settings a user's server runs with.
 */
export function startCommand(): { env: Record<string, string>; nodeArgs: string[] } {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[i] as string); i++) {
    const [name, ...value] = (words[i] as string).split('=');
    env[name as string] = value.join('=');
  }
  if (words[i] !== 'node') throw new Error(`package.json "start" does not run node: ${pkg.scripts.start}`);
  const nodeArgs = words.slice(i + 1, words.length - 1);
  if (words.at(-1) !== 'scripts/start.mjs' || nodeArgs.some((a) => !a.startsWith('--')))
    throw new Error(`package.json "start" is not "[NAME=value …] node [--flags …] scripts/start.mjs"`);
  return { env, nodeArgs };
}
