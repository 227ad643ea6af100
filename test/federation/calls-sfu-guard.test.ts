import assert from 'node:assert/strict';
import type { PluginContext } from '#core';
import { callsPlugin } from '../../plugins/calls/index.ts';
import { callsSocket, type CallsSocket } from '../../plugins/calls/testing/calls-socket.ts';
import { requireBinary, startJanus, type MediaServer } from '../../plugins/calls/testing/media-servers.ts';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { createRoom, inviteAndAccept, probePlugin } from '../../plugins/chat/testing/chat-fixture.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('calls: SFU tokens between servers are guarded', function () {
  this.timeout(60_000);
  let janus: MediaServer;
  let a: TestServer;
  let b: TestServer;
  let probe: () => PluginContext;
  const sockets: CallsSocket[] = [];

  before(async function () {
    requireBinary(this, 'janus');
    janus = await startJanus();
    const p = probePlugin();
    probe = p.ctx;
    [a, b] = await Promise.all([
      startTestServer({ env: janus.env, plugins: [chatPlugin({ sweepMs: 300 }), callsPlugin({ aliveMs: 500 })] }),
      startTestServer({ plugins: [p.plugin, chatPlugin({ sweepMs: 300 }), callsPlugin({ aliveMs: 500 })] }),
    ]);
  });
  after(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
    await janus?.stop();
  });

  it('mints tokens only for a current member asked by their own server, and stops honouring them after a removal', async () => {
    const alice = await a.user('alice', 'Alice');
    const bob = await b.user('bob', 'Bob');
    const room = await createRoom(a, alice, 'Guarded');
    const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    const asB = (path: string, body: unknown) =>
      probe().remote.post(a.host, `/plugins/calls/s2s${path}`, body, { base: 'origin', timeoutMs: 5000 });
    const ref = (callId: string) => ({ host: a.host, hostRoomId: room.id, callId });

    // No call going on: nothing to get a token for.
    const none = await asB('/sfu-token', { ...ref('nope'), address: `bob@${b.host}` });
    assert.deepEqual([none.status, (none.body as { code: string }).code], [404, 'CALL_NOT_FOUND']);

    const sa = await callsSocket(a.origin, alice);
    sockets.push(sa);
    const started = await sa.ask('start', { roomId: room.id, audio: true, video: true });
    assert.equal(started.ok, true, JSON.stringify(started));
    const sb = await callsSocket(b.origin, bob);
    sockets.push(sb);
    await eventually(async () => {
      const st = await sb.ask('state', { roomId: bobRoom });
      return st.ok && st.call?.callId === started.callId;
    });

    // B may ask only for its own users.
    const other = await asB('/sfu-token', { ...ref(started.callId), address: `alice@${a.host}` });
    assert.deepEqual([other.status, (other.body as { code: string }).code], [403, 'SFU_TOKEN_INVALID']);
    const got = await asB('/sfu-token', { ...ref(started.callId), address: `bob@${b.host}` });
    assert.equal(got.status, 200, JSON.stringify(got.body));
    const { token, expiresAt } = got.body as { token: string; expiresAt: number };
    assert.ok(expiresAt > Date.now() && expiresAt <= Date.now() + 11 * 60_000);

    // A tampered token is refused; an unsigned request is refused.
    const tampered = await asB('/sfu', { token: `${token.slice(0, -2)}xx`, op: 'subscribe', feed: '1' });
    assert.deepEqual([tampered.status, (tampered.body as { code: string }).code], [403, 'SFU_TOKEN_INVALID']);
    const unsigned = await fetch(`${a.origin}/plugins/calls/s2s/sfu`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, op: 'subscribe', feed: '1' }),
    });
    assert.ok(unsigned.status === 401 || unsigned.status === 403, String(unsigned.status));

    // The valid token reaches Janus (a feed that does not exist is Janus's refusal, not ours).
    const real = await asB('/sfu', { token, op: 'subscribe', feed: '424242' });
    assert.deepEqual([real.status, (real.body as { code: string }).code], [502, 'SFU_FAILED']);

    // Bob is removed from the room: the same token no longer works.
    const del = await a.api(
      alice,
      'DELETE',
      `/api/v1/chat/rooms/${room.id}/members/${encodeURIComponent(`bob@${b.host}`)}`,
    );
    assert.equal(del.status, 201);
    const refused = await eventually(async () => {
      const r = await asB('/sfu', { token, op: 'subscribe', feed: '424242' });
      return r.status === 403 ? r : null;
    });
    assert.equal((refused.body as { code: string }).code, 'CALL_NOT_MEMBER');
  });
});
