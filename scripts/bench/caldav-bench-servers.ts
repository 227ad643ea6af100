/**
 * The servers `npm run bench:caldav` measures (Meshwork, Radicale, Xandikos), each started in its own process on
 * loopback with no calendars; `Target.calendar` is where the bench makes its calendar.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, serveChild } from './bench-util.ts';

/** The user every server is measured as (Radicale and Xandikos run without authentication). */
const user = 'alice';

export interface Target {
  name: string;
  origin: string;
  calendar: string;
  child: ChildProcess;
  dir: string;
}

async function until(origin: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(origin, { method: 'OPTIONS' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${origin} did not come up`);
}

export async function startMeshwork(script: string): Promise<Target> {
  const { origin, child, dir } = await serveChild(script, 'bench-caldav-mw-');
  return { name: 'Meshwork', origin, calendar: `/dav/calendars/${user}/bench/`, child, dir };
}

export async function startRadicale(): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-caldav-radicale-'));
  writeFileSync(
    path.join(dir, 'config'),
    `[server]\nhosts = 127.0.0.1:${port}\n[auth]\ntype = none\n[storage]\nfilesystem_folder = ${dir}/collections\n[logging]\nlevel = warning\n`,
  );
  const child = spawn('/usr/bin/python3', ['-m', 'radicale', '--config', path.join(dir, 'config')], {
    stdio: 'ignore',
  });
  child.once('exit', (c) => c && console.error(`radicale exited ${c}`));
  const origin = `http://127.0.0.1:${port}`;
  await until(origin);
  return { name: 'Radicale', origin, calendar: `/${user}/bench/`, child, dir };
}

export async function startXandikos(): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-caldav-xandikos-'));
  const child = spawn(
    'xandikos',
    ['--defaults', '-d', dir, '-l', '127.0.0.1', '-p', String(port), '--current-user-principal', `/${user}/`],
    { stdio: 'ignore' },
  );
  const origin = `http://127.0.0.1:${port}`;
  await until(origin);
  return { name: 'Xandikos', origin, calendar: `/${user}/calendars/bench/`, child, dir };
}
