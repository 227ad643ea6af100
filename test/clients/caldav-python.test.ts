import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { caldavServer } from '../../plugins/calendars/caldav/testing.ts';
import type { TestServer } from '../harness/test-server.ts';
import { requireTool, run } from './client-process.ts';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'caldav-python-client.py');

/** Debian's python3-caldav against our server (the script asserts each step and prints it). */
describe('clients: python3-caldav against /dav/calendars', function () {
  this.timeout(120_000);
  let server: TestServer;

  before(async function () {
    requireTool(this, "/usr/bin/python3 -c 'import caldav'", 'python3-caldav (Debian)');
    ({ server } = await caldavServer());
    await server.user('carol');
  });
  after(async () => server?.destroy());

  it('discovers, saves, searches with expanded recurrences, syncs by token and reads free-busy', async () => {
    const r = await run('/usr/bin/python3', [SCRIPT], {
      env: { URL: `${server.origin}/.well-known/caldav`, USER: 'carol', PASSWORD: 'carol-password' },
    });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^done$/m);
  });
});
