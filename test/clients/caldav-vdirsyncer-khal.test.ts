import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { caldavServer, mkcalendarBody, userClient } from '../../plugins/calendars/caldav/testing.ts';
import { ics, vevent } from '../../plugins/calendars/testing/ics.ts';
import type { TestServer } from '../harness/test-server.ts';
import { requireTool, run } from './client-process.ts';

/** Debian's vdirsyncer syncing a calendar both ways with a local vdir, and khal reading that vdir. */
describe('clients: vdirsyncer and khal against /dav/calendars', function () {
  this.timeout(180_000);
  let server: TestServer;
  let dave: Awaited<ReturnType<typeof userClient>>;
  let dir: string;
  let config: string;
  const vdir = () => path.join(dir, 'vdir', 'home');
  const sync = async (...args: string[]) => {
    const r = await run('vdirsyncer', ['-c', config, ...args], { input: 'y\ny\ny\n' });
    assert.equal(r.code, 0, r.out);
    return r.out;
  };

  before(async function () {
    requireTool(this, 'command -v vdirsyncer && command -v khal', 'vdirsyncer and khal (Debian)');
    ({ server } = await caldavServer());
    dave = await userClient(server, 'dave');
    dir = mkdtempSync(path.join(tmpdir(), 'vdirsyncer-'));
    config = path.join(dir, 'config');
    writeFileSync(
      config,
      [
        '[general]',
        `status_path = "${dir}/status/"`,
        '[pair cal]',
        'a = "local"',
        'b = "remote"',
        'collections = ["from a", "from b"]',
        'metadata = ["color", "displayname"]',
        '[storage local]',
        'type = "filesystem"',
        `path = "${dir}/vdir/"`,
        'fileext = ".ics"',
        '[storage remote]',
        'type = "caldav"',
        `url = "${server.origin}/"`,
        'username = "dave"',
        'password = "dave-password"',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'khal.conf'),
      [
        '[calendars]',
        '[[home]]',
        `path = ${dir}/vdir/home/`,
        '[locale]',
        'timeformat = %H:%M',
        'dateformat = %Y-%m-%d',
        'longdateformat = %Y-%m-%d',
        'datetimeformat = %Y-%m-%d %H:%M',
        'longdatetimeformat = %Y-%m-%d %H:%M',
        'local_timezone = UTC',
        'default_timezone = UTC',
        '[default]',
        'default_calendar = home',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await server?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('discovers the calendar and brings its events into the vdir', async () => {
    assert.equal(
      (await dave.send('MKCALENDAR', '/dav/calendars/dave/home/', { body: mkcalendarBody('Home') })).status,
      201,
    );
    const daily = ics(
      ...vevent(
        'UID:daily',
        'DTSTART:20260105T080000Z',
        'DTEND:20260105T083000Z',
        'RRULE:FREQ=DAILY;COUNT=3',
        'SUMMARY:Run',
      ),
    );
    assert.equal((await dave.send('PUT', '/dav/calendars/dave/home/daily.ics', { body: daily })).status, 201);
    await sync('discover', 'cal');
    await sync('sync');
    await sync('metasync');
    assert.deepEqual(
      readdirSync(vdir()).filter((f) => f.endsWith('.ics')),
      ['daily.ics'],
    );
    assert.equal(
      readFileSync(path.join(vdir(), 'daily.ics'), 'utf8').replace(/\r\n/g, '\n'),
      daily.replace(/\r\n/g, '\n'),
    );
    assert.equal(readFileSync(path.join(vdir(), 'displayname'), 'utf8').trim(), 'Home');
  });

  it('khal lists every instance of the recurring event', async () => {
    const r = await run('khal', ['-c', path.join(dir, 'khal.conf'), 'list', '2026-01-04', '5d'], {
      env: { TZ: 'UTC' },
    });
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out.match(/Run/g)?.length, 3, r.out);
    for (const day of ['2026-01-05', '2026-01-06', '2026-01-07']) assert.ok(r.out.includes(day), r.out);
  });

  it('uploads a local event, and carries server-side changes and deletions back', async () => {
    const local = ics(
      ...vevent('UID:local-1', 'DTSTART:20260110T100000Z', 'DTEND:20260110T110000Z', 'SUMMARY:From laptop'),
    );
    writeFileSync(path.join(vdir(), 'local-1.ics'), local);
    await sync('sync');
    const got = await dave.send('GET', '/dav/calendars/dave/home/local-1.ics');
    assert.equal(got.status, 200);
    assert.ok(got.text.includes('SUMMARY:From laptop'));

    const edited = local.replace('From laptop', 'Edited on the server');
    const put = await dave.send('PUT', '/dav/calendars/dave/home/local-1.ics', {
      headers: { 'if-match': got.headers.get('etag')! },
      body: edited,
    });
    assert.equal(put.status, 204);
    assert.equal((await dave.send('DELETE', '/dav/calendars/dave/home/daily.ics')).status, 204);
    await sync('sync');
    assert.deepEqual(
      readdirSync(vdir()).filter((f) => f.endsWith('.ics')),
      ['local-1.ics'],
    );
    assert.ok(readFileSync(path.join(vdir(), 'local-1.ics'), 'utf8').includes('Edited on the server'));

    writeFileSync(path.join(vdir(), 'local-1.ics'), edited.replace('Edited on the server', 'Edited again locally'));
    await sync('sync');
    assert.ok((await dave.send('GET', '/dav/calendars/dave/home/local-1.ics')).text.includes('Edited again locally'));
  });
});
