import assert from 'node:assert/strict';
import { davClient, basicFor } from '../../../test/harness/dav-test-client.ts';
import { eventually, startTestServer, type TestServer } from '../../../test/harness/test-server.ts';
import { calendarsPlugin, type CalendarServices } from '../index.ts';
import { validateCalendarObject } from '../ical-validate.ts';
import { ics, vevent } from '../testing/ics.ts';
import { NextcloudCalendarPeer } from './testing/nextcloud-calendar-peer.ts';

function event(uid: string, summary: string): string {
  return ics(...vevent(`UID:${uid}`, 'DTSTART:20270105T100000Z', 'DTEND:20270105T110000Z', `SUMMARY:${summary}`));
}

describe('calendar federation with a Nextcloud-shaped peer', function () {
  this.timeout(60_000);
  let server: TestServer;
  let services: CalendarServices;
  let nc: NextcloudCalendarPeer;

  before(async () => {
    nc = new NextcloudCalendarPeer();
    await nc.start();
    server = await startTestServer({
      plugins: [calendarsPlugin({ onReady: (s) => (services = s) })],
    });
  });
  after(async () => {
    await server?.destroy();
    await nc?.stop();
  });

  describe('Meshwork owns, Nextcloud receives', () => {
    let alice: string;
    let calId: string;
    const put = async (uri: string, text: string) => {
      const v = validateCalendarObject(text, { supportedComponents: ['VEVENT', 'VTODO'] });
      await services.objects.put(calId, uri, v.bytes, v.index);
    };

    before(async () => {
      alice = await server.user('alice', 'Alice');
      const cal = await services.calendars.create({
        ownerId: 'alice',
        uri: 'team',
        props: { displayName: 'Team', color: '#ff8800' },
      });
      calId = cal.id;
      await put('kickoff.ics', event('kickoff', 'Kickoff'));
    });

    it('sends the v1 protocol block exactly, and Nextcloud takes it (201)', async () => {
      const res = await server.api(alice, 'POST', '/api/v1/shares', {
        resourceType: 'calendar',
        resourceId: calId,
        shareWith: `bob@${nc.host}`,
        permissions: ['read', 'write'],
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const cal = nc.receiver.calendars[0]!;
      const p = cal.body.protocol;
      assert.deepEqual(Object.keys(p).sort(), [
        'access',
        'color',
        'components',
        'displayName',
        'name',
        'options',
        'url',
        'version',
      ]);
      assert.equal(p.name, 'webdav');
      assert.equal(p.version, 'v1');
      assert.equal(p.access, 2);
      assert.equal(p.displayName, 'Team');
      assert.equal(p.color, '#ff8800');
      assert.equal(p.components, 'VEVENT,VTODO');
      assert.equal(p.options.permissions, '{http://open-cloud-mesh.org/ns}share-permissions');
      assert.equal(typeof p.options.sharedSecret, 'string');
      assert.equal(new URL(p.url).host, server.host, 'the url is on the host of our cloud ids (auto-accept)');
      assert.equal(cal.body.sharedBy, `alice@${server.host}`);
      assert.equal(cal.body.resourceType, 'calendar');
    });

    it('Nextcloud pulls with its exact REPORT (no Depth, no sync-level) and Basic base64(cloud id):secret', async () => {
      const cal = nc.receiver.calendars[0]!;
      assert.equal(await nc.receiver.pull(cal), 1);
      assert.match(cal.syncToken ?? '', /^http:\/\/sabre\.io\/ns\/sync\/\d+$/);
      assert.match(cal.objects.get('kickoff.ics') ?? '', /SUMMARY:Kickoff/);
      assert.equal(await nc.receiver.pull(cal), 0, 'nothing new');
    });

    it('a change sends SYNC_CALENDAR with providerId "calendar"; the pull sees it, deletions as 404', async () => {
      const cal = nc.receiver.calendars[0]!;
      await put('retro.ics', event('retro', 'Retro'));
      await eventually(async () => cal.syncNotifications > 0, 10_000, 'SYNC_CALENDAR at Nextcloud');
      assert.deepEqual(nc.receiver.refused, []);
      assert.equal(await nc.receiver.pull(cal), 1);
      assert.ok(cal.objects.has('retro.ics'));
      await services.objects.delete(calId, 'retro.ics');
      assert.equal(await nc.receiver.pull(cal), 1);
      assert.ok(!cal.objects.has('retro.ics'));
    });

    it("Nextcloud's write-back (PUT without If-Match) gets an ETag and lands in the calendar", async () => {
      const cal = nc.receiver.calendars[0]!;
      const r = await nc.receiver.writeBack(cal, 'nc-made.ics', event('nc-made', 'From Nextcloud'));
      assert.equal(r.status, 201);
      assert.match(r.etag, /^"[0-9a-f]+"$/);
      assert.match((await services.objects.get(calId, 'nc-made.ics'))!.data.toString(), /From Nextcloud/);
    });

    it('a read-only share refuses Nextcloud writes; unshare answers 401 and Nextcloud drops the calendar', async () => {
      const ro = await server.api(alice, 'POST', '/api/v1/shares', {
        resourceType: 'calendar',
        resourceId: calId,
        shareWith: `carol@${nc.host}`,
        permissions: ['read'],
      });
      assert.equal(ro.status, 201);
      const carolCal = nc.receiver.calendars.find((c) => c.shareWith === `carol@${nc.host}`)!;
      assert.equal(carolCal.access, 3);
      assert.equal((await nc.receiver.writeBack(carolCal, 'x.ics', event('x', 'No'))).status, 403);
      assert.equal(await services.objects.get(calId, 'x.ics'), null);
      const outgoing = (await server.api(alice, 'GET', '/api/v1/shares/outgoing')).body;
      for (const s of outgoing) await server.api(alice, 'DELETE', `/api/v1/shares/outgoing/${s.id}`);
      await nc.receiver.pull(carolCal);
      assert.equal(carolCal.deleted, true);
      // The SHARE_UNSHARED our core sends is shaped for Nextcloud: providerId "calendar", the share's secret, sharee
      // and calendar URL (Nextcloud answers 201 and ignores it; any other providerId is a 400).
      const unshared = await eventually(
        async () =>
          nc.receiver.ignored.find(
            (n) => n.notificationType === 'SHARE_UNSHARED' && n.notification?.calendarUrl === carolCal.url,
          ),
        10_000,
        'SHARE_UNSHARED at Nextcloud',
      );
      assert.equal(unshared.providerId, 'calendar');
      assert.equal(unshared.resourceType, 'calendar');
      assert.equal(unshared.notification.sharedSecret, carolCal.token);
      assert.equal(unshared.notification.shareWith, `carol@${nc.host}`);
      assert.deepEqual(
        nc.receiver.refused.filter((r) => r.reason === 'providerId'),
        [],
      );
    });

    it('a permission change reaches Nextcloud with providerId "calendar"', async () => {
      const rw = await server.api(alice, 'POST', '/api/v1/shares', {
        resourceType: 'calendar',
        resourceId: calId,
        shareWith: `dave@${nc.host}`,
        permissions: ['read', 'write'],
      });
      assert.equal(rw.status, 201, JSON.stringify(rw.body));
      const down = await server.api(alice, 'PATCH', `/api/v1/shares/outgoing/${rw.body.id}`, { permissions: ['read'] });
      assert.equal(down.status, 200, JSON.stringify(down.body));
      const changed = await eventually(
        async () =>
          nc.receiver.ignored.find(
            (n) => n.notificationType === 'SHARE_CHANGE_PERMISSION' && n.notification?.shareWith === `dave@${nc.host}`,
          ),
        10_000,
        'SHARE_CHANGE_PERMISSION at Nextcloud',
      );
      assert.equal(changed.providerId, 'calendar');
      assert.deepEqual(changed.notification.permissions, ['read']);
      assert.deepEqual(
        nc.receiver.refused.filter((r) => r.reason === 'providerId'),
        [],
      );
    });
  });

  describe('Nextcloud owns, Meshwork receives', () => {
    let bob: string;
    const dav = () => davClient(server.origin, basicFor('bob'));

    before(async () => {
      bob = await server.user('bob', 'Bob');
    });

    it('takes two calendars from one peer, both with providerId "calendar", as two shares', async () => {
      const work = nc.owner.add({
        uri: 'work',
        displayName: 'NC Work',
        color: '#0082c9',
        access: 2,
        shareWith: `bob@${server.host}`,
      });
      const hol = nc.owner.add({
        uri: 'holidays',
        displayName: 'NC Holidays',
        color: null,
        access: 3,
        shareWith: `bob@${server.host}`,
      });
      nc.owner.put(work, 'meeting.ics', event('meeting', 'Meeting'));
      nc.owner.put(hol, 'xmas.ics', event('xmas', 'Christmas'));
      assert.equal((await nc.share(server.origin, work)).status, 201);
      assert.equal((await nc.share(server.origin, hol)).status, 201);
      assert.equal((await nc.share(server.origin, work)).status, 201, 'a repeat is the same share');
      const inbox = (await server.api(bob, 'GET', '/api/v1/shares/incoming')).body.filter(
        (s: any) => s.resourceType === 'calendar',
      );
      assert.equal(inbox.length, 2);
      // Nextcloud says what the recipient may do as `access` (2 read-write, 3 read): the inbox shows it.
      const permsOf = (name: string) => inbox.find((s: any) => s.name === name)?.permissions;
      assert.deepEqual(permsOf('work'), ['read', 'write']);
      assert.deepEqual(permsOf('holidays'), ['read']);
      for (const s of inbox)
        assert.equal((await server.api(bob, 'POST', `/api/v1/shares/incoming/${s.id}/accept`)).status, 200);
      await eventually(
        async () =>
          (await server.api(bob, 'GET', '/api/v1/calendars/federated')).body.filter((c: any) => c.syncedAt).length ===
          2,
        10_000,
        'both copies synced',
      );
      const reqs = work.requests.filter((r) => r.method === 'REPORT');
      assert.ok(reqs.length > 0, 'pulled with Basic as Nextcloud checks it');
    });

    it("bob's CalDAV client lists the copies in his home with colour and read-only state", async () => {
      const copies = (await server.api(bob, 'GET', '/api/v1/calendars/federated')).body;
      const work = copies.find((c: any) => c.displayName === 'NC Work');
      const hol = copies.find((c: any) => c.displayName === 'NC Holidays');
      const r = await dav().send('PROPFIND', `/dav/calendars/bob/`, {
        headers: { depth: '1', 'content-type': 'application/xml' },
        body:
          '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:ic="http://apple.com/ns/ical/"><d:prop>' +
          '<d:displayname/><ic:calendar-color/><d:current-user-privilege-set/></d:prop></d:propfind>',
      });
      assert.equal(r.status, 207, r.text);
      assert.ok(r.text.includes(`/dav/calendars/bob/${work.uri}/`), r.text);
      assert.ok(r.text.includes('NC Work') && r.text.includes('#0082c9'), r.text);
      const holBlock = r.text.split('<d:response>').find((b) => b.includes(`/${hol.uri}/`)) ?? '';
      assert.ok(!/<d:write\/>|<d:write-content\/>/.test(holBlock), holBlock);
      const get = await dav().send('GET', `/dav/calendars/bob/${work.uri}/meeting.ics`);
      assert.equal(get.status, 200);
      assert.match(get.text, /SUMMARY:Meeting/);
    });

    it('SYNC_CALENDAR from Nextcloud pulls the right copy (resolved by secret and URL)', async () => {
      const work = [...nc.owner.calendars.values()].find((c) => c.uri === 'work')!;
      nc.owner.put(work, 'lunch.ics', event('lunch', 'Lunch'));
      const forged = nc.owner.syncBody(work) as { notification: Record<string, string> };
      forged.notification.sharedSecret = 'not-the-secret';
      assert.equal((await nc.ocm.notify(server.origin, forged)).status, 400, 'a wrong secret names no share');
      const res = await nc.sync(server.origin, work);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const copy = (await server.api(bob, 'GET', '/api/v1/calendars/federated')).body.find(
        (c: any) => c.displayName === 'NC Work',
      );
      await eventually(
        async () => (await dav().send('GET', `/dav/calendars/bob/${copy.uri}/lunch.ics`)).status === 200,
        10_000,
        'the pulled event',
      );
    });

    it('a re-share from Nextcloud rotates the token: the same share and copy, pulled with the new one', async () => {
      const work = [...nc.owner.calendars.values()].find((c) => c.uri === 'work')!;
      const before = (await server.api(bob, 'GET', '/api/v1/shares/incoming')).body.filter(
        (s: any) => s.resourceType === 'calendar',
      );
      work.token = 'rotated-token-0123456789abcdefghij';
      assert.equal((await nc.share(server.origin, work)).status, 201);
      const after = (await server.api(bob, 'GET', '/api/v1/shares/incoming')).body.filter(
        (s: any) => s.resourceType === 'calendar',
      );
      assert.deepEqual(
        after.map((s: any) => s.id),
        before.map((s: any) => s.id),
      );
      nc.owner.put(work, 'after-rotation.ics', event('after-rotation', 'After rotation'));
      assert.equal((await nc.sync(server.origin, work)).status, 201);
      const copy = (await server.api(bob, 'GET', '/api/v1/calendars/federated')).body.find(
        (c: any) => c.displayName === 'NC Work',
      );
      await eventually(
        async () => (await dav().send('GET', `/dav/calendars/bob/${copy.uri}/after-rotation.ics`)).status === 200,
        10_000,
        'a pull with the rotated token',
      );
    });

    it('a CalDAV PUT by bob goes to Nextcloud first with If-Match; read-only is refused with need-privileges', async () => {
      const copies = (await server.api(bob, 'GET', '/api/v1/calendars/federated')).body;
      const work = copies.find((c: any) => c.displayName === 'NC Work');
      const hol = copies.find((c: any) => c.displayName === 'NC Holidays');
      const ncWork = [...nc.owner.calendars.values()].find((c) => c.uri === 'work')!;
      const put = await dav().send('PUT', `/dav/calendars/bob/${work.uri}/meeting.ics`, {
        headers: { 'content-type': 'text/calendar; charset=utf-8' },
        body: event('meeting', 'Meeting moved by Bob'),
      });
      assert.equal(put.status, 204, put.text);
      assert.match(ncWork.objects.get('meeting.ics')!.data, /moved by Bob/);
      const last = ncWork.requests.filter((r) => r.method === 'PUT').pop()!;
      assert.match(last.ifMatch ?? '', /^"[0-9a-f]+"$/);
      const created = await dav().send('PUT', `/dav/calendars/bob/${work.uri}/new.ics`, {
        headers: { 'content-type': 'text/calendar; charset=utf-8' },
        body: event('new', 'New by Bob'),
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(ncWork.requests.filter((r) => r.method === 'PUT').pop()!.ifNoneMatch, '*');
      const ro = await dav().send('PUT', `/dav/calendars/bob/${hol.uri}/no.ics`, {
        headers: { 'content-type': 'text/calendar; charset=utf-8' },
        body: event('no', 'Refused'),
      });
      assert.equal(ro.status, 403);
      assert.match(ro.text, /need-privileges/);
    });

    it('revocation shows only as 401 on the next pull: the copy and the share go', async () => {
      const hol = [...nc.owner.calendars.values()].find((c) => c.uri === 'holidays')!;
      hol.revoked = true;
      const copy = (await server.api(bob, 'GET', '/api/v1/calendars/federated')).body.find(
        (c: any) => c.displayName === 'NC Holidays',
      );
      await server.api(bob, 'POST', `/api/v1/calendars/federated/${copy.id}/sync`);
      await eventually(
        async () =>
          !(await server.api(bob, 'GET', '/api/v1/calendars/federated')).body.some(
            (c: any) => c.displayName === 'NC Holidays',
          ),
        10_000,
        'the revoked copy to go',
      );
      assert.equal(
        (await dav().send('PROPFIND', `/dav/calendars/bob/${copy.uri}/`, { headers: { depth: '0' } })).status,
        404,
      );
    });

    it('deleting the copy in a CalDAV client leaves the share', async () => {
      const copy = (await server.api(bob, 'GET', '/api/v1/calendars/federated')).body.find(
        (c: any) => c.displayName === 'NC Work',
      );
      const del = await dav().send('DELETE', `/dav/calendars/bob/${copy.uri}/`);
      assert.ok(del.status === 204 || del.status === 200, `${del.status} ${del.text}`);
      assert.equal((await server.api(bob, 'GET', '/api/v1/calendars/federated')).body.length, 0);
      const shares = (await server.api(bob, 'GET', '/api/v1/shares/incoming')).body.filter(
        (s: any) => s.resourceType === 'calendar' && s.state === 'accepted',
      );
      assert.equal(shares.length, 0);
    });
  });
});
