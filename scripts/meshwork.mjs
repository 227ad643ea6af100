#!/usr/bin/env node
// `npx meshwork ...`: the admin command line. Its TypeScript is bundled with esbuild first (as `npm start` does, a
// fraction of a second; npm packages stay external) and run in this process: through the tsx loader every command
// cost about 3.4 s of CPU compiling modules, the bundle about 1 s in all.
import { renameSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleServer } from './server-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Bundled under this process's own name, then renamed into place: commands run at the same time never read a
// half-written file.
const own = `${root}dist/cli-${process.pid}.mjs`;
const outfile = `${root}dist/cli.mjs`;
bundleServer(`${root}scripts/cli.ts`, own, { sourcemap: false });
renameSync(own, outfile);
await import(pathToFileURL(outfile).href);
