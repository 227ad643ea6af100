import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { calendarsPlugin } from '../../plugins/calendars/index.ts';
import { contactsPlugin } from '../../plugins/contacts/index.ts';
import { webStatic } from '../../scripts/web-static.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { requireTool, run } from './client-process.ts';

const NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav"';
const PRINCIPAL_PROPS = `<?xml version="1.0"?><d:propfind ${NS}><d:prop><d:resourcetype/><d:current-user-principal/><d:principal-URL/></d:prop></d:propfind>`;

const PYTHON = `
import os, caldav
c = caldav.DAVClient(url=os.environ["URL"], username="pia", password="pia-password")
p = c.principal()
print("principal", p.url.path)
print("home", p.calendar_home_set.url.path)
print("calendars", " ".join(sorted(x.name for x in p.calendars())))
`;

/**
 * What DAVx5, Thunderbird, iOS and python3-caldav do when the user types only the server's address (RFC 6764 §6,
 * research/dav.md §1.1): PROPFIND `/` or `/dav/` for `current-user-principal`, OPTIONS for the DAV classes.
 */
describe('clients: the server address alone leads to the principal (PROPFIND / and /dav/)', function () {
  this.timeout(60_000);
  let s: TestServer;
  let dist: string;

  before(async () => {
    dist = mkdtempSync(path.join(tmpdir(), 'meshwork-web-'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Meshwork web app</title>');
    s = await startTestServer({
      plugins: [calendarsPlugin(), contactsPlugin()],
      fallback: webStatic({ distDir: dist }),
    });
    await s.user('pia', 'Pia Pfeiffer');
  });
  after(async () => {
    await s?.destroy();
    rmSync(dist, { recursive: true, force: true });
  });

  for (const root of ['/', '/dav/', '/dav'])
    it(`answers PROPFIND ${root} with the caller's principal, and 401 with a Basic challenge without credentials`, async () => {
      const dav = davClient(s.origin, basicFor('pia'));
      for (const depth of ['0', '1']) {
        const r = await dav.send('PROPFIND', root, { headers: { depth }, body: PRINCIPAL_PROPS });
        assert.equal(r.status, 207, r.text);
        assert.match(r.headers.get('content-type') ?? '', /xml/);
        assert.match(r.text, /<d:current-user-principal><d:href>\/dav\/principals\/pia\/<\/d:href>/);
        assert.match(r.text, /<d:principal-URL><d:href>\/dav\/principals\/pia\/<\/d:href>/);
        assert.match(r.text, /<d:resourcetype><d:collection\/><\/d:resourcetype>/);
        assert.equal([...r.text.matchAll(/<d:response>/g)].length, 1, 'the root lists no members');
      }
      // python-requests drops the body when following redirects: an empty PROPFIND is an allprop.
      const bare = await dav.send('PROPFIND', root, { headers: { depth: '0' } });
      assert.equal(bare.status, 207);
      assert.match(bare.text, /<d:current-user-principal><d:href>\/dav\/principals\/pia\/<\/d:href>/);
      const anon = await fetch(`${s.origin}${root}`, { method: 'PROPFIND', headers: { depth: '0' } });
      assert.equal(anon.status, 401);
      assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic realm=/);
      const wrong = await fetch(`${s.origin}${root}`, {
        method: 'PROPFIND',
        headers: { depth: '0', authorization: basicFor('pia', 'wrong') },
      });
      assert.equal(wrong.status, 401);
    });

  it('advertises the DAV classes, calendar-access and addressbook included, on OPTIONS / and /dav/', async () => {
    for (const root of ['/', '/dav/']) {
      const r = await fetch(`${s.origin}${root}`, { method: 'OPTIONS' });
      assert.equal(r.status, 200, root);
      const dav = (r.headers.get('dav') ?? '').split(/,\s*/);
      for (const c of ['1', '3', 'access-control', 'calendar-access', 'addressbook'])
        assert.ok(dav.includes(c), `${root}: ${c} in ${dav.join(', ')}`);
      assert.match(r.headers.get('allow') ?? '', /PROPFIND/);
    }
  });

  it('still serves the web app on GET /, and refuses writes on the roots', async () => {
    const page = await fetch(`${s.origin}/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Meshwork web app/);
    const dav = davClient(s.origin, basicFor('pia'));
    assert.notEqual((await dav.send('PUT', '/dav/x.ics', { body: 'x' })).status, 201);
    assert.notEqual((await dav.send('MKCOL', '/dav/')).status, 201);
  });

  for (const root of ['/', '/dav/'])
    it(`python3-caldav given only ${root === '/' ? 'the server address' : 'the server address and /dav/'} finds the calendars`, async function () {
      requireTool(this, "/usr/bin/python3 -c 'import caldav'", 'python3-caldav (Debian)');
      const r = await run('/usr/bin/python3', ['-c', PYTHON], { env: { URL: `${s.origin}${root}` } });
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /^principal \/dav\/principals\/pia\/$/m);
      assert.match(r.out, /^home \/dav\/calendars\/pia\/$/m);
      assert.match(r.out, /^calendars Personal$/m);
    });
});
