import assert from 'node:assert/strict';
import { MAX_DEAD_PROPERTIES_PER_RESOURCE, MAX_DEAD_PROPERTY_BYTES, parseXml, type XmlNode } from '#dav';
import type { TestServer } from '../../../test/harness/test-server.ts';
import { ics, vevent } from '../testing/ics.ts';
import type { CalendarServices } from '../index.ts';
import { CAL_NS, ENGINES, engineServer, mkcalendarBody, putIcs, userClient } from './testing.ts';

const NS = `${CAL_NS} xmlns:cs="http://calendarserver.org/ns/" xmlns:ic="http://apple.com/ns/ical/"`;
const set = (props: string) =>
  `<?xml version="1.0"?><d:propertyupdate ${NS}><d:set><d:prop>${props}</d:prop></d:set></d:propertyupdate>`;
const remove = (props: string) =>
  `<?xml version="1.0"?><d:propertyupdate ${NS}><d:remove><d:prop>${props}</d:prop></d:remove></d:propertyupdate>`;
const find = (props: string) => `<?xml version="1.0"?><d:propfind ${NS}><d:prop>${props}</d:prop></d:propfind>`;

/** What Apple Calendar stores on calendar homes and calendars (RFC draft caldav-alarms, CalendarServer). */
const ALARM =
  '<c:default-alarm-vevent-datetime>BEGIN:VALARM&#13;\nTRIGGER:-PT15M&#13;\nACTION:DISPLAY&#13;\nEND:VALARM&#13;\n</c:default-alarm-vevent-datetime>';
/** A value in namespaces of its own, with a prefixed attribute: it must come back meaning the same. */
const NESTED =
  '<x:meta xmlns:x="urn:example:x"><y:item xmlns:y="urn:example:y" y:kind="k">one &amp; two</y:item><x:empty/></x:meta>';

/** An element tree in Clark names, namespaced attributes and text: what a value means, whatever its prefixes. */
function meaning(n: XmlNode): unknown {
  if (n.kind !== 'element') return n.kind === 'text' ? n.text : null;
  return { name: `{${n.ns}}${n.local}`, attrs: Object.fromEntries(n.attrs), children: n.children.map(meaning) };
}

/** The meaning of the first element named `{ns}local` in a multistatus. */
function valueOf(text: string, ns: string, local: string): unknown {
  const stack: XmlNode[] = [parseXml(text)];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.kind !== 'element') continue;
    if (n.ns === ns && n.local === local) return meaning(n);
    stack.push(...n.children);
  }
  return undefined;
}

/** The `<prop>` of the 200 propstat of a single-response multistatus. */
const found = (text: string) => /<d:propstat><d:prop>(.*?)<\/d:prop><d:status>HTTP\/1.1 200/s.exec(text)?.[1] ?? '';

for (const engine of ENGINES)
  describe(`caldav on ${engine}: dead properties on homes, calendars and objects`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let services: CalendarServices;
    let cleanup: () => Promise<void>;
    let alice: Awaited<ReturnType<typeof userClient>>;
    const home = '/dav/calendars/alice/';
    const cal = `${home}work/`;
    const event = ics(...vevent('UID:e1', 'DTSTART:20260105T100000Z', 'DTEND:20260105T110000Z', 'SUMMARY:x'));

    before(async function () {
      const s = await engineServer(this, engine);
      if (!s) return;
      ({ server, services, cleanup } = s);
      alice = await userClient(server, 'alice');
      assert.equal((await alice.send('MKCALENDAR', cal, { body: mkcalendarBody('Work') })).status, 201);
      assert.equal((await putIcs(alice, `${cal}e1.ics`, event)).status, 201);
    });
    after(async () => cleanup?.());

    it('stores what clients set on a calendar, returns it by name, in allprop and propname, and removes it', async () => {
      const r = await alice.send('PROPPATCH', cal, {
        body: set(`${ALARM}<cs:invite-tag>t1</cs:invite-tag>${NESTED}<ic:calendar-color>#00FF00</ic:calendar-color>`),
      });
      assert.equal(r.status, 207, r.text);
      assert.doesNotMatch(r.text, /HTTP\/1.1 (403|424)/);
      const byName = await alice.send('PROPFIND', cal, {
        headers: { depth: '0' },
        body: find(
          '<c:default-alarm-vevent-datetime/><cs:invite-tag/><x:meta xmlns:x="urn:example:x"/><ic:calendar-color/>',
        ),
      });
      const props = found(byName.text);
      assert.match(props, /TRIGGER:-PT15M/);
      assert.match(props, /<[a-z0-9]+:invite-tag xmlns:[a-z0-9]+="http:\/\/calendarserver.org\/ns\/">t1</);
      // Namespaces round-trip: the element, the nested element, the prefixed attribute and the escaped text.
      assert.deepEqual(valueOf(byName.text, 'urn:example:x', 'meta'), valueOf(NESTED, 'urn:example:x', 'meta'));
      // calendar-color is the calendar's own (live) property, stored in its row, not as a dead one.
      assert.match(props, /#00FF00/);
      assert.equal((await services.calendars.get('alice', 'work'))?.color, '#00FF00');
      const all = await alice.send('PROPFIND', cal, { headers: { depth: '0' } });
      assert.match(found(all.text), /invite-tag/);
      const names = await alice.send('PROPFIND', cal, {
        headers: { depth: '0' },
        body: `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>`,
      });
      assert.match(names.text, /<x:meta xmlns:x="urn:example:x"\/>/);
      assert.equal((await alice.send('PROPPATCH', cal, { body: remove('<cs:invite-tag/>') })).status, 207);
      const after = await alice.send('PROPFIND', cal, { headers: { depth: '0' }, body: find('<cs:invite-tag/>') });
      assert.match(after.text, /HTTP\/1.1 404/);
    });

    it('stores dead properties on the home and on objects, listed with Depth 1', async () => {
      assert.equal((await alice.send('PROPPATCH', home, { body: set(ALARM) })).status, 207);
      const obj = await alice.send('PROPPATCH', `${cal}e1.ics`, { body: set('<cs:x-note>mine</cs:x-note>') });
      assert.equal(obj.status, 207, obj.text);
      const homeProps = await alice.send('PROPFIND', home, {
        headers: { depth: '0' },
        body: find('<c:default-alarm-vevent-datetime/>'),
      });
      assert.match(found(homeProps.text), /TRIGGER:-PT15M/);
      const listing = await alice.send('PROPFIND', cal, { headers: { depth: '1' }, body: find('<cs:x-note/>') });
      assert.match(listing.text, /e1\.ics<\/d:href><d:propstat><d:prop><[a-z0-9]+:x-note[^>]*>mine</);
      // Replacing the object's body keeps its properties (RFC 4918 §9.7.1); deleting it drops them.
      const changed = event.replace('SUMMARY:x', 'SUMMARY:y');
      assert.equal((await putIcs(alice, `${cal}e1.ics`, changed)).status, 204);
      const kept = await alice.send('PROPFIND', `${cal}e1.ics`, {
        headers: { depth: '0' },
        body: find('<cs:x-note/>'),
      });
      assert.match(found(kept.text), /mine/);
      assert.equal((await alice.send('DELETE', `${cal}e1.ics`)).status, 204);
      assert.equal((await putIcs(alice, `${cal}e1.ics`, event)).status, 201);
      const fresh = await alice.send('PROPFIND', `${cal}e1.ics`, {
        headers: { depth: '0' },
        body: find('<cs:x-note/>'),
      });
      assert.doesNotMatch(fresh.text, /mine/);
      // Deleted another way (the JSON API, a federation pull): the object's rows go with it all the same.
      assert.equal(
        (await alice.send('PROPPATCH', `${cal}e1.ics`, { body: set('<cs:x-note>again</cs:x-note>') })).status,
        207,
      );
      const work = (await services.calendars.get('alice', 'work'))!;
      const notes = () =>
        server.engine.database.db
          .selectFrom('calendars_props')
          .select('member')
          .where('collection_id', '=', work.id)
          .where('name', '=', '{http://calendarserver.org/ns/}x-note')
          .execute();
      assert.deepEqual(await notes(), [{ member: 'e1.ics' }]);
      assert.ok(await services.objects.delete(work.id, 'e1.ics'));
      assert.deepEqual(await notes(), []);
      assert.equal((await putIcs(alice, `${cal}e1.ics`, event)).status, 201);
    });

    it('still refuses protected properties (403, the rest 424) and oversized values, storing nothing', async () => {
      for (const prot of [
        '<cs:getctag>1</cs:getctag>',
        '<d:getetag>"x"</d:getetag>',
        '<d:sync-token>x</d:sync-token>',
      ]) {
        const r = await alice.send('PROPPATCH', cal, { body: set(`<cs:never>1</cs:never>${prot}`) });
        assert.equal(r.status, 207, prot);
        assert.match(
          r.text,
          /HTTP\/1.1 403[\s\S]*cannot-modify-protected-property|cannot-modify-protected-property[\s\S]*HTTP\/1.1 403/,
        );
        assert.match(r.text, /HTTP\/1.1 424/);
      }
      const big = `<cs:big>${'a'.repeat(MAX_DEAD_PROPERTY_BYTES + 1)}</cs:big>`;
      const r = await alice.send('PROPPATCH', cal, { body: set(big) });
      assert.equal(r.status, 507);
      // Nor may a resource grow without bound: at most MAX_DEAD_PROPERTIES_PER_RESOURCE (the whole patch is undone).
      const fresh = `${home}many/`;
      assert.equal((await alice.send('MKCALENDAR', fresh)).status, 201);
      const many = Array.from({ length: MAX_DEAD_PROPERTIES_PER_RESOURCE + 1 }, (_, i) => `<cs:p${i}>x</cs:p${i}>`);
      assert.equal((await alice.send('PROPPATCH', fresh, { body: set(many.join('')) })).status, 507);
      assert.equal((await alice.send('PROPPATCH', fresh, { body: set(many.slice(1).join('')) })).status, 207);
      assert.equal((await alice.send('PROPPATCH', fresh, { body: set(many[0]!) })).status, 507);
      const kept = await alice.send('PROPFIND', fresh, { headers: { depth: '0' }, body: find('<cs:p0/><cs:p1/>') });
      assert.match(found(kept.text), /:p1/);
      assert.doesNotMatch(found(kept.text), /:p0/);
      assert.equal((await alice.send('DELETE', fresh)).status, 204);
      const none = await alice.send('PROPFIND', cal, {
        headers: { depth: '0' },
        body: find('<cs:never/><cs:big/>'),
      });
      assert.doesNotMatch(found(none.text), /never|big/);
    });

    it('drops a calendar’s properties with it, however it is deleted', async () => {
      const other = `${home}gone/`;
      for (const remover of ['dav', 'store'] as const) {
        assert.equal((await alice.send('MKCALENDAR', other, { body: mkcalendarBody('Gone') })).status, 201);
        assert.equal((await putIcs(alice, `${other}e1.ics`, event)).status, 201);
        assert.equal((await alice.send('PROPPATCH', other, { body: set('<cs:left>1</cs:left>') })).status, 207);
        assert.equal(
          (await alice.send('PROPPATCH', `${other}e1.ics`, { body: set('<cs:left>2</cs:left>') })).status,
          207,
        );
        const left = () =>
          server.engine.database.db
            .selectFrom('calendars_props')
            .select('value')
            .where('name', '=', '{http://calendarserver.org/ns/}left')
            .execute();
        assert.equal((await left()).length, 2);
        if (remover === 'dav') assert.equal((await alice.send('DELETE', other)).status, 204);
        else assert.ok(await services.calendars.delete((await services.calendars.get('alice', 'gone'))!.id));
        assert.deepEqual(await left(), [], remover);
        assert.equal((await alice.send('MKCALENDAR', other, { body: mkcalendarBody('Again') })).status, 201);
        assert.equal((await putIcs(alice, `${other}e1.ics`, event)).status, 201);
        const r = await alice.send('PROPFIND', other, { headers: { depth: '1' }, body: find('<cs:left/>') });
        assert.doesNotMatch(r.text, /:left[^/]*>/, remover);
        assert.equal((await alice.send('DELETE', other)).status, 204);
      }
    });

    it('moves an object’s dead properties with it and copies them with COPY (RFC 4918 §9.8, §9.9)', async () => {
      const src = `${home}from/`;
      const dst = `${home}to/`;
      for (const c of [src, dst]) assert.equal((await alice.send('MKCALENDAR', c)).status, 201);
      const note = (href: string) =>
        alice.send('PROPFIND', href, { headers: { depth: '0' }, body: find('<cs:x-note/>') }).then((r) => r);
      const dest = (href: string) => ({ destination: `${server.origin}${href}` });
      assert.equal((await putIcs(alice, `${src}m.ics`, event)).status, 201);
      assert.equal(
        (await alice.send('PROPPATCH', `${src}m.ics`, { body: set('<cs:x-note>kept</cs:x-note>') })).status,
        207,
      );
      // Renamed in its calendar: the UID stays, and so do the properties.
      const renamed = await alice.send('MOVE', `${src}m.ics`, { headers: dest(`${src}n.ics`) });
      assert.equal(renamed.status, 201, renamed.text);
      assert.match(found((await note(`${src}n.ics`)).text), /kept/);
      // Moved to another calendar.
      const moved = await alice.send('MOVE', `${src}n.ics`, { headers: dest(`${dst}m.ics`) });
      assert.equal(moved.status, 201, moved.text);
      assert.equal((await alice.send('GET', `${src}n.ics`)).status, 404);
      assert.match(found((await note(`${dst}m.ics`)).text), /kept/);
      // Copied back: both have them, and changing one leaves the other alone.
      const copied = await alice.send('COPY', `${dst}m.ics`, { headers: dest(`${src}c.ics`) });
      assert.equal(copied.status, 201, copied.text);
      assert.match(found((await note(`${src}c.ics`)).text), /kept/);
      assert.equal(
        (await alice.send('PROPPATCH', `${src}c.ics`, { body: set('<cs:x-note>copy</cs:x-note>') })).status,
        207,
      );
      assert.match(found((await note(`${dst}m.ics`)).text), /kept/);
      // Moved over an object that had properties of its own: the moved ones replace them.
      assert.equal((await alice.send('PROPPATCH', `${dst}m.ics`, { body: set('<cs:other>1</cs:other>') })).status, 207);
      const over = await alice.send('MOVE', `${src}c.ics`, { headers: dest(`${dst}m.ics`) });
      assert.equal(over.status, 204, over.text);
      const after = await alice.send('PROPFIND', `${dst}m.ics`, {
        headers: { depth: '0' },
        body: find('<cs:x-note/><cs:other/>'),
      });
      assert.match(found(after.text), /copy/);
      assert.doesNotMatch(found(after.text), /:other/);
      for (const c of [src, dst]) assert.equal((await alice.send('DELETE', c)).status, 204);
    });
  });
