import assert from 'node:assert/strict';
import { DAVClient, type DAVCalendar } from 'tsdav';
import { eventually, startTestServer } from '../../../test/harness/test-server.ts';
import { calendarsPlugin, type CalendarServices } from '../index.ts';
import { event, objectsOf, ownerPut, shareAndAccept, start, type Node } from './testing/federation-nodes.ts';

/**
 * The recipient's own CalDAV client (tsdav) on a federated calendar: alice@A shares "Work" read-write with bob@B and
 * read-only with carol@C; bob's tsdav lists and edits it, the edits land on A first and reach carol's copy on C.
 */
describe('federated calendars in the recipient’s tsdav client (three servers)', function () {
  this.timeout(90_000);
  let a: Node;
  let b: Node;
  let c: Node;
  let alice: string;
  let bob: string;
  let carol: string;
  let calId: string;
  let carolCopy: string;
  let client: DAVClient;
  let shared: DAVCalendar;

  const tsdav = (n: Node, user: string) =>
    new DAVClient({
      serverUrl: n.server.origin,
      credentials: { username: user, password: `${user}-password` },
      authMethod: 'Basic',
      defaultAccountType: 'caldav',
    });

  before(async () => {
    [a, b, c] = await Promise.all([start(), start(), start()]);
    alice = await a.server.user('alice', 'Alice');
    bob = await b.server.user('bob', 'Bob');
    carol = await c.server.user('carol', 'Carol');
    const cal = await a.services.calendars.create({
      ownerId: 'alice',
      uri: 'work',
      props: { displayName: 'Work', color: '#0082c9' },
    });
    calId = cal.id;
    await ownerPut(a, calId, 'standup.ics', event('standup', 'Standup'));
    await shareAndAccept(a, alice, calId, b, bob, 'bob', ['read', 'write']);
    ({ copyId: carolCopy } = await shareAndAccept(a, alice, calId, c, carol, 'carol', ['read']));
    client = tsdav(b, 'bob');
    await client.login();
  });
  after(async () => Promise.all([a, b, c].map((n) => n?.server.destroy())));

  it("lists the shared calendar beside bob's own, with its name and colour, and its events", async () => {
    await client.makeCalendar({ url: `${b.server.origin}/dav/calendars/bob/mine/`, props: { displayname: 'Mine' } });
    const calendars = await client.fetchCalendars();
    // Bob's default calendar (made on his first listing), the one he made, and the shared one.
    assert.deepEqual(calendars.map((x) => x.displayName).sort(), ['Mine', 'Personal', 'Work']);
    shared = calendars.find((x) => x.displayName === 'Work')!;
    assert.equal(shared.calendarColor, '#0082c9');
    const objects = await client.fetchCalendarObjects({ calendar: shared });
    assert.equal(objects.length, 1);
    assert.match(String(objects[0]!.data), /SUMMARY:Standup/);
  });

  it('creates, updates and deletes events: each lands on the owner first and reaches the third server', async () => {
    const created = await client.createCalendarObject({
      calendar: shared,
      filename: 'lunch.ics',
      iCalString: event('lunch', 'Lunch by Bob'),
    });
    assert.equal(created.status, 201);
    assert.match((await a.services.objects.get(calId, 'lunch.ics'))!.data.toString(), /Lunch by Bob/);
    await eventually(
      async () => (await objectsOf(c, carol, carolCopy)).some((o) => /Lunch by Bob/.test(o.data)),
      15_000,
      "bob's new event at carol's",
    );
    const [lunch] = (await client.fetchCalendarObjects({ calendar: shared })).filter((o) =>
      o.url.endsWith('lunch.ics'),
    );
    const updated = await client.updateCalendarObject({
      calendarObject: { ...lunch!, data: event('lunch', 'Long lunch by Bob') },
    });
    assert.equal(updated.status, 204);
    assert.match((await a.services.objects.get(calId, 'lunch.ics'))!.data.toString(), /Long lunch/);
    await eventually(
      async () => (await objectsOf(c, carol, carolCopy)).some((o) => /Long lunch/.test(o.data)),
      15_000,
      "bob's edit at carol's",
    );
    const [again] = (await client.fetchCalendarObjects({ calendar: shared })).filter((o) =>
      o.url.endsWith('lunch.ics'),
    );
    assert.equal((await client.deleteCalendarObject({ calendarObject: again! })).status, 204);
    assert.equal(await a.services.objects.get(calId, 'lunch.ics'), null);
    await eventually(
      async () => !(await objectsOf(c, carol, carolCopy)).some((o) => o.uri === 'lunch.ics'),
      15_000,
      'the deletion at carol',
    );
  });

  it("an owner's change shows up in bob's next sync", async () => {
    const before = shared.syncToken;
    await ownerPut(a, calId, 'review.ics', event('review', 'Review'));
    await eventually(
      async () => {
        const [cal] = (await client.fetchCalendars()).filter((x) => x.displayName === 'Work');
        return cal!.syncToken !== before;
      },
      15_000,
      'a new sync token on the copy',
    );
    const objects = await client.fetchCalendarObjects({ calendar: shared });
    assert.ok(objects.some((o) => /SUMMARY:Review/.test(String(o.data))));
  });

  it("carol's read-only copy refuses her client's write with 403 need-privileges", async () => {
    const carolClient = tsdav(c, 'carol');
    await carolClient.login();
    const cal = (await carolClient.fetchCalendars()).find((x) => x.displayName === 'Work');
    const res = await carolClient.createCalendarObject({
      calendar: cal!,
      filename: 'x.ics',
      iCalString: event('x', 'Carol tries'),
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /need-privileges/);
    assert.equal(await a.services.objects.get(calId, 'x.ics'), null);
  });

  it('the owner down: bob still reads, his write fails at once with 503 and a DAV error; back up, all is there', async () => {
    const { port, dataDir } = a.server;
    await a.server.stop();
    const objects = await client.fetchCalendarObjects({ calendar: shared });
    assert.ok(objects.some((o) => /Standup/.test(String(o.data))));
    const res = await client.createCalendarObject({
      calendar: shared,
      filename: 'down.ics',
      iCalString: event('down', 'While down'),
    });
    assert.equal(res.status, 503);
    const body = await res.text();
    assert.match(body, /<d:error/);
    assert.match(body, /CALENDAR_OWNER_UNREACHABLE/);
    assert.ok(!(await client.fetchCalendarObjects({ calendar: shared })).some((o) => o.url.endsWith('down.ics')));
    let services: CalendarServices | null = null;
    const server = await startTestServer({
      port,
      dataDir,
      plugins: [calendarsPlugin({ onReady: (s) => (services = s) })],
    });
    a = { server, services: services! };
    await ownerPut(a, calId, 'after.ics', event('after', 'After restart'));
    await eventually(
      async () =>
        (await client.fetchCalendarObjects({ calendar: shared })).some((o) => /After restart/.test(String(o.data))),
      20_000,
      'the change made after the restart',
    );
    const retry = await client.createCalendarObject({
      calendar: shared,
      filename: 'down.ics',
      iCalString: event('down', 'Now it works'),
    });
    assert.equal(retry.status, 201);
  });

  it("unshare: the calendar is gone from bob's client on its next sync", async () => {
    alice = await a.server.user('alice', 'Alice');
    const outgoing = (await a.server.api(alice, 'GET', '/api/v1/shares/outgoing')).body;
    const toBob = outgoing.find((s: any) => s.shareWith.startsWith('bob@'));
    assert.ok((await a.server.api(alice, 'DELETE', `/api/v1/shares/outgoing/${toBob.id}`)).status < 300);
    await eventually(
      async () => !(await client.fetchCalendars()).some((x) => x.displayName === 'Work'),
      15_000,
      'the shared calendar to leave bob’s client',
    );
    assert.deepEqual((await client.fetchCalendars()).map((x) => x.displayName).sort(), ['Mine', 'Personal']);
  });
});
