#!/usr/bin/env node
// `npm test`: the whole suite (unit, contract, federation, clients, browser) with mocha on TypeScript via tsx.
// Extra arguments are passed to mocha, e.g. `npm test -- --grep invites` or a file path (then one process).
// Without file arguments the suite runs as independent groups in parallel processes (the browser tests in one,
// everything else in another: each is mostly waiting on servers, browsers or child tools, so two cores carry
// both), then the real-media call tests alone: five Chromium pages encoding and decoding live audio and video
// keep both cores busy by themselves, and beside the server group their pages were starved for tens of seconds
// (a step's 20 s wait ran out about one run in three). Each group's output is kept in order; the closing line sums
// them: "N passed, N failed[, N skipped]".
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const reporter = path.join(root, 'test', 'harness', 'summary-reporter.cjs');
const everything = [
  'core/**/*.test.ts',
  'dav/**/*.test.ts',
  'sdk/**/*.test.ts',
  'plugins/**/*.test.ts',
  'packages/*/test/**/*.test.ts',
  'test/**/*.test.ts',
];
const browser = ['test/e2e/**/*.e2e.test.ts', 'packages/*/test/**/*.e2e.test.ts'];
const media = ['test/e2e/calls-*.e2e.test.ts'];
/** Groups of one phase run in parallel; a phase starts when the one before it has ended. */
const phases = [
  [
    { name: 'browser', files: browser, exclude: media },
    { name: 'server', files: everything, exclude: browser },
  ],
  [{ name: 'calls (real media, alone)', files: media, exclude: [] }],
];
const groups = phases.flat();

/** Runs one mocha process; `out` receives its output, `statsFile` its counts (written by the reporter). */
function runMocha(files, exclude, out, statsFile) {
  const excl = exclude.flatMap((e) => ['--exclude', e]);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', mocha, '--reporter', reporter, '--timeout', '20000', '--exit', ...excl, ...files, ...args],
    {
      cwd: root,
      stdio: out ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...(statsFile ? { MESHWORK_TEST_STATS: statsFile } : {}) },
    },
  );
  if (out) {
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
  }
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1))));
}

if (args.some((a) => !a.startsWith('-'))) {
  process.exit(await runMocha([], [], null, null));
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'meshwork-tests-'));
const started = Date.now();
const results = [];
for (const [p, phase] of phases.entries()) {
  const ran = await Promise.all(
    phase.map(async (g, i) => {
      // A phase's last group streams live; the others are buffered to a file and printed when they end.
      const log = path.join(dir, `${p}-${i}.log`);
      const out = i === phase.length - 1 ? process.stdout : createWriteStream(log);
      const stats = path.join(dir, `${p}-${i}.json`);
      const code = await runMocha(g.files, g.exclude, out, stats);
      if (out !== process.stdout) await new Promise((r) => out.end(r));
      return { ...g, code, log: out === process.stdout ? null : log, stats };
    }),
  );
  results.push(...ran);
}
const total = { passes: 0, failures: 0, pending: 0 };
for (const r of results) {
  if (r.log) process.stdout.write(`\n==== ${r.name} tests ====\n${readFileSync(r.log, 'utf8')}`);
  let s;
  try {
    s = JSON.parse(readFileSync(r.stats, 'utf8'));
  } catch {
    // A group that died before its reporter finished counts as one failure, so the total never hides it.
    s = { passes: 0, failures: 1, pending: 0 };
    process.stdout.write(`\n${r.name} tests ended without a summary (exit ${r.code})\n`);
  }
  if (r.code !== 0 && s.failures === 0) s.failures = 1;
  total.passes += s.passes;
  total.failures += s.failures;
  total.pending += s.pending;
}
rmSync(dir, { recursive: true, force: true });
const minutes = ((Date.now() - started) / 60000).toFixed(1);
process.stdout.write(`\nall groups (${groups.map((g) => g.name).join(', ')}) in ${minutes} min\n`);
const skipped = total.pending ? `, ${total.pending} skipped` : '';
process.stdout.write(`${total.passes} passed, ${total.failures} failed${skipped}\n`);
process.exit(total.failures > 0 ? 1 : 0);
