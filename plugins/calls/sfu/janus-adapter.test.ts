import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createLogger } from '#core';
import { requireBinary, startJanus, type MediaServer } from '../testing/media-servers.ts';
import { JanusAdapter } from './janus-adapter.ts';

/**
 * A browser-like offer (opus + VP8, bundled, sending): Janus answers it, but no ICE ever comes, so the
 * publication stays announced-but-not-flowing, as a real publisher's does until its connection is up.
 */
function publisherOffer(): string {
  const ufrag = randomBytes(4).toString('hex');
  const pwd = randomBytes(12).toString('hex');
  const fp = createHash('sha256').update(randomBytes(32)).digest('hex').toUpperCase().match(/../g)!.join(':');
  const media = (kind: 'audio' | 'video', mid: string, pt: number, codec: string) => [
    `m=${kind} 9 UDP/TLS/RTP/SAVPF ${pt}`,
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:${pwd}`,
    `a=fingerprint:sha-256 ${fp}`,
    'a=setup:actpass',
    `a=mid:${mid}`,
    'a=sendonly',
    'a=rtcp-mux',
    `a=rtpmap:${pt} ${codec}`,
    `a=ssrc:${1000 + pt} cname:test`,
  ];
  return [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=msid-semantic: WMS',
    ...media('audio', '0', 111, 'opus/48000/2'),
    ...media('video', '1', 96, 'VP8/90000'),
    '',
  ].join('\r\n');
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code ?? `uncoded: ${(err as Error).message}`;
  }
  return 'no error';
}

describe('calls: the Janus adapter waits for what Janus is not ready for, and never for ever', function () {
  this.timeout(60_000);
  let janus: MediaServer;
  let sfu: JanusAdapter;
  const room = { roomKey: 'a.test r1 c1', secret: 's'.repeat(24), pin: 'p'.repeat(24), maxPublishers: 8 };

  before(async function () {
    requireBinary(this, 'janus');
    janus = await startJanus();
    sfu = new JanusAdapter({
      url: janus.env.MESHWORK_JANUS_URL!,
      apiSecret: janus.env.MESHWORK_JANUS_API_SECRET ?? null,
      adminKey: janus.env.MESHWORK_JANUS_ADMIN_KEY ?? null,
      log: createLogger('silent'),
      requestMs: 1500,
      feedWaitMs: 600,
    });
    await sfu.open();
    await sfu.ensureRoom(room);
  });
  after(async () => {
    await sfu?.dispose();
    await janus?.stop();
  });

  it('holds a subscription to a feed whose publisher is not connected yet, then answers SFU_FEED_NOT_READY', async () => {
    const pub = await sfu.publish(room.roomKey, 'ann@a.test', publisherOffer());
    assert.match(pub.answerSdp, /^v=0/);
    const t0 = Date.now();
    assert.equal(await code(sfu.subscribe(room.roomKey, 'amy@a.test', pub.feed)), 'SFU_FEED_NOT_READY');
    assert.ok(Date.now() - t0 >= 550, `waited ${Date.now() - t0} ms for the publisher's media`);
    // Nothing is left open for the refused subscription.
    assert.deepEqual(sfu.stats(), { rooms: 1, publishers: 1, subscribers: 0 });
    await sfu.close(pub.handle);
  });

  it('ends the wait with SFU_NO_FEED as soon as the publication goes', async () => {
    const pub = await sfu.publish(room.roomKey, 'ben@a.test', publisherOffer());
    const waiting = code(sfu.subscribe(room.roomKey, 'amy@a.test', pub.feed));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await sfu.close(pub.handle);
    assert.equal(await waiting, 'SFU_NO_FEED');
    assert.ok(Date.now() - t0 < 400, `answered ${Date.now() - t0} ms after the publication closed`);
  });

  it('maps Janus’s “No such feed” for a feed it does not hold to SFU_NO_FEED', async () => {
    assert.equal(await code(sfu.subscribe(room.roomKey, 'amy@a.test', '123456789')), 'SFU_NO_FEED');
    assert.equal(sfu.stats().subscribers, 0);
  });

  it('gives up on a request Janus does not answer with SFU_TIMEOUT, and works again once Janus does', async () => {
    process.kill(janus.pid, 'SIGSTOP');
    let stopped = true;
    try {
      const t0 = Date.now();
      assert.equal(await code(sfu.subscribe(room.roomKey, 'amy@a.test', '42')), 'SFU_TIMEOUT');
      const took = Date.now() - t0;
      assert.ok(took >= 1400 && took < 4000, `timed out after ${took} ms`);
      process.kill(janus.pid, 'SIGCONT');
      stopped = false;
      // The handle Janus attaches late is released; the adapter keeps working.
      const pub = await sfu.publish(room.roomKey, 'bea@a.test', publisherOffer());
      assert.equal(await code(sfu.subscribe(room.roomKey, 'amy@a.test', pub.feed)), 'SFU_FEED_NOT_READY');
      assert.deepEqual(sfu.stats(), { rooms: 1, publishers: 1, subscribers: 0 });
    } finally {
      if (stopped) process.kill(janus.pid, 'SIGCONT');
    }
  });
});
