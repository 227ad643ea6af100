import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import type { SfuAdapter } from '../../plugins/calls/sfu/sfu-adapter.ts';
import { requireBinary, startJanus, type MediaServer } from '../../plugins/calls/testing/media-servers.ts';
import { eventually, type TestServer } from '../harness/test-server.ts';
import { screenshots } from './browser-harness.ts';
import {
  acceptAll,
  callBrowser,
  callServer,
  callTrail,
  connectionStates,
  expectMedia,
  expectTiles,
  joinFromChat,
  mediaCounts,
  person,
  roomIdOn,
  videosPlaying,
} from './calls-harness.ts';

describe('browser calls through Janus: four people on two servers, one without an SFU (real media)', function () {
  this.timeout(300_000);
  let browser: Browser;
  let janus: MediaServer;
  let a: TestServer;
  let b: TestServer;
  let sfuA: SfuAdapter | null = null;
  const snap = screenshots('e2e-calls-sfu');

  before(async function () {
    requireBinary(this, 'janus');
    browser = await callBrowser(this);
    janus = await startJanus();
    // A runs Janus; B has no SFU, so its users publish to A's (the room's host). Calls go through the SFU from the
    // fourth person on (the default is the fifth): the same switch, with a load two cores carry (five browsers
    // encoding, decoding and painting each other's video left the machine no idle time, and sockets starved).
    const meshMax = { MESHWORK_CALLS_MESH_MAX: '3' };
    [a, b] = await Promise.all([
      callServer({ ...janus.env, ...meshMax }, { onSfu: (s) => (sfuA = s) }),
      callServer(meshMax),
    ]);
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
    await janus?.stop();
  });

  it('switches to the SFU when the fourth person joins, without anyone re-dialling; a removed member loses media', async () => {
    const owner = await a.user('ann', 'Ann Arbor');
    await a.user('abe', 'Abe Lincoln');
    const ben = await b.user('ben', 'Ben Kenobi');
    const bea = await b.user('bea', 'Bea Arthur');
    const created = await a.api(owner, 'POST', '/api/v1/chat/rooms', {
      name: 'All hands',
      members: ['abe', `ben@${b.host}`, `bea@${b.host}`],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const roomA = created.body.room.id as string;
    await Promise.all([acceptAll(a, await a.user('abe')), acceptAll(b, ben), acceptAll(b, bea)]);
    const roomB = await roomIdOn(b, ben, 'All hands');
    await roomIdOn(b, bea, 'All hands');

    // The servers run in this process: a blocked event loop would starve every page's socket (told on failure).
    const loop = monitorEventLoopDelay({ resolution: 20 });
    loop.enable();
    const people: Array<{ page: Page; address: string }> = [];
    for (const [server, user] of [
      [a, 'ann'],
      [b, 'ben'],
      [b, 'bea'],
    ] as const) {
      const page = await person(browser, server, user);
      await joinFromChat(page, server.origin, server === a ? roomA : roomB);
      people.push({ page, address: `${user}@${server.host}` });
    }
    const all = () => people.map((p) => p.address);
    const others = (address: string) => all().filter((x) => x !== address);
    // Three people: still peer-to-peer.
    await expectMedia(people[0]!.page, others(people[0]!.address), 'ann receives two peers (mesh)');
    assert.equal(await people[0]!.page.getByTestId('call-screen').getAttribute('data-mode'), 'mesh');

    // The fourth joins: the host switches the call to the SFU; everyone moves over by themselves.
    const abe = await person(browser, a, 'abe');
    await joinFromChat(abe, a.origin, roomA);
    people.push({ page: abe, address: `abe@${a.host}` });
    for (const p of people)
      await p.page.locator('[data-testid="call-screen"][data-mode="sfu"]').waitFor({ timeout: 30_000 });
    await Promise.all(
      people.map((p) => expectMedia(p.page, others(p.address), `${p.address} receives the three others`, 90_000)),
    ).catch(async (err: Error) => {
      // Whose sending stopped, or whose receiving: every page's connections, with their RTP figures.
      const pages = await Promise.all(
        people.map(
          async (p) =>
            `${p.address}: ${await connectionStates(p.page).catch((e: Error) => e.message)}\n  ${callTrail(p.page)}`,
        ),
      );
      const lag = `this process's event loop: delay p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms`;
      throw new Error(`${err.message}\n${lag}\n${pages.join('\n')}`);
    });
    console.log(
      `      event loop: p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms`,
    );
    // Media now comes from Janus: every remote track arrives on an SFU subscription (one per publisher).
    // Handles of attempts a browser replaced are closed as the newer ones open (asynchronously, so waited for).
    let stats = (sfuA as SfuAdapter | null)?.stats();
    await eventually(
      async () => {
        stats = (sfuA as SfuAdapter | null)?.stats();
        return stats?.publishers === 4 && stats.subscribers === 12;
      },
      10_000,
      'Janus to hold 4 publications and 12 subscriptions',
    ).catch((err: Error) => assert.fail(`${err.message}: ${JSON.stringify(stats)}`));
    await snap(people[0]!.page, 'ann-four-via-sfu');
    await people[1]!.page.getByRole('button', { name: 'Speaker' }).click();
    await videosPlaying(people[1]!.page);
    await snap(people[1]!.page, 'ben-speaker-layout');

    // Ann removes Bea from the room: Bea's call ends, Janus drops what she held, the others keep their media.
    const beaAddress = `bea@${b.host}`;
    const bea4 = people[2]!.page;
    const del = await a.api(owner, 'DELETE', `/api/v1/chat/rooms/${roomA}/members/${encodeURIComponent(beaAddress)}`);
    assert.equal(del.status, 201, JSON.stringify(del.body));
    await bea4.getByText('You were removed from the room').waitFor({ timeout: 30_000 });
    await eventually(
      async () => {
        const s = (sfuA as SfuAdapter | null)?.stats(beaAddress);
        return s && s.publishers === 0 && s.subscribers === 0;
      },
      20_000,
      'Janus to drop every handle bea held',
    );
    const after = await mediaCounts(bea4);
    assert.deepEqual(after, {}, 'bea has no remote media left');
    const rest = people.filter((p) => p.address !== beaAddress);
    for (const p of rest)
      await expectTiles(
        p.page,
        others(p.address).filter((x) => x !== beaAddress),
        `${p.address} without bea`,
      );
    await Promise.all(
      rest.map((p) =>
        expectMedia(
          p.page,
          others(p.address).filter((x) => x !== beaAddress),
          `${p.address} keeps media after the removal`,
        ),
      ),
    );
    await snap(bea4, 'bea-removed');
  });
});
