import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LinkRetry } from './web/rtc/link-retry.ts';

// Short clocks instead of 2 s / 15 s: the orderings are the same.
const retryMs = 150;
const connectMs = 300;

function link() {
  let restarts = 0;
  const retry = new LinkRetry({ restart: () => void restarts++, retryMs, connectMs });
  return { retry, restarts: () => restarts };
}

describe('SFU link restarts (LinkRetry)', () => {
  it('a connection that comes up after the stall watchdog fired is not restarted', async () => {
    // The SFU browser test's failure on a loaded machine: the watchdog reports a stall while DTLS is finishing,
    // the connection comes up, and the restart scheduled by the report tore the working link down anyway.
    const { retry, restarts } = link();
    let connected = false;
    retry.watch(() => !connected);
    await sleep(connectMs + 50); // the watchdog has fired: a restart is pending
    assert.equal(retry.pending, true);
    connected = true;
    retry.connected();
    await sleep(retryMs * 2);
    assert.equal(restarts(), 0);
  });

  it('the stall clock runs from the end of signaling: slow signaling followed by a quick connection is left alone', async () => {
    const { retry, restarts } = link();
    retry.reset(); // the attempt starts
    await sleep(connectMs + 100); // the SFU's answer and the candidates took longer than connectMs
    let connected = false;
    retry.watch(() => !connected); // the SFU has them now
    await sleep(connectMs / 2);
    connected = true;
    retry.connected();
    await sleep(connectMs + retryMs);
    assert.equal(restarts(), 0);
  });

  it('a stalled connection is restarted once, and a failure reported twice restarts once', async () => {
    const { retry, restarts } = link();
    retry.watch(() => true);
    await sleep(connectMs + 20);
    retry.failed(); // the connection also went `failed`
    await sleep(retryMs + 100);
    assert.equal(restarts(), 1);
  });

  it('a watchdog of an attempt that was replaced restarts nothing; a stopped link never restarts', async () => {
    const { retry, restarts } = link();
    retry.watch(() => false); // by then, another attempt holds the link
    await sleep(connectMs + retryMs + 50);
    assert.equal(restarts(), 0);
    retry.failed();
    retry.stop();
    await sleep(retryMs + 50);
    assert.equal(restarts(), 0);
  });
});
