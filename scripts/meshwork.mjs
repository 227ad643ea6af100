#!/usr/bin/env node
// `npx meshwork ...`: the admin command line, run through tsx (no build step).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./cli.ts', import.meta.url));
// tsx by its own location: the command also runs from other folders (a plugin package's `npm test`).
const tsx = new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const child = spawn(process.execPath, ['--import', tsx, entry, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
