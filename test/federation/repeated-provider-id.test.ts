import assert from 'node:assert/strict';
import { LegacyPeer } from '../harness/legacy-peer.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

/**
 * Nextcloud's calendar federation sends providerId "calendar" for every share. The core must not merge such
 * shares, and must route their notifications to the right one: by the owning plugin's key (the test note
 * plugin keys by a protocol `url`, as calendars will), by the shared secret, or by the plugin's resolver.
 */
describe('incoming shares whose sender repeats one providerId (as Nextcloud calendars do)', function () {
  this.timeout(30_000);
  let b: TestServer;
  let bob: string;
  const peer = new LegacyPeer();
  const url = (n: number) => `https://nc.example/remote.php/dav/remote-calendars/Ym9i/note${n}`;

  before(async () => {
    await peer.start();
    b = await startTestServer();
    bob = await b.user('bob', 'Bob');
  });
  after(async () => {
    await peer.stop();
    await b?.destroy();
  });

  const incoming = async () => (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body as any[];

  it('stores two shares with the same providerId as two, and a retry of one as that one', async () => {
    const to = `bob@${b.host}`;
    for (const n of [1, 2]) {
      const res = await peer.share(b.origin, to, {
        providerId: 'note',
        secret: `secret-${n}`,
        protocolFields: { version: 'v1', url: url(n) },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    // Nextcloud re-sharing the same note rotates the secret: same URL, so the same share.
    const retry = await peer.share(b.origin, to, {
      providerId: 'note',
      secret: 'secret-1b',
      protocolFields: { version: 'v1', url: url(1) },
    });
    assert.equal(retry.status, 201);
    const shares = await incoming();
    assert.equal(shares.length, 2);
    assert.deepEqual(
      shares.map((s) => s.providerId),
      ['note', 'note'],
    );
  });

  it('routes a notification by the plugin’s resolver when providerId matches several shares', async () => {
    const shares = await incoming();
    for (const s of shares) await b.api(bob, 'POST', `/api/v1/shares/incoming/${s.id}/accept`);
    const res = await peer.notify(b.origin, {
      notificationType: 'NOTE_UPDATED',
      resourceType: 'note',
      providerId: 'note',
      notification: { noteUrl: url(2), title: 'second' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const events = (await b.api(bob, 'GET', '/api/v1/note/events')).body as any[];
    assert.equal(events.length, 1);
    assert.equal(events[0].title, 'second');
    // The inbox lists newest first: the second share is the first one listed.
    assert.equal(events[0].share_id, shares[0].id);
  });

  it('routes by the shared secret the notification carries, and refuses one that names no share', async () => {
    const before = (await b.api(bob, 'GET', '/api/v1/note/events')).body.length;
    const ok = await peer.notify(b.origin, {
      notificationType: 'NOTE_UPDATED',
      resourceType: 'note',
      providerId: 'note',
      notification: { sharedSecret: 'secret-2', title: 'by secret' },
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const events = (await b.api(bob, 'GET', '/api/v1/note/events')).body as any[];
    assert.equal(events.length, before + 1);
    const [second] = await incoming();
    assert.equal(events.find((e) => e.title === 'by secret')?.share_id, second.id);
    const unknown = await peer.notify(b.origin, {
      notificationType: 'NOTE_UPDATED',
      resourceType: 'note',
      providerId: 'note',
      notification: { noteUrl: url(9), title: 'nobody' },
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.message, 'RESOURCE_NOT_FOUND');
  });

  it('without a plugin key, a repeated providerId with another secret is another share (keyed by the secret)', async () => {
    const to = `bob@${b.host}`;
    const a = await peer.share(b.origin, to, { providerId: 'plain', secret: 'p-1' });
    const again = await peer.share(b.origin, to, { providerId: 'plain', secret: 'p-1' });
    const other = await peer.share(b.origin, to, { providerId: 'plain', secret: 'p-2' });
    assert.deepEqual([a.status, again.status, other.status], [201, 201, 201]);
    const plain = (await incoming()).filter((s) => s.providerId === 'plain');
    assert.equal(plain.length, 2);
  });
});
