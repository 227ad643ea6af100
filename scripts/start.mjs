#!/usr/bin/env node
// `npm start`: builds the web app if it is missing, bundles the TypeScript server with esbuild
// (about a tenth of a second; npm packages stay external) and runs it in this process. Running the
// sources through a TypeScript loader instead costs seconds of start-up on Node 20.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}web/dist/index.html`)) {
  const r = spawnSync(process.execPath, [`${root}scripts/build-web-if-missing.mjs`], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const outfile = `${root}dist/server.mjs`;
buildSync({
  entryPoints: [`${root}scripts/server.ts`],
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
process.setSourceMapsEnabled(true);
const { run } = await import(pathToFileURL(outfile).href);
run();
