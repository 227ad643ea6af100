// How a server is bundled: by `npm start` (scripts/start.mjs) and by the benchmarks that measure what it spends
// (scripts/bench/bundle.ts), so both run the same code the same way.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// esbuild's synchronous API otherwise runs in a worker thread that stays for the life of the process: a second V8
// isolate, about 30 MB of RSS in a server that bundles once. Without it, buildSync runs esbuild as a child that exits.
// esbuild reads the setting when it is loaded; it is put back at once so that nothing else inherits it.
const before = process.env.ESBUILD_WORKER_THREADS;
process.env.ESBUILD_WORKER_THREADS = '0';
/** @type {typeof import('esbuild')} */
const esbuild = createRequire(import.meta.url)('esbuild');
if (before === undefined) delete process.env.ESBUILD_WORKER_THREADS;
else process.env.ESBUILD_WORKER_THREADS = before;

/**
 * Bundles `entry` (TypeScript, npm packages external) into `outfile` with a linked source map, ASCII only: esbuild
 * escapes non-ASCII text in code (`charset: 'ascii'`) but keeps some comments as they are, and one `→` in a comment
 * makes V8 hold the whole 1 MB module source as UTF-16 (twice the heap); such characters in comments become `?`,
 * one code unit for one, so the source map's columns stay right. `sourcemap: false` writes none (the CLI).
 */
export function bundleServer(entry, outfile, { sourcemap = true } = {}) {
  esbuild.buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: sourcemap ? 'linked' : false,
    keepNames: true,
    charset: 'ascii',
    logLevel: 'warning',
  });
  const code = readFileSync(outfile, 'utf8');
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(code)) writeFileSync(outfile, code.replace(/[^\x00-\x7f]/g, '?'));
  return outfile;
}
