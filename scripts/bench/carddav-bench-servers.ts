/**
 * The servers `npm run bench:carddav` measures (Meshwork, Radicale, Xandikos), each started in its own process on
 * loopback with an empty address book and a way to bulk-load it as its operator would, and the cards they get.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, serveChild } from './bench-util.ts';

/** A server under measurement. */
export interface Target {
  name: string;
  origin: string;
  /** Path of the address book (ends with /). */
  book: string;
  auth: string | null;
  child: ChildProcess;
  dir: string;
  /** Loads cards `from`..`to`-1 the way this server's operator would bulk-import them; says how. */
  bulk(t: Target, from: number, to: number): Promise<string>;
}

export const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

async function waitUp(origin: string, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited`);
    const ok = await fetch(`${origin}/`, { method: 'OPTIONS' }).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start`);
}

/**
 * Meshwork in a child process running `script --serve` (bench-carddav.ts's child mode); `put` loads cards `from`..`to`-1
 * over HTTP (its bulk import).
 */
export async function startMeshwork(
  script: string,
  put: (t: Target, from: number, to: number) => Promise<void>,
): Promise<Target> {
  const { origin, child, dir } = await serveChild(script, 'bench-carddav-mw-');
  return {
    name: 'Meshwork',
    origin,
    book: '/dav/addressbooks/bench/bench/',
    auth: basic('bench', 'bench-bench-pw'),
    child,
    dir,
    async bulk(t, from, to) {
      await put(t, from, to);
      return 'PUT over HTTP, 8 in flight';
    },
  };
}

/** Radicale (Debian package) with filesystem storage in a temporary folder, no authentication. */
export async function startRadicale(): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-carddav-radicale-'));
  const child = spawn(
    'radicale',
    [
      '--server-hosts',
      `127.0.0.1:${port}`,
      '--storage-filesystem-folder',
      dir,
      '--auth-type',
      'none',
      '--rights-type',
      'owner_only',
      '--logging-level',
      'error',
    ],
    { stdio: 'ignore' },
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitUp(origin, child, 'radicale');
  return {
    name: 'Radicale',
    origin,
    book: '/bench/bench/',
    auth: basic('bench', 'x'),
    child,
    dir,
    async bulk(_t, from, to) {
      // Radicale's filesystem storage: one file per item in the collection's folder, read on the next request.
      const folder = path.join(dir, 'collection-root', 'bench', 'bench');
      for (let i = from; i < to; i++) writeFileSync(path.join(folder, `c${i}.vcf`), card(i));
      return `.vcf files written into ${path.relative(dir, folder)}/`;
    },
  };
}

/** Xandikos (Debian package) with its default collections in a temporary folder. */
export async function startXandikos(): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-carddav-xandikos-'));
  const child = spawn('xandikos', ['-d', dir, '-l', '127.0.0.1', '-p', String(port), '--defaults'], {
    stdio: 'ignore',
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitUp(origin, child, 'xandikos');
  return {
    name: 'Xandikos',
    origin,
    book: '/user/contacts/addressbook/',
    auth: null,
    child,
    dir,
    async bulk(_t, from, to) {
      // Xandikos keeps each collection as a git repository and serves what is committed.
      const repo = path.join(dir, 'user', 'contacts', 'addressbook');
      mkdirSync(repo, { recursive: true });
      for (let i = from; i < to; i++) writeFileSync(path.join(repo, `c${i}.vcf`), card(i));
      const git = (...args: string[]) =>
        execFileSync('git', ['-C', repo, ...args], {
          stdio: 'ignore',
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: 'bench',
            GIT_AUTHOR_EMAIL: 'bench@localhost',
            GIT_COMMITTER_NAME: 'bench',
            GIT_COMMITTER_EMAIL: 'bench@localhost',
          },
        });
      git('add', '-A');
      git('commit', '-q', '-m', `bulk import of ${to - from} cards`);
      return `files committed with git into ${path.relative(dir, repo)}/`;
    },
  };
}

/** The i-th benchmark vCard (3.0: name, e-mail, phone, organisation). */
export function card(i: number): string {
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `UID:bench-${i}`,
    `N:Person ${i};Bench;;;`,
    `FN:Bench Person ${i}`,
    `EMAIL;TYPE=INTERNET:person${i}@example.org`,
    `TEL;TYPE=CELL:+1 555 ${String(i).padStart(6, '0')}`,
    `ORG:Team ${i % 50}`,
    'END:VCARD',
    '',
  ].join('\r\n');
}
