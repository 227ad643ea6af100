#!/usr/bin/env node
// `npm start`: builds the web app if it is missing, bundles the TypeScript server with esbuild
// (about a tenth of a second; npm packages stay external) and runs it in this process. Running the
// sources through a TypeScript loader instead costs seconds of start-up on Node 20.
// package.json's "start" adds MALLOC_ARENA_MAX and V8 flags (README.md "Memory" says why); bench:chat starts its
// servers with the same ones.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleServer } from './server-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}web/dist/index.html`)) {
  const r = spawnSync(process.execPath, [`${root}scripts/build-web-if-missing.mjs`], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const outfile = `${root}dist/server.mjs`;
bundleServer(`${root}scripts/server.ts`, outfile);
// No source maps by default: node parses the map on the first stack trace it formats and keeps it (about 15 MB of
// heap for this bundle). Stack traces name the bundle's functions (keepNames); `NODE_OPTIONS=--enable-source-maps`
// maps them to the TypeScript sources (dist/server.mjs.map is written for that).
const { run } = await import(pathToFileURL(outfile).href);
run();
