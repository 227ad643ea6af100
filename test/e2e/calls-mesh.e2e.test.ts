import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { requireBinary, startCoturn, type MediaServer } from '../../plugins/calls/testing/media-servers.ts';
import type { TestServer } from '../harness/test-server.ts';
import { screenshots } from './browser-harness.ts';
import {
  acceptAll,
  callBrowser,
  callServer,
  expectMedia,
  expectTiles,
  joinFromChat,
  person,
  roomIdOn,
  selectedCandidateTypes,
  videosPlaying,
} from './calls-harness.ts';

describe('browser calls, peer-to-peer across servers (real media)', function () {
  this.timeout(240_000);
  let browser: Browser;
  let turn: MediaServer;
  const servers: TestServer[] = [];
  const snap = screenshots('e2e-calls-mesh');

  before(async function () {
    requireBinary(this, 'turnserver');
    browser = await callBrowser(this);
    turn = await startCoturn();
  });
  after(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.destroy()));
    await turn?.stop();
  });

  it('one-to-one across two servers: rings, media both ways through TURN, mute seen by the other, a timeline summary', async () => {
    // Relayed candidates only: media goes through coturn with credentials each server minted for its own user.
    const env = { ...turn.env, MESHWORK_TURN_RELAY_ONLY: '1' };
    const [a, b] = await Promise.all([callServer(env), callServer(env)]);
    servers.push(a, b);
    const alice = await a.user('alice', 'Alice Liddell');
    const bob = await b.user('bob', 'Bob Marley');
    const created = await a.api(alice, 'POST', '/api/v1/chat/rooms', { kind: 'direct', members: [`bob@${b.host}`] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await acceptAll(b, bob);
    const bobRoom = await roomIdOn(b, bob, `alice@${a.host}`);

    const ap = await person(browser, a, 'alice');
    const bp = await person(browser, b, 'bob');
    await joinFromChat(ap, a.origin, created.body.room.id);
    await snap(ap, 'alice-calling');

    // Bob is on another page; the call rings there.
    const ring = bp.getByTestId('incoming-call');
    await ring.waitFor({ timeout: 20_000 });
    await ring.getByText('Alice Liddell').waitFor();
    await snap(bp, 'bob-ringing');
    await ring.getByRole('button', { name: 'Accept' }).click();
    await bp.locator('[data-testid="call-screen"][data-phase="connected"]').waitFor({ timeout: 30_000 });
    assert.equal(new URL(bp.url()).hash, `#/calls/${bobRoom}`);

    await expectMedia(ap, [`bob@${b.host}`], 'alice receives bob');
    await expectMedia(bp, [`alice@${a.host}`], 'bob receives alice');
    const types = await selectedCandidateTypes(ap);
    assert.ok(types.length > 0 && types.every((t) => t === 'relay'), `candidate types ${types.join(',')}`);
    await snap(ap, 'alice-in-call');
    await snap(bp, 'bob-in-call');

    // The fake microphone beeps: bob sees alice speaking. Devices can be chosen during the call.
    await bp.locator(`[data-testid="call-tile"][data-address="alice@${a.host}"][data-speaking="true"]`).waitFor();
    await ap.getByRole('button', { name: 'Devices' }).click();
    const devices = ap.getByRole('dialog', { name: 'Audio and video' });
    await devices.getByLabel('Camera').waitFor();
    assert.ok((await devices.getByLabel('Microphone').locator('option').count()) > 0);
    await snap(ap, 'alice-devices');
    await devices.getByRole('button', { name: 'Done' }).click();

    // Alice mutes: bob's tile for her says so; she unmutes: it clears. Bob's server hears it through the host.
    const aliceOnBob = bp.locator(`[data-testid="call-tile"][data-address="alice@${a.host}"]`);
    await ap.getByRole('button', { name: 'Mute' }).click();
    await aliceOnBob.and(bp.locator('[data-audio="false"]')).waitFor();
    await aliceOnBob.getByRole('img', { name: 'microphone off' }).waitFor();
    await snap(bp, 'bob-sees-alice-muted');
    await ap.getByRole('button', { name: 'Unmute' }).click();
    await aliceOnBob.and(bp.locator('[data-audio="true"]')).waitFor();
    await expectMedia(bp, [`alice@${a.host}`], 'bob still receives alice after unmute');

    // The same call on a phone, and in the dark theme.
    await bp.setViewportSize({ width: 390, height: 844 });
    await bp.emulateMedia({ colorScheme: 'dark' });
    await bp.getByRole('button', { name: /^People/ }).click(); // a phone starts with the list closed
    await videosPlaying(bp);
    await snap(bp, 'bob-phone-dark');
    await bp.getByRole('button', { name: /^People/ }).click();
    await snap(bp, 'bob-phone-people');
    await ap.emulateMedia({ colorScheme: 'dark' });
    await ap.getByRole('button', { name: 'Speaker' }).click();
    await videosPlaying(ap);
    await snap(ap, 'alice-speaker-dark');
    await bp.setViewportSize({ width: 1280, height: 800 });

    // Bob leaves (back to the conversation), then alice: the call ends and both timelines carry its summary.
    await bp.getByRole('button', { name: 'Leave' }).click();
    await bp.getByTestId('message-list').waitFor();
    await expectTiles(ap, [], 'bob to leave alice’s call');
    await ap.getByRole('button', { name: 'Leave' }).click();
    await bp.getByTestId('call-line').filter({ hasText: 'Call started by Alice Liddell' }).waitFor({ timeout: 20_000 });
    await ap.getByTestId('call-line').filter({ hasText: '2 participants' }).waitFor({ timeout: 20_000 });
    await snap(bp, 'bob-timeline-summary');
  });

  it('three people on three servers: everyone receives everyone; one server stops and the other two keep their media', async () => {
    const [a, b, c] = await Promise.all([callServer(), callServer(), callServer()]);
    servers.push(a, b, c);
    const alice = await a.user('alice', 'Alice Liddell');
    const bob = await b.user('bob', 'Bob Marley');
    const carol = await c.user('carol', 'Carol Danvers');
    const room = await a.api(alice, 'POST', '/api/v1/chat/rooms', {
      name: 'Trio',
      members: [`bob@${b.host}`, `carol@${c.host}`],
    });
    assert.equal(room.status, 201, JSON.stringify(room.body));
    await Promise.all([acceptAll(b, bob), acceptAll(c, carol)]);
    const [bobRoom, carolRoom] = await Promise.all([roomIdOn(b, bob, 'Trio'), roomIdOn(c, carol, 'Trio')]);

    const ap = await person(browser, a, 'alice');
    const bp = await person(browser, b, 'bob');
    const cp = await person(browser, c, 'carol');
    await joinFromChat(ap, a.origin, room.body.room.id);
    // The others see the call in their room list and join from the room.
    await bp.goto(`${b.origin}/#/chat/${bobRoom}`);
    await bp.locator('[data-testid="room-link"][data-room-name="Trio"]').getByTestId('in-call').waitFor();
    await snap(bp, 'bob-sees-call-in-room-list');
    await joinFromChat(bp, b.origin, bobRoom);
    await cp.goto(`${c.origin}/#/chat/${carolRoom}`);
    await cp.getByTestId('call-button').filter({ hasText: 'Join call (2)' }).click();
    await cp.getByTestId('lobby-who').filter({ hasText: 'in the call' }).waitFor();
    await snap(cp, 'carol-lobby');
    await cp.locator('.call-join').click();
    await cp.locator('[data-testid="call-screen"][data-phase="connected"]').waitFor({ timeout: 30_000 });

    const A = `alice@${a.host}`;
    const B = `bob@${b.host}`;
    const C = `carol@${c.host}`;
    await Promise.all([
      expectMedia(ap, [B, C], 'alice receives bob and carol'),
      expectMedia(bp, [A, C], 'bob receives alice and carol'),
      expectMedia(cp, [A, B], 'carol receives alice and bob'),
    ]);
    assert.equal(await ap.getByTestId('call-screen').getAttribute('data-mode'), 'mesh');
    await ap.getByTestId('participant').first().waitFor();
    await snap(ap, 'alice-three-way');

    // Carol's server goes down: alice and bob keep receiving each other, and carol leaves their call.
    await c.stop();
    await expectMedia(ap, [B], 'alice still receives bob');
    await expectMedia(bp, [A], 'bob still receives alice');
    await expectTiles(ap, [B], 'carol to leave alice’s call', 45_000);
    await expectTiles(bp, [A], 'carol to leave bob’s call', 45_000);
    await snap(ap, 'alice-after-carols-server-stopped');
  });
});
