import assert from 'node:assert/strict';
import type { TestServer } from '../harness/test-server.ts';
import { eventually } from '../harness/test-server.ts';
import {
  acceptInvites,
  browser,
  createRoom,
  detail,
  historyTexts,
  rooms,
  startChatServer,
  type Browser,
} from '../../plugins/chat/testing/chat-fixture.ts';
import { ocmRequests, outboxRows, received, shareSocket } from '../shares/share-test-kit.ts';

describe('chat: inviting users of the host server is a share, like inviting anyone else', function () {
  this.timeout(30_000);
  let a: TestServer;
  let alice: string;
  const open: Browser[] = [];
  let ocm: ReturnType<typeof ocmRequests>;

  before(async () => {
    a = await startChatServer({ env: { MESHWORK_ALLOW_INSECURE_PEERS: '0' } });
    alice = await a.user('alice', 'Alice');
    ocm = ocmRequests(a);
  });
  afterEach(async () => {
    for (const br of open.splice(0)) br.close();
    assert.deepEqual(ocm.paths, [], 'no OCM request');
    assert.equal(await outboxRows(a), 0, 'nothing queued');
  });
  after(async () => a?.destroy());

  const memberState = async (roomId: string, address: string) =>
    (await detail(a, alice, roomId)).members.find((m) => m.address === address)?.state;
  const pendingInvite = async (token: string, name: string) =>
    (await a.api(token, 'GET', '/api/v1/shares/incoming')).body.find(
      (s: any) => s.resourceType === 'chat-room' && s.name === name && s.state === 'pending',
    );

  it('an invitee waits in their inbox, joins on accept and chats live; the room was not theirs before', async () => {
    const amy = await a.user('amy', 'Amy');
    const amySocket = await shareSocket(a, amy);
    try {
      const room = await createRoom(a, alice, 'Local team');
      const added = await a.api(alice, 'POST', `/api/v1/chat/rooms/${room.id}/members`, { address: 'amy' });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      const address = `amy@${a.host}`;
      assert.equal(await memberState(room.id, address), 'invited');
      await received(amySocket, 'share:received:pending:Local team');
      const invite = await pendingInvite(amy, 'Local team');
      assert.equal(invite.owner, `alice@${a.host}`);
      assert.ok(!(await rooms(a, amy)).some((r) => r.id === room.id), 'not in her rooms before accepting');
      assert.equal((await a.api(amy, 'GET', `/api/v1/chat/rooms/${room.id}/history`)).status, 403);

      const amyBrowser = await browser(a, amy);
      open.push(amyBrowser);
      assert.equal((await a.api(amy, 'POST', `/api/v1/shares/incoming/${invite.id}/accept`)).status, 200);
      assert.equal(await memberState(room.id, address), 'joined', 'joined before the accept returned');
      assert.ok((await rooms(a, amy)).some((r) => r.id === room.id));
      const sent = await a.api(alice, 'POST', `/api/v1/chat/rooms/${room.id}/messages`, { text: 'welcome amy' });
      assert.equal(sent.status, 201);
      await amyBrowser.until(room.id, () => amyBrowser.texts(room.id).includes('welcome amy'), 5000, 'live message');
      assert.equal(
        (await a.api(amy, 'POST', `/api/v1/chat/rooms/${room.id}/messages`, { text: 'thanks' })).status,
        201,
      );
      assert.deepEqual(await historyTexts(a, alice, room.id), ['welcome amy', 'thanks']);
    } finally {
      amySocket.close();
    }
  });

  it('an invitee who declines never gets in; one who leaves or is removed loses the share too', async () => {
    const ben = await a.user('ben', 'Ben');
    const cleo = await a.user('cleo', 'Cleo');
    const dan = await a.user('dan', 'Dan');
    const room = await createRoom(a, alice, 'Choices here', ['ben', 'cleo', `dan@${a.host}`]);
    for (const u of ['ben', 'cleo', 'dan']) assert.equal(await memberState(room.id, `${u}@${a.host}`), 'invited');

    const benInvite = await pendingInvite(ben, 'Choices here');
    await a.api(ben, 'POST', `/api/v1/shares/incoming/${benInvite.id}/decline`);
    assert.equal(await memberState(room.id, `ben@${a.host}`), 'declined');
    assert.equal((await a.api(ben, 'GET', `/api/v1/chat/rooms/${room.id}/history`)).status, 403);

    assert.equal(await acceptInvites(a, cleo), 1);
    assert.equal((await a.api(cleo, 'POST', `/api/v1/chat/rooms/${room.id}/leave`)).status, 201);
    assert.equal(await memberState(room.id, `cleo@${a.host}`), 'left');
    assert.deepEqual((await a.api(cleo, 'GET', '/api/v1/shares/incoming')).body, [], 'her share ended with it');

    assert.equal(await acceptInvites(a, dan), 1);
    const removed = await a.api(
      alice,
      'DELETE',
      `/api/v1/chat/rooms/${room.id}/members/${encodeURIComponent(`dan@${a.host}`)}`,
    );
    assert.equal(removed.status, 201);
    assert.deepEqual((await a.api(dan, 'GET', '/api/v1/shares/incoming')).body, []);
    assert.ok(!(await rooms(a, dan)).some((r) => r.id === room.id));

    // Leaving the share from the inbox is leaving the room.
    const eve = await a.user('eve');
    await a.api(alice, 'POST', `/api/v1/chat/rooms/${room.id}/members`, { address: 'eve' });
    await acceptInvites(a, eve);
    const [eveShare] = (await a.api(eve, 'GET', '/api/v1/shares/incoming')).body;
    await a.api(eve, 'DELETE', `/api/v1/shares/incoming/${eveShare.id}`);
    assert.equal(await memberState(room.id, `eve@${a.host}`), 'left');
  });

  it('a user with auto-accept on joins at once; an unknown local user is refused in plain words', async () => {
    const fay = await a.user('fay', 'Fay');
    await a.api(fay, 'PATCH', '/api/v1/me/settings', { autoAcceptShares: true });
    const room = await createRoom(a, alice, 'Auto room');
    assert.equal((await a.api(alice, 'POST', `/api/v1/chat/rooms/${room.id}/members`, { address: 'fay' })).status, 201);
    assert.equal(await memberState(room.id, `fay@${a.host}`), 'joined');
    assert.ok((await rooms(a, fay)).some((r) => r.id === room.id));

    const created = await a.api(alice, 'POST', '/api/v1/chat/rooms', { name: 'Typo', members: ['nobody'] });
    assert.equal(created.status, 201);
    assert.deepEqual(
      created.body.failed.map((f: any) => [f.code, f.message]),
      [['RECIPIENT_NOT_FOUND', `nobody is not a user on ${a.host}`]],
    );
  });

  it('a one-to-one conversation with a user of this server appears for both at once, with no invitation', async () => {
    const gus = await a.user('gus', 'Gus');
    const dm = await a.api(alice, 'POST', '/api/v1/chat/rooms', { kind: 'direct', members: ['gus'] });
    assert.equal(dm.status, 201, JSON.stringify(dm.body));
    assert.deepEqual(dm.body.failed, []);
    const id = dm.body.room.id;
    assert.equal(await memberState(id, `gus@${a.host}`), 'joined');
    assert.equal((await a.api(gus, 'GET', '/api/v1/shares/incoming')).body.length, 0);
    await eventually(async () => (await rooms(a, gus)).some((r) => r.id === id), 3000, 'the conversation for gus');
    assert.equal((await a.api(gus, 'POST', `/api/v1/chat/rooms/${id}/messages`, { text: 'hi alice' })).status, 201);
  });
});
