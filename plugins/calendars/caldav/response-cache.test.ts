import assert from 'node:assert/strict';
import { ResponseCache } from '#dav';
import { freshPostgresUrl, postgresAvailable } from '../../../test/harness/databases.ts';
import type { TestServer } from '../../../test/harness/test-server.ts';
import { validateCalendarObject } from '../ical-validate.ts';
import type { CalendarServices } from '../index.ts';
import { ics, vevent } from '../testing/ics.ts';
import { CAL_NS, ENGINES, caldavServer, mkcalendarBody, propfindBody, putIcs, report, userClient } from './testing.ts';

type Client = Awaited<ReturnType<typeof userClient>>;

const NS = `${CAL_NS} xmlns:x="urn:example:x"`;
const event = (uid: string, summary = 'x') =>
  ics(...vevent(`UID:${uid}`, 'DTSTART:20260310T100000Z', 'DTEND:20260310T110000Z', `SUMMARY:${summary}`));
const QUERY = `<?xml version="1.0"?><c:calendar-query ${CAL_NS}><d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20260301T000000Z" end="20260401T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`;
const SYNC = `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
const LISTING = propfindBody(
  'd:getetag',
  'd:displayname',
  'd:current-user-privilege-set',
  'x:note xmlns:x="urn:example:x"',
);
const setProp = (props: string) =>
  `<?xml version="1.0"?><d:propertyupdate ${NS}><d:set><d:prop>${props}</d:prop></d:set></d:propertyupdate>`;
const multiget = (hrefs: string[]) =>
  `<?xml version="1.0"?><c:calendar-multiget ${CAL_NS}><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.map((h) => `<d:href>${h}</d:href>`).join('')}</c:calendar-multiget>`;

/** A server (app node) with its own response cache. */
interface Node {
  server: TestServer;
  services: CalendarServices;
  cache: ResponseCache;
  alice: Client;
}

async function node(env: Record<string, string> = {}): Promise<Node> {
  const cache = new ResponseCache();
  const { server, services } = await caldavServer({ env, responseCache: cache });
  return { server, services, cache, alice: await userClient(server, 'alice') };
}

for (const engine of ENGINES)
  describe(`caldav on ${engine}: whole answers from the response cache are never stale`, function () {
    this.timeout(60_000);
    let a: Node;
    /** A second app node on the same database (PostgreSQL); on SQLite the stores of the first, bypassing DAV. */
    let b: Node | null = null;
    const drops: Array<() => Promise<void>> = [];
    const cal = '/dav/calendars/alice/work/';

    before(async function () {
      let env: Record<string, string> = {};
      if (engine === 'postgres') {
        if (!(await postgresAvailable())) return this.skip();
        const pg = await freshPostgresUrl();
        drops.push(pg.drop);
        env = { MESHWORK_DATABASE_URL: pg.url };
      }
      a = await node(env);
      drops.unshift(() => a.server.destroy());
      if (engine === 'postgres') {
        b = await node(env);
        drops.unshift(() => b!.server.destroy());
      }
      assert.equal((await a.alice.send('MKCALENDAR', cal, { body: mkcalendarBody('Work') })).status, 201);
      for (const uid of ['e1', 'e2']) assert.equal((await putIcs(a.alice, `${cal}${uid}.ics`, event(uid))).status, 201);
    });
    after(async () => {
      for (const d of drops) await d().catch(() => {});
    });

    /** Sends a request twice; the second must come from the cache with the same bytes. Returns the answer. */
    async function twice(send: () => Promise<{ status: number; text: string }>): Promise<string> {
      const first = await send();
      assert.equal(first.status, 207, first.text);
      const hits = a.cache.stats.hits;
      const second = await send();
      assert.equal(a.cache.stats.hits, hits + 1, 'the repeated request is answered from the cache');
      assert.equal(second.text, first.text);
      return second.text;
    }
    const listing = () => twice(() => a.alice.send('PROPFIND', cal, { headers: { depth: '1' }, body: LISTING }));
    const query = () => twice(() => report(a.alice, cal, QUERY));
    const sync = () => twice(() => report(a.alice, cal, SYNC, null));

    it('answers repeated PROPFIND, query, sync and multiget requests from the cache, byte for byte', async () => {
      await listing();
      await query();
      await sync();
      const mg = await twice(() => report(a.alice, cal, multiget([`${cal}e1.ics`, `${cal}e2.ics`])));
      assert.match(mg, /UID:e1/);
      // Another Depth or body is another entry, never the first one's answer.
      const depth0 = await a.alice.send('PROPFIND', cal, { headers: { depth: '0' }, body: LISTING });
      assert.doesNotMatch(depth0.text, /e1\.ics/);
      const minimal = await a.alice.send('PROPFIND', cal, {
        headers: { depth: '1', prefer: 'return=minimal' },
        body: LISTING,
      });
      assert.doesNotMatch(minimal.text, /404 Not Found/);
      assert.match(await listing(), /404 Not Found/);
    });

    it('sees PUT, DELETE and PROPPATCH made through DAV on the next identical request', async () => {
      await listing();
      await query();
      assert.equal((await putIcs(a.alice, `${cal}e3.ics`, event('e3'))).status, 201);
      assert.match(await listing(), /e3\.ics/);
      assert.match(await query(), /UID:e3/);
      assert.equal((await putIcs(a.alice, `${cal}e3.ics`, event('e3', 'changed'))).status, 204);
      assert.match(await query(), /SUMMARY:changed/);
      assert.equal((await a.alice.send('DELETE', `${cal}e3.ics`)).status, 204);
      assert.doesNotMatch(await listing(), /e3\.ics/);
      assert.doesNotMatch(await query(), /UID:e3/);
      const named = await a.alice.send('PROPPATCH', cal, { body: setProp('<d:displayname>Renamed</d:displayname>') });
      assert.equal(named.status, 207, named.text);
      assert.match(await listing(), /<d:displayname>Renamed<\/d:displayname>/);
    });

    it('sees dead properties set on the calendar and on an object', async () => {
      assert.doesNotMatch(await listing(), /calendar note/);
      const onCal = await a.alice.send('PROPPATCH', cal, { body: setProp('<x:note>calendar note</x:note>') });
      assert.doesNotMatch(onCal.text, /HTTP\/1.1 (403|424)/);
      assert.match(await listing(), /calendar note/);
      const onObject = await a.alice.send('PROPPATCH', `${cal}e1.ics`, {
        body: setProp('<x:note>object note</x:note>'),
      });
      assert.doesNotMatch(onObject.text, /HTTP\/1.1 (403|424)/);
      assert.match(await listing(), /object note/);
      const removed = await a.alice.send('PROPPATCH', `${cal}e1.ics`, {
        body: `<?xml version="1.0"?><d:propertyupdate ${NS}><d:remove><d:prop><x:note/></d:prop></d:remove></d:propertyupdate>`,
      });
      assert.equal(removed.status, 207);
      assert.doesNotMatch(await listing(), /object note/);
    });

    it('sees a change made by another app node (or past DAV) on the next identical request', async () => {
      await listing();
      await query();
      await sync();
      if (b) {
        assert.equal((await putIcs(b.alice, `${cal}e4.ics`, event('e4'))).status, 201);
      } else {
        const calendar = (await a.services.calendars.get('alice', 'work'))!;
        const bytes = Buffer.from(event('e4'));
        const v = validateCalendarObject(bytes, { supportedComponents: ['VEVENT', 'VTODO'] });
        await a.services.objects.put(calendar.id, 'e4.ics', bytes, v.index);
      }
      assert.match(await listing(), /e4\.ics/);
      assert.match(await query(), /UID:e4/);
      assert.match(await sync(), /e4\.ics/);
      if (b) {
        await b.alice.send('PROPPATCH', `${cal}e4.ics`, { body: setProp('<x:note>from node b</x:note>') });
        assert.match(await listing(), /from node b/);
        assert.equal((await b.alice.send('DELETE', `${cal}e4.ics`)).status, 204);
      } else {
        const calendar = (await a.services.calendars.get('alice', 'work'))!;
        await a.services.calendars.update(calendar.id, { displayName: 'Past DAV' });
        assert.match(await listing(), /Past DAV/);
        await a.services.objects.delete(calendar.id, 'e4.ics');
      }
      assert.doesNotMatch(await listing(), /e4\.ics/);
      assert.doesNotMatch(await query(), /UID:e4/);
    });

    it('never answers one principal with another one’s entry, and sees a change of access', async () => {
      await listing();
      const bob = await userClient(a.server, 'bob');
      const theirs = await bob.send('PROPFIND', cal, { headers: { depth: '1' }, body: LISTING });
      assert.notEqual(theirs.status, 207);
      // A synced copy of a calendar shared from another server, read-write, becomes read-only.
      const copy = await a.services.calendars.create({
        ownerId: 'alice',
        uri: 'shared',
        remote: {
          shareId: `s-${engine}`,
          url: 'https://other.example/dav/calendars/x/y/',
          owner: 'x@other.example',
          access: 'read-write',
        },
      });
      const shared = '/dav/calendars/alice/shared/';
      const privileges = () =>
        twice(() => a.alice.send('PROPFIND', shared, { headers: { depth: '1' }, body: LISTING }));
      assert.match(await privileges(), /<d:write\/>/);
      await a.services.calendars.setRemoteState(copy.id, { access: 'read' });
      assert.doesNotMatch(await privileges(), /<d:write\/>/);
    });
  });
