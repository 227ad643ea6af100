import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { createRoom, inviteAndAccept } from '../../plugins/chat/testing/chat-fixture.ts';
import type { ChatAttachment } from '../../plugins/chat/shared.ts';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

/** Attachments reach members on the attacher's own server too (a same-server folder share, no OCM on the wire). */
describe('chat: attachments for members on the same server', function () {
  this.timeout(60_000);
  let a: TestServer;
  let alice: string;
  let carol: string;
  let roomId: string;

  before(async () => {
    a = await startTestServer({ plugins: [filesPlugin(), chatPlugin({ sweepMs: 300, attachments: true })] });
    alice = await a.user('alice', 'Alice');
    carol = await a.user('carol', 'Carol');
    roomId = (await createRoom(a, alice, 'Office')).id;
    await inviteAndAccept(a, alice, roomId, a, 'carol', carol);
  });
  after(async () => {
    await a?.destroy();
  });

  it("shares the attacher's folder with a local member, who reads the file in Shared with me", async () => {
    const bytes = randomBytes(3000);
    const res = await fetch(`${a.origin}/api/v1/chat/rooms/${roomId}/attachments?name=plan.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'image/png' },
      body: bytes,
    });
    const body = (await res.json()) as { attachment: ChatAttachment };
    assert.equal(res.status, 201, JSON.stringify(body));
    const att = body.attachment;
    await eventually(
      async () =>
        ((await a.api(carol, 'GET', '/api/v1/shares/incoming')).body as any[]).find(
          (s) => s.resourceType === 'folder' && s.name === att.folder && s.state === 'accepted',
        ) ?? null,
      8000,
      "alice's attachment folder to reach carol, accepted",
    );
    const got = await davClient(a.origin, basicFor('carol')).send(
      'GET',
      `/dav/files/carol/Shared%20with%20me/${encodeURIComponent(att.folder)}/${encodeURIComponent(att.name)}`,
    );
    assert.equal(got.status, 200);
    assert.ok(got.bytes.equals(bytes));
  });
});
