import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { LegacyPeer } from '../harness/legacy-peer.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('federation with an older OCM peer (draft-cavage signatures, /ocm-provider, legacy protocol)', function () {
  this.timeout(30_000);
  let b: TestServer;
  let bob: string;
  let alice: string;
  const peer = new LegacyPeer();

  before(async () => {
    await peer.start();
    b = await startTestServer();
    bob = await b.user('bob', 'Bob');
    alice = await b.user('alice', 'Alice');
  });
  after(async () => {
    await peer.stop();
    await b?.destroy();
  });

  async function shareNoteWith(to: string, title = 'for nc') {
    const note = await b.api(alice, 'POST', '/api/v1/note/notes', { title, body: 'x' });
    return b.api(alice, 'POST', '/api/v1/shares', { resourceType: 'note', resourceId: note.body.id, shareWith: to });
  }

  it('accepts a cavage-signed legacy share, and tells the peer when bob accepts (with the shared secret, as Nextcloud expects)', async () => {
    const res = await peer.share(b.origin, `bob@${b.host}`);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const [share] = (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body;
    assert.equal(share.name, 'old.txt');
    await b.api(bob, 'POST', `/api/v1/shares/incoming/${share.id}/accept`);
    const n = await eventually(async () => peer.verified('/ocm/notifications')[0], 5000, 'SHARE_ACCEPTED');
    assert.equal(n.body.notificationType, 'SHARE_ACCEPTED');
    assert.equal(n.body.providerId, res.providerId);
    assert.equal(n.body.notification.sharedSecret, 'legacy-secret');
    assert.equal(n.signature, 'cavage', 'the peer verified our draft-cavage signature');
  });

  it('rejects a cavage-signed share whose body was altered', async () => {
    const res = await peer.share(b.origin, `bob@${b.host}`, { tamper: true });
    assert.equal(res.status, 401);
  });

  it('accepts an unsigned share from a peer that does not advertise http-sig', async () => {
    const res = await peer.share(b.origin, `bob@${b.host}`, { unsigned: true });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });

  it('but not when this server requires signatures (must-use-http-sig)', async () => {
    const strict = await startTestServer({ env: { MESHWORK_CRITERIA: 'must-use-http-sig' } });
    try {
      await strict.user('bob');
      assert.equal((await peer.share(strict.origin, `bob@${strict.host}`, { unsigned: true })).status, 401);
      assert.equal(
        (await peer.share(strict.origin, `bob@${strict.host}`)).status,
        201,
        'a cavage signature satisfies it',
      );
    } finally {
      await strict.destroy();
    }
  });

  it('publishes the RSA key legacy peers verify us with as discovery publicKey {keyId, publicKeyPem}', async () => {
    const doc = (await b.api(null, 'GET', '/.well-known/ocm')).body;
    assert.equal(doc.publicKey.keyId, `${b.origin}/ocm#signature`);
    assert.equal(createPublicKey(doc.publicKey.publicKeyPem).asymmetricKeyType, 'rsa');
    const again = (await b.api(null, 'GET', '/ocm-provider')).body;
    assert.deepEqual(again.publicKey, doc.publicKey, 'one key, whichever path and request');
  });

  it('sends a share to a Nextcloud-31-style peer cavage-signed and in the legacy form beside the 1.4 one', async () => {
    const created = await shareNoteWith(`bob@${peer.host}`);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.recipientDisplayName, 'Bob NC');
    const got = peer.verified('/ocm/shares').at(-1)!;
    assert.equal(got.signature, 'cavage');
    const { protocol } = got.body;
    assert.equal(protocol.name, 'note');
    assert.equal(typeof protocol.options.sharedSecret, 'string');
    assert.equal(protocol.options.sharedSecret, protocol.note.sharedSecret);
    assert.equal(protocol.options.permissions, '{http://open-cloud-mesh.org/ns}share-permissions');
    assert.deepEqual(protocol.note.permissions, ['read']);
    assert.equal(got.body.sharedBy, `alice@${b.host}`);
    assert.equal(got.body.sharedByDisplayName, 'Alice');

    await b.api(alice, 'DELETE', `/api/v1/shares/outgoing/${created.body.id}`);
    const n = await eventually(
      async () => peer.verified('/ocm/notifications').find((r) => r.body.notificationType === 'SHARE_UNSHARED'),
      5000,
      'SHARE_UNSHARED at the legacy peer',
    );
    assert.equal(n.signature, 'cavage');
    assert.equal(typeof n.body.notification.message, 'string');
    assert.equal(n.body.providerId, created.body.providerId);
    // Nextcloud believes an unshare only with the share's secret in it.
    assert.equal(n.body.notification.sharedSecret, protocol.options.sharedSecret);
  });

  it('signs with RFC 9421 for a peer that advertises http-sig', async () => {
    const modern = new LegacyPeer({ httpSig: true, wellKnown: true });
    await modern.start();
    try {
      const created = await shareNoteWith(`bob@${modern.host}`);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(modern.received.at(-1)!.signature, 'rfc9421');
    } finally {
      await modern.stop();
    }
  });

  it('reads a publicKey given as a bare PEM string: verifies the peer and signs towards it with cavage', async () => {
    const bare = new LegacyPeer({ barePem: true });
    await bare.start();
    try {
      const incoming = await bare.share(b.origin, `bob@${b.host}`, { secret: 'bare-secret' });
      assert.equal(incoming.status, 201, JSON.stringify(incoming.body));
      const created = await shareNoteWith(`bob@${bare.host}`);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(bare.verified('/ocm/shares').at(-1)!.signature, 'cavage');
    } finally {
      await bare.stop();
    }
  });

  it('refuses a cavage signature under a keyId the peer does not publish, even with its key', async () => {
    const res = await peer.share(b.origin, `bob@${b.host}`, { keyId: `${peer.origin}/ocm#another-key` });
    assert.equal(res.status, 401);
    assert.equal(res.body.message, 'SIGNATURE_UNKNOWN_KEY');
  });
});
