#!/usr/bin/env node
// `npm test`: the whole suite (unit, contract, federation) with mocha on TypeScript via tsx.
// Extra arguments are passed to mocha, e.g. `npm test -- --grep invites` or a file path.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const files = args.some((a) => !a.startsWith('-'))
  ? []
  : ['core/**/*.test.ts', 'dav/**/*.test.ts', 'sdk/**/*.test.ts', 'plugins/**/*.test.ts', 'test/**/*.test.ts'];
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    mocha,
    '--reporter',
    path.join(root, 'test', 'harness', 'summary-reporter.cjs'),
    '--timeout',
    '20000',
    '--exit',
    ...files,
    ...args,
  ],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
