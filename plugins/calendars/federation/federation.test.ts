import assert from 'node:assert/strict';
import { basicFor, davClient } from '../../../test/harness/dav-test-client.ts';
import { eventually, startTestServer } from '../../../test/harness/test-server.ts';
import { calendarsPlugin, type CalendarServices } from '../index.ts';
import { event, objectsOf, ownerPut, shareAndAccept, start, type Node } from './testing/federation-nodes.ts';

describe('federated calendars across three servers', function () {
  this.timeout(60_000);
  let a: Node;
  let b: Node;
  let c: Node;
  let alice: string;
  let bob: string;
  let carol: string;
  let calId: string;
  let bobCopy: string;
  let carolCopy: string;
  let bobShare: string;

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
  });
  after(async () => Promise.all([a, b, c].map((n) => n?.server.destroy())));

  it('shares read-write: the recipient gets a synced copy with name, colour and access', async () => {
    ({ outgoingId: bobShare, copyId: bobCopy } = await shareAndAccept(a, alice, calId, b, bob, 'bob', [
      'read',
      'write',
    ]));
    const list = (await b.server.api(bob, 'GET', '/api/v1/calendars/federated')).body;
    assert.equal(list[0].displayName, 'Work');
    assert.equal(list[0].color, '#0082c9');
    assert.equal(list[0].access, 'read-write');
    assert.equal(list[0].owner, `alice@${a.server.host}`);
    const objs = await objectsOf(b, bob, bobCopy);
    assert.deepEqual(
      objs.map((o) => o.uri),
      ['standup.ics'],
    );
    assert.match(objs[0].data, /SUMMARY:Standup/);
    ({ copyId: carolCopy } = await shareAndAccept(a, alice, calId, c, carol, 'carol', ['read']));
  });

  it("an owner's change reaches the recipients through SYNC_CALENDAR", async () => {
    await ownerPut(a, calId, 'review.ics', event('review', 'Review'));
    for (const [n, t, id] of [
      [b, bob, bobCopy],
      [c, carol, carolCopy],
    ] as const)
      await eventually(
        async () => (await objectsOf(n, t, id)).some((o) => o.uri === 'review.ics'),
        10_000,
        'the new event on a recipient',
      );
  });

  it("the recipient's edit lands on the owner first and reaches the third server", async () => {
    const put = await b.server.api(bob, 'PUT', `/api/v1/calendars/federated/${bobCopy}/objects/lunch.ics`, {
      data: event('lunch', 'Lunch by Bob'),
    });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    const onOwner = await a.services.objects.get(calId, 'lunch.ics');
    assert.match(onOwner!.data.toString(), /Lunch by Bob/);
    await eventually(
      async () => (await objectsOf(c, carol, carolCopy)).some((o) => /Lunch by Bob/.test(o.data)),
      10_000,
      "bob's event at carol's",
    );
    const del = await b.server.api(bob, 'DELETE', `/api/v1/calendars/federated/${bobCopy}/objects/lunch.ics`);
    assert.equal(del.status, 204);
    assert.equal(await a.services.objects.get(calId, 'lunch.ics'), null);
    await eventually(
      async () => !(await objectsOf(c, carol, carolCopy)).some((o) => o.uri === 'lunch.ics'),
      10_000,
      'the deletion at carol',
    );
  });

  it('a read-only share refuses writes with 403 and changes nothing on either side', async () => {
    const put = await c.server.api(carol, 'PUT', `/api/v1/calendars/federated/${carolCopy}/objects/x.ics`, {
      data: event('x', 'Carol tries'),
    });
    assert.equal(put.status, 403);
    assert.equal(put.body.code, 'CALENDAR_READ_ONLY');
    assert.equal(await a.services.objects.get(calId, 'x.ics'), null);
    assert.ok(!(await objectsOf(c, carol, carolCopy)).some((o) => o.uri === 'x.ics'));
  });

  it("a permission change by the owner: the recipient's copy follows (up and down at once, CalDAV included)", async () => {
    const outgoing = (await a.server.api(alice, 'GET', '/api/v1/shares/outgoing')).body;
    const toCarol = outgoing.find((s: any) => s.shareWith.startsWith('carol@'));
    const up = await a.server.api(alice, 'PATCH', `/api/v1/shares/outgoing/${toCarol.id}`, {
      permissions: ['read', 'write'],
    });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    await eventually(
      async () => (await c.server.api(carol, 'GET', '/api/v1/calendars/federated')).body[0]?.access === 'read-write',
      10_000,
      "carol's copy to become read-write",
    );
    const put = await c.server.api(carol, 'PUT', `/api/v1/calendars/federated/${carolCopy}/objects/carol.ics`, {
      data: event('carol', 'By Carol'),
    });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    assert.match((await a.services.objects.get(calId, 'carol.ics'))!.data.toString(), /By Carol/);
    const down = await a.server.api(alice, 'PATCH', `/api/v1/shares/outgoing/${toCarol.id}`, { permissions: ['read'] });
    assert.equal(down.status, 200);
    await eventually(
      async () => (await c.server.api(carol, 'GET', '/api/v1/calendars/federated')).body[0]?.access === 'read',
      5_000,
      "carol's copy to become read-only",
    );
    // No write was tried: the change itself reached carol's server. Her CalDAV client sees a read-only calendar
    // and a write through it is refused before it reaches the owner.
    const copyUri = (await c.server.api(carol, 'GET', '/api/v1/calendars/federated')).body[0].uri;
    const carolDav = davClient(c.server.origin, basicFor('carol'));
    const privileges = await carolDav.send('PROPFIND', `/dav/calendars/carol/${copyUri}/`, {
      headers: { depth: '0', 'content-type': 'application/xml' },
      body: '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-privilege-set/></d:prop></d:propfind>',
    });
    assert.equal(privileges.status, 207, privileges.text);
    assert.match(privileges.text, /<d:read\/>/);
    assert.doesNotMatch(privileges.text, /<d:write\/>|<d:write-content\/>|<d:bind\/>/);
    const davPut = await carolDav.send('PUT', `/dav/calendars/carol/${copyUri}/carol.ics`, {
      headers: { 'content-type': 'text/calendar' },
      body: event('carol', 'Carol again'),
    });
    assert.equal(davPut.status, 403, davPut.text);
    assert.match(davPut.text, /need-privileges/);
    const refused = await c.server.api(carol, 'DELETE', `/api/v1/calendars/federated/${carolCopy}/objects/carol.ics`);
    assert.equal(refused.status, 403);
    assert.match((await a.services.objects.get(calId, 'carol.ics'))!.data.toString(), /By Carol/);
  });

  it('the owner endpoint answers 401 to a credential that proves no share', async () => {
    const url = `${a.server.origin}/dav/remote-calendars/nope/`;
    const res = await fetch(url, { method: 'PROPFIND', headers: { authorization: 'Basic eDp5' } });
    assert.equal(res.status, 401);
  });

  it('the owner down: the copy stays readable, writes fail at once with 503; back up, sync catches up', async () => {
    const port = a.server.port;
    const dataDir = a.server.dataDir;
    await a.server.stop();
    const objs = await objectsOf(b, bob, bobCopy);
    assert.ok(objs.some((o) => o.uri === 'standup.ics'));
    const put = await b.server.api(bob, 'PUT', `/api/v1/calendars/federated/${bobCopy}/objects/down.ics`, {
      data: event('down', 'While down'),
    });
    assert.equal(put.status, 503);
    assert.equal(put.body.code, 'CALENDAR_OWNER_UNREACHABLE');
    assert.ok(!(await objectsOf(b, bob, bobCopy)).some((o) => o.uri === 'down.ics'));
    let services: CalendarServices | null = null;
    const server = await startTestServer({
      port,
      dataDir,
      plugins: [calendarsPlugin({ onReady: (s) => (services = s) })],
    });
    a = { server, services: services! };
    await ownerPut(a, calId, 'after.ics', event('after', 'After restart'));
    await eventually(
      async () => (await objectsOf(b, bob, bobCopy)).some((o) => o.uri === 'after.ics'),
      20_000,
      'the change made after the restart',
    );
    const again = await b.server.api(bob, 'PUT', `/api/v1/calendars/federated/${bobCopy}/objects/down.ics`, {
      data: event('down', 'Now it works'),
    });
    assert.equal(again.status, 201);
  });

  it('a downgrade of a read-write share reaches the copy at once', async () => {
    const down = await a.server.api(alice, 'PATCH', `/api/v1/shares/outgoing/${bobShare}`, { permissions: ['read'] });
    assert.equal(down.status, 200, JSON.stringify(down.body));
    await eventually(
      async () => (await b.server.api(bob, 'GET', '/api/v1/calendars/federated')).body[0]?.access === 'read',
      5_000,
      "bob's copy to become read-only",
    );
  });

  it('unshare removes the copy (the owner answers 401 from then on)', async () => {
    alice = await a.server.user('alice', 'Alice');
    const res = await a.server.api(alice, 'DELETE', `/api/v1/shares/outgoing/${bobShare}`);
    assert.ok(res.status < 300, JSON.stringify(res.body));
    await eventually(
      async () => (await b.server.api(bob, 'GET', '/api/v1/calendars/federated')).body.length === 0,
      10_000,
      'the copy to go',
    );
  });

  it('a calendar gone on the owner (404 for its collection) ends that share on the next pull, and only that one', async () => {
    const gone = await a.services.calendars.create({ ownerId: 'alice', uri: 'gone', props: { displayName: 'Gone' } });
    await ownerPut(a, gone.id, 'g.ics', event('g', 'G'));
    const created = await a.server.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'calendar',
      resourceId: gone.id,
      shareWith: `carol@${c.server.host}`,
      permissions: ['read'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const incoming = await eventually(
      async () =>
        (await c.server.api(carol, 'GET', '/api/v1/shares/incoming')).body.find(
          (s: any) => s.resourceType === 'calendar' && s.state === 'pending',
        ),
      10_000,
      'the second calendar share',
    );
    assert.equal((await c.server.api(carol, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);
    const copy = await eventually(
      async () =>
        (await c.server.api(carol, 'GET', '/api/v1/calendars/federated')).body.find(
          (x: any) => x.displayName === 'Gone' && x.syncedAt !== null,
        ),
      10_000,
      'the second copy',
    );
    // The calendar disappears on the owner's side without any notification (the share row stays).
    await a.services.calendars.delete(gone.id);
    await c.server.api(carol, 'POST', `/api/v1/calendars/federated/${copy.id}/sync`);
    await eventually(
      async () =>
        !(await c.server.api(carol, 'GET', '/api/v1/calendars/federated')).body.some((x: any) => x.id === copy.id),
      10_000,
      'the copy of the vanished calendar to go',
    );
    const left = (await c.server.api(carol, 'GET', '/api/v1/calendars/federated')).body;
    assert.deepEqual(
      left.map((x: any) => x.id),
      [carolCopy],
    );
    assert.ok((await objectsOf(c, carol, carolCopy)).length > 0);
  });
});
