import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { createRoom, fullHistory, inviteAndAccept } from '../../plugins/chat/testing/chat-fixture.ts';
import type { ChatAttachment } from '../../plugins/chat/shared.ts';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

const LIMIT = 64 * 1024;
const start = () =>
  startTestServer({
    plugins: [filesPlugin(), chatPlugin({ sweepMs: 300, attachments: true, attachmentBytes: LIMIT })],
  });

async function upload(
  server: TestServer,
  token: string,
  roomId: string,
  name: string,
  body: Buffer,
): Promise<{ status: number; body: any }> {
  const res = await fetch(
    `${server.origin}/api/v1/chat/rooms/${roomId}/attachments?name=${encodeURIComponent(name)}&text=look`,
    { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body },
  );
  return { status: res.status, body: await res.json() };
}

describe('chat: attachments in a federated room', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;
  let dave: string;
  let roomA: string;
  let roomB: string;

  before(async () => {
    [a, b] = await Promise.all([start(), start()]);
    alice = await a.user('alice', 'Alice');
    bob = await b.user('bob', 'Bob');
    dave = await b.user('dave', 'Dave');
    roomA = (await createRoom(a, alice, 'Team')).id;
    roomB = await inviteAndAccept(a, alice, roomA, b, 'bob', bob);
  });
  after(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  it("stores the file in the sender's files, posts it, and a member on another server reads it through his share", async () => {
    const bytes = randomBytes(5000);
    const up = await upload(a, alice, roomA, 'photo.png', bytes);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const att = up.body.attachment as ChatAttachment;
    assert.equal(att.name, 'photo.png');
    assert.equal(att.size, bytes.length);
    assert.equal(att.mime, 'image/png');
    assert.equal(att.owner, `alice@${a.host}`);

    // In alice's own files.
    const aliceDav = davClient(a.origin, basicFor('alice'));
    const own = await aliceDav.send('GET', `/dav/files/alice${encodeURI(att.path)}`);
    assert.equal(own.status, 200);
    assert.ok(own.bytes.equals(bytes));

    // The message, with its attachment, reaches bob's mirror.
    const item = await eventually(
      async () =>
        (await fullHistory(b, bob, roomB)).find(
          (i) => i.type === 'message.posted' && (i.data as { attachment?: unknown }).attachment,
        ) ?? null,
      8000,
      'the attachment message on B',
    );
    assert.deepEqual((item.data as { attachment: ChatAttachment }).attachment, att);
    assert.equal(item.message?.text, 'look');

    // Bob got a read-only folder share named as the attachment says, accepted by his server at once (alice is a
    // co-member of a room he joined); he reads the file on his own server.
    await eventually(
      async () =>
        ((await b.api(bob, 'GET', '/api/v1/shares/incoming')).body as any[]).find(
          (s) => s.resourceType === 'folder' && s.name === att.folder && s.state === 'accepted',
        ) ?? null,
      8000,
      'the folder share to reach bob, accepted',
    );
    const bobDav = davClient(b.origin, basicFor('bob'));
    const file = `/dav/files/bob/Shared%20with%20me/${encodeURIComponent(att.folder)}/${encodeURIComponent(att.name)}`;
    const got = await bobDav.send('GET', file);
    assert.equal(got.status, 200);
    assert.ok(got.bytes.equals(bytes));
    // Read-only: bob cannot change alice's file.
    assert.equal((await bobDav.send('PUT', file, { body: 'overwrite' })).status, 403);

    // A second attachment reuses the one share (no second invitation for bob).
    assert.equal((await upload(a, alice, roomA, 'photo.png', randomBytes(10))).status, 201);
    const folderShares = ((await b.api(bob, 'GET', '/api/v1/shares/incoming')).body as any[]).filter(
      (s) => s.resourceType === 'folder',
    );
    assert.equal(folderShares.length, 1);
    assert.equal(
      (await aliceDav.send('GET', `/dav/files/alice${encodeURI(att.path.replace('photo.png', 'photo (2).png'))}`))
        .status,
      200,
    );

    // Other folder shares are not accepted for anyone: one not named as a room's folder, one to a non-member.
    for (const [to, name] of [
      [`bob@${b.host}`, 'Holiday'],
      [`dave@${b.host}`, att.folder],
    ] as const) {
      const made = await a.api(alice, 'POST', '/api/v1/shares', {
        resourceType: 'folder',
        resourceId: '/Chat attachments',
        shareWith: to,
        permissions: ['read'],
        name,
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
    }
    for (const [server, token] of [
      [b, bob],
      [b, dave],
    ] as const) {
      const pending = await eventually(
        async () =>
          ((await server.api(token, 'GET', '/api/v1/shares/incoming')).body as any[]).find(
            (s) => s.resourceType === 'folder' && s.state === 'pending',
          ) ?? null,
        8000,
        'the other share to arrive',
      );
      assert.equal(pending.state, 'pending');
    }

    // A non-member on bob's server has no such share, and cannot read the room or upload into it.
    const daveDav = davClient(b.origin, basicFor('dave'));
    const path = file.replace('/dav/files/bob/', '/dav/files/dave/');
    assert.equal((await daveDav.send('GET', path)).status, 404);
    assert.equal((await upload(b, dave, roomB, 'x.png', bytes)).status, 404);
  });

  it('a member who joins later gets the attachment folders of those who attached before, and loses them on leaving', async () => {
    const c = await start();
    try {
      const carol = await c.user('carol', 'Carol');
      const roomC = await inviteAndAccept(a, alice, roomA, c, 'carol', carol);
      const share = await eventually(
        async () =>
          ((await c.api(carol, 'GET', '/api/v1/shares/incoming')).body as any[]).find(
            (s) => s.resourceType === 'folder' && s.state === 'accepted',
          ) ?? null,
        8000,
        "alice's attachment folder to reach carol, accepted",
      );
      const carolDav = davClient(c.origin, basicFor('carol'));
      const got = await carolDav.send(
        'GET',
        `/dav/files/carol/Shared%20with%20me/${encodeURIComponent(share.name)}/photo.png`,
      );
      assert.equal(got.status, 200);
      assert.equal(got.bytes.length, 5000);

      // Carol leaves the room: alice's server ends the folder's share with her, and her server can no longer read it.
      assert.equal((await c.api(carol, 'POST', `/api/v1/chat/rooms/${roomC}/leave`)).status < 300, true);
      await eventually(
        async () =>
          ((await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body as any[]).some(
            (s) => s.resourceType === 'folder' && s.shareWith === `carol@${c.host}` && s.state === 'unshared',
          ),
        8000,
        "alice's attachment folder share with carol ended",
      );
      await eventually(
        async () =>
          (
            await carolDav.send(
              'GET',
              `/dav/files/carol/Shared%20with%20me/${encodeURIComponent(share.name)}/photo.png`,
            )
          ).status === 404,
        8000,
        'carol no longer reads the attachment',
      );
      // Bob, still a member, keeps his.
      const bobShares = (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body as any[];
      assert.ok(
        bobShares.some(
          (s) =>
            s.resourceType === 'folder' &&
            s.name === share.name &&
            s.shareWith === `bob@${b.host}` &&
            s.state === 'accepted',
        ),
      );
    } finally {
      await c.destroy();
    }
  });

  it('refuses files over the limit, bad names and attachments naming someone else’s files, in plain words', async () => {
    const big = await upload(a, alice, roomA, 'big.bin', randomBytes(LIMIT + 1));
    assert.equal(big.status, 413);
    assert.equal(big.body.code, 'ATTACHMENT_TOO_LARGE');
    assert.match(big.body.message, /larger than/);
    const bad = await upload(a, alice, roomA, '../etc', randomBytes(10));
    assert.equal(bad.status, 400);
    const forged = await a.api(alice, 'POST', `/api/v1/chat/rooms/${roomA}/messages`, {
      text: 'see',
      attachment: { name: 'x.png', size: 1, mime: 'image/png', owner: `bob@${b.host}`, path: '/x.png', folder: 'x' },
    });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.code, 'ATTACHMENT_NOT_YOURS');
  });
});
