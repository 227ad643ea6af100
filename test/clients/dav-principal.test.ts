import assert from 'node:assert/strict';
import { createAccount, getBasicAuthHeaders } from 'tsdav';
import { calendarsPlugin } from '../../plugins/calendars/index.ts';
import { contactsPlugin } from '../../plugins/contacts/index.ts';
import type { MeshworkPlugin } from '#core';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { requireTool, run } from './client-process.ts';

const NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav"';
const propfind = (...props: string[]) =>
  `<?xml version="1.0"?><d:propfind ${NS}><d:prop>${props.map((p) => `<${p}/>`).join('')}</d:prop></d:propfind>`;

/** What a client discovers through one well-known URL with tsdav (the DAVx5 / Apple flow: one principal). */
async function discover(s: TestServer, type: 'caldav' | 'carddav') {
  const account = await createAccount({
    account: { serverUrl: s.origin, accountType: type },
    headers: getBasicAuthHeaders({ username: 'pia', password: 'pia-password' }),
  });
  return { principal: new URL(account.principalUrl ?? '').pathname, home: new URL(account.homeUrl ?? '').pathname };
}

const PYTHON = `
import os, caldav
c = caldav.DAVClient(url=os.environ["URL"], username="pia", password="pia-password")
p = c.principal()
print("principal", p.url.path)
print("home", p.calendar_home_set.url.path)
p.make_calendar(name="Python", cal_id="python")
print("calendars", " ".join(sorted(x.url.path for x in p.calendars())))
`;

const setups: Array<[string, () => MeshworkPlugin[], { caldav: boolean; carddav: boolean }]> = [
  ['calendars and contacts', () => [calendarsPlugin(), contactsPlugin()], { caldav: true, carddav: true }],
  [
    'contacts and calendars (other order)',
    () => [contactsPlugin(), calendarsPlugin()],
    { caldav: true, carddav: true },
  ],
  ['calendars only', () => [calendarsPlugin()], { caldav: true, carddav: false }],
  ['contacts only', () => [contactsPlugin()], { caldav: false, carddav: true }],
];

describe('clients: one principal for CalDAV and CardDAV (/dav/principals/<user>/)', function () {
  this.timeout(60_000);

  for (const [label, plugins, has] of setups) {
    describe(label, () => {
      let s: TestServer;
      before(async () => {
        s = await startTestServer({ plugins: plugins() });
        await s.user('pia', 'Pia Pfeiffer');
      });
      after(async () => s?.destroy());

      it('leads every enabled well-known URL to the same principal, found by tsdav with its home', async () => {
        for (const [type, on] of [
          ['caldav', has.caldav],
          ['carddav', has.carddav],
        ] as const) {
          const wk = await fetch(`${s.origin}/.well-known/${type}`, { method: 'PROPFIND', redirect: 'manual' });
          if (!on) {
            assert.notEqual(wk.status, 301, `${type} is not enabled`);
            continue;
          }
          assert.equal(wk.status, 301);
          assert.equal(wk.headers.get('location'), '/dav/principals/');
          const found = await discover(s, type);
          assert.equal(found.principal, '/dav/principals/pia/');
          assert.equal(found.home, type === 'caldav' ? '/dav/calendars/pia/' : '/dav/addressbooks/pia/');
        }
      });

      it('answers the principal properties, each home set only when its plugin is enabled', async () => {
        const dav = davClient(s.origin, basicFor('pia'));
        const r = await dav.send('PROPFIND', '/dav/principals/pia/', {
          headers: { depth: '0' },
          body: propfind(
            'd:resourcetype',
            'd:displayname',
            'd:principal-URL',
            'd:current-user-principal',
            'd:principal-collection-set',
            'd:current-user-privilege-set',
            'c:calendar-home-set',
            'c:calendar-user-address-set',
            'card:addressbook-home-set',
          ),
        });
        assert.equal(r.status, 207);
        const ok = r.text.split('HTTP/1.1 404')[0]!;
        assert.match(ok, /<d:resourcetype><d:collection\/><d:principal\/><\/d:resourcetype>/);
        assert.match(ok, /<d:displayname>Pia Pfeiffer<\/d:displayname>/);
        assert.match(ok, /<d:principal-URL><d:href>\/dav\/principals\/pia\/<\/d:href>/);
        assert.match(ok, /<d:current-user-principal><d:href>\/dav\/principals\/pia\/<\/d:href>/);
        assert.match(ok, /<d:principal-collection-set><d:href>\/dav\/principals\/<\/d:href>/);
        assert.match(ok, /<d:privilege><d:read\/><\/d:privilege>/);
        assert.doesNotMatch(ok, /<d:write/);
        assert.equal(/calendar-home-set[^>]*><d:href>\/dav\/calendars\/pia\/<\/d:href>/.test(ok), has.caldav);
        assert.equal(/<d:href>mailto:pia@[^<]+<\/d:href>/.test(ok), has.caldav);
        assert.equal(/addressbook-home-set[^>]*><d:href>\/dav\/addressbooks\/pia\/<\/d:href>/.test(ok), has.carddav);
        const options = await dav.send('OPTIONS', '/dav/principals/pia/');
        const features = (options.headers.get('dav') ?? '').split(/,\s*/);
        assert.ok(features.includes('1') && features.includes('3') && features.includes('access-control'));
        assert.equal(features.includes('calendar-access'), has.caldav, features.join());
        assert.equal(features.includes('addressbook'), has.carddav, features.join());
        const root = await dav.send('PROPFIND', '/dav/principals/', {
          headers: { depth: '1' },
          body: propfind('d:current-user-principal'),
        });
        assert.equal(root.status, 207);
        assert.match(root.text, /<d:href>\/dav\/principals\/pia\/<\/d:href>/);
      });

      it('keeps principals to their owner, refuses changes and asks for credentials', async () => {
        await s.user('quinn');
        const other = davClient(s.origin, basicFor('quinn'));
        assert.equal((await other.send('PROPFIND', '/dav/principals/pia/', { headers: { depth: '0' } })).status, 404);
        const anon = await fetch(`${s.origin}/dav/principals/pia/`, { method: 'PROPFIND' });
        assert.equal(anon.status, 401);
        assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic/);
        const dav = davClient(s.origin, basicFor('pia'));
        const patch = await dav.send('PROPPATCH', '/dav/principals/pia/', {
          body: `<?xml version="1.0"?><d:propertyupdate ${NS}><d:set><d:prop><d:displayname>x</d:displayname></d:prop></d:set></d:propertyupdate>`,
        });
        assert.equal(patch.status, 403);
      });

      if (has.caldav)
        it('python3-caldav finds the calendars from the principal', async function () {
          requireTool(this, "/usr/bin/python3 -c 'import caldav'", 'python3-caldav (Debian)');
          const r = await run('/usr/bin/python3', ['-c', PYTHON], { env: { URL: `${s.origin}/.well-known/caldav` } });
          assert.equal(r.code, 0, r.out);
          assert.match(r.out, /^principal \/dav\/principals\/pia\/$/m);
          assert.match(r.out, /^home \/dav\/calendars\/pia\/$/m);
          assert.match(r.out, /^calendars .*\/dav\/calendars\/pia\/python\/$/m);
        });
    });
  }

  it('still answers the old CardDAV principal URL (the home) for configured clients', async () => {
    const s = await startTestServer({ plugins: [calendarsPlugin(), contactsPlugin()] });
    try {
      await s.user('pia');
      const dav = davClient(s.origin, basicFor('pia'));
      const r = await dav.send('PROPFIND', '/dav/addressbooks/pia/', {
        headers: { depth: '0' },
        body: propfind('card:addressbook-home-set', 'd:principal-URL', 'd:current-user-principal'),
      });
      assert.equal(r.status, 207);
      assert.match(r.text, /addressbook-home-set[^>]*><d:href>\/dav\/addressbooks\/pia\/<\/d:href>/);
      assert.match(r.text, /<d:principal-URL><d:href>\/dav\/principals\/pia\/<\/d:href>/);
      const cal = await dav.send('PROPFIND', '/dav/calendars/pia/', {
        headers: { depth: '0' },
        body: propfind('d:current-user-principal', 'd:owner'),
      });
      assert.match(cal.text, /<d:current-user-principal><d:href>\/dav\/principals\/pia\/<\/d:href>/);
    } finally {
      await s.destroy();
    }
  });
});
