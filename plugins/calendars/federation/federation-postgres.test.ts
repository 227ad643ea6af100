import assert from 'node:assert/strict';
import { freshPostgresUrl, postgresAvailable } from '../../../test/harness/databases.ts';
import { eventually } from '../../../test/harness/test-server.ts';
import { event, objectsOf, ownerPut, shareAndAccept, start, type Node } from './testing/federation-nodes.ts';
import { NextcloudCalendarPeer } from './testing/nextcloud-calendar-peer.ts';

/**
 * Federated calendars with both Meshwork servers on PostgreSQL, and the periodic safety net: a change the owner
 * never announces (no SYNC_CALENDAR) still reaches the copy within MESHWORK_CALENDAR_SYNC_INTERVAL_MS.
 */
describe('federated calendars on PostgreSQL, and the periodic safety net', function () {
  this.timeout(60_000);
  let a: Node;
  let b: Node;
  let nc: NextcloudCalendarPeer;
  const drops: Array<() => Promise<void>> = [];

  before(async function () {
    if (!(await postgresAvailable())) return this.skip();
    const [pa, pb] = await Promise.all([freshPostgresUrl(), freshPostgresUrl()]);
    drops.push(pa.drop, pb.drop);
    nc = new NextcloudCalendarPeer();
    await nc.start();
    [a, b] = await Promise.all([
      start(undefined, { MESHWORK_DATABASE_URL: pa.url }),
      start(undefined, { MESHWORK_DATABASE_URL: pb.url, MESHWORK_CALENDAR_SYNC_INTERVAL_MS: '1000' }),
    ]);
  });
  after(async () => {
    await Promise.all([a?.server.destroy(), b?.server.destroy(), nc?.stop()]);
    for (const d of drops) await d().catch(() => {});
  });

  it('shares, syncs and writes through between two PostgreSQL servers', async () => {
    const alice = await a.server.user('alice');
    const bob = await b.server.user('bob');
    const cal = await a.services.calendars.create({ ownerId: 'alice', uri: 'pg', props: { displayName: 'PG' } });
    await ownerPut(a, cal.id, 'one.ics', event('one', 'One'));
    const { copyId } = await shareAndAccept(a, alice, cal.id, b, bob, 'bob', ['read', 'write']);
    assert.ok((await objectsOf(b, bob, copyId)).some((o) => o.uri === 'one.ics'));
    const put = await b.server.api(bob, 'PUT', `/api/v1/calendars/federated/${copyId}/objects/two.ics`, {
      data: event('two', 'Two by Bob'),
    });
    assert.equal(put.status, 201);
    assert.match((await a.services.objects.get(cal.id, 'two.ics'))!.data.toString(), /Two by Bob/);
  });

  it('pulls a change nobody announced on the periodic safety net', async () => {
    const bob = await b.server.user('bob');
    const owned = nc.owner.add({
      uri: 'quiet',
      displayName: 'Quiet',
      color: null,
      access: 3,
      shareWith: `bob@${b.server.host}`,
    });
    assert.equal((await nc.share(b.server.origin, owned)).status, 201);
    const incoming = (await b.server.api(bob, 'GET', '/api/v1/shares/incoming')).body.find(
      (s: any) => s.resourceType === 'calendar' && s.state === 'pending',
    );
    assert.equal((await b.server.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);
    const copy = await eventually(
      async () =>
        (await b.server.api(bob, 'GET', '/api/v1/calendars/federated')).body.find(
          (c: any) => c.displayName === 'Quiet' && c.syncedAt,
        ),
      10_000,
      'the copy',
    );
    nc.owner.put(owned, 'unannounced.ics', event('unannounced', 'Nobody told you'));
    await eventually(
      async () => (await objectsOf(b, bob, copy.id)).some((o) => o.uri === 'unannounced.ics'),
      20_000,
      'the unannounced change',
    );
  });

  it('removes a copy whose share ended without its removal hook having run (a stop between the two)', async () => {
    const alice = await a.server.user('alice');
    const bob = await b.server.user('bob');
    const cal = await a.services.calendars.create({ ownerId: 'alice', uri: 'ended', props: { displayName: 'Ended' } });
    await ownerPut(a, cal.id, 'e.ics', event('e', 'E'));
    const { incomingId, copyId } = await shareAndAccept(a, alice, cal.id, b, bob, 'bob', ['read']);
    // What a server killed after committing the share's end, before its plugin removed the copy, leaves behind.
    await b.server.engine.database.db
      .updateTable('shares_in')
      .set({ state: 'removed' })
      .where('id', '=', incomingId)
      .execute();
    await eventually(
      async () =>
        !(await b.server.api(bob, 'GET', '/api/v1/calendars/federated')).body.some((c: any) => c.id === copyId),
      20_000,
      'the orphaned copy to go',
    );
    const others = (await b.server.api(bob, 'GET', '/api/v1/calendars/federated')).body;
    assert.ok(others.length > 0, 'the copies of live shares stay');
  });
});
