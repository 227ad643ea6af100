#!/usr/bin/env node
// `prestart` / `predemo`: builds the browser app (web/dist) when it is missing; instant when it exists.
// Rebuild after changing web/ or plugins/*/web with `npm run build:web`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
if (!existsSync(path.join(root, 'web', 'dist', 'index.html'))) {
  let vite;
  try {
    vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    console.error(
      'meshwork: web/dist is missing and vite is not installed (it is a dev dependency): run `npm install` then `npm run build:web`.',
    );
    process.exit(1);
  }
  console.log('meshwork: building the web app (web/dist is missing)…');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error('meshwork: building the web app failed; see the errors above.');
    process.exit(r.status ?? 1);
  }
}
