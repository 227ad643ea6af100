import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { callsPlugin, type CallsPluginOptions } from '../../plugins/calls/index.ts';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { webStatic } from '../../scripts/web-static.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';
import { ensureWebBuild } from '../harness/web-build.ts';
import { launchBrowser, logIn, newPerson, requireChromium } from './browser-harness.ts';

/** Chromium flags for calls: fake camera (a moving test pattern) and microphone (a beep), no permission prompt. */
export const MEDIA_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--allow-loopback-in-peer-connection',
];

/** Starts chromium for calls. */
export async function callBrowser(ctx: Mocha.Context): Promise<Browser> {
  requireChromium(ctx);
  return launchBrowser(MEDIA_ARGS);
}

/** A server with chat and calls serving the web app (quick liveness checks and short grace periods). */
export async function callServer(env: Record<string, string> = {}, opts: CallsPluginOptions = {}): Promise<TestServer> {
  const dist = await ensureWebBuild();
  return startTestServer({
    env,
    plugins: [chatPlugin({ sweepMs: 500 }), callsPlugin({ aliveMs: 1000, graceMs: 8000, ...opts })],
    fallback: webStatic({ distDir: dist }),
  });
}

const T0 = Date.now();
const trails = new WeakMap<Page, string[]>();

/** The last lines of a page's call trail (seconds since the test file loaded, then what happened). */
export function callTrail(page: Page, last = 60): string {
  return (trails.get(page) ?? []).slice(-last).join('\n  ');
}

/**
 * A person in a browser context, logged in, with every RTCPeerConnection the page makes recorded (so the test can
 * read each received track's statistics) and the small sending quality (five people on a two-core machine).
 */
export async function person(browser: Browser, server: TestServer, user: string): Promise<Page> {
  const { page } = await newPerson(browser);
  page.setDefaultTimeout(20_000);
  // The call client's debug trail (links' attempts, socket drops) and page errors, for failure messages.
  const lines: string[] = [];
  trails.set(page, lines);
  const note = (text: string) => lines.push(`${((Date.now() - T0) / 1000).toFixed(1)} ${text}`);
  page.on('console', (m) => void (m.text().startsWith('[calls]') && note(m.text().slice(8))));
  page.on('pageerror', (e) => note(`page error: ${e.message}`));
  page.on('crash', () => note('the page crashed'));
  // Runs in the page (DOM types are not in this file's compilation: `any` on purpose).
  await page.addInitScript(() => {
    const w = globalThis as any;
    w.__pcs = [];
    const Original = w.RTCPeerConnection;
    w.RTCPeerConnection = class extends Original {
      constructor(cfg?: unknown) {
        super(cfg);
        w.__pcs.push(this);
      }
    };
    w.localStorage.setItem('meshwork.calls.quality', 'low');
  });
  await logIn(page, server.origin, user, `${user}-password`);
  return page;
}

/**
 * Per remote participant on a page: video frames decoded and audio packets received so far, and which tracks the
 * tile shows (the counts are those tracks' receivers': they start anew when the tile shows another stream).
 */
export type MediaCounts = Record<string, { frames: number; packets: number; tracks: string }>;

/** Reads the statistics of every remote tile's tracks from the receivers that deliver them. */
export function mediaCounts(page: Page): Promise<MediaCounts> {
  return page.evaluate(async () => {
    const w = globalThis as any;
    const pcs = (w.__pcs as any[]).filter((p) => p.connectionState !== 'closed');
    const out: Record<string, { frames: number; packets: number; tracks: string }> = {};
    for (const v of w.document.querySelectorAll('video[data-testid="remote-video"]')) {
      const stream = v.srcObject;
      const address: string = v.dataset.address ?? '';
      const ids = (stream?.getTracks() ?? []).map((t: any) => String(t.id).slice(0, 8));
      const c = { frames: 0, packets: 0, tracks: ids.sort().join(',') };
      for (const track of stream?.getTracks() ?? []) {
        for (const pc of pcs) {
          const rx = pc.getReceivers().find((r: any) => r.track === track);
          if (!rx) continue;
          (await rx.getStats()).forEach((s: any) => {
            if (s.type !== 'inbound-rtp') return;
            if (s.kind === 'video') c.frames += s.framesDecoded ?? 0;
            else c.packets += s.packetsReceived ?? 0;
          });
        }
      }
      out[address] = c;
    }
    return out;
  });
}

/**
 * How often media counters are read. Each reading asks every receiver of the page for its statistics: read every
 * 50 ms on five pages at once, it added to a load that left a two-core machine no idle time.
 */
const MEDIA_POLL_MS = 500;

/**
 * Waits until the page decodes video frames and receives audio packets from each of `from`, and both counts keep
 * increasing between two readings (media flowing now, not just once). When a tile switches streams in between (the
 * SFU copy replacing the mesh one, make before break), the new stream's counters start from zero, so its increase
 * is measured from its own first reading. A timeout names who was missing and the counts last seen.
 */
export async function expectMedia(page: Page, from: string[], what: string, ms = 45_000): Promise<MediaCounts> {
  let seen: MediaCounts = {};
  let links = '';
  const explain = (err: Error, missing: (a: string) => boolean): Error =>
    new Error(
      `${err.message} (missing: ${from.filter(missing).join(', ')}; last counts: ${JSON.stringify(seen)}; connections: ${links})`,
    );
  const fail = async (err: Error, missing: (a: string) => boolean): Promise<never> => {
    links = await connectionStates(page).catch((e: Error) => e.message);
    throw explain(err, missing);
  };
  const first = await eventually(
    async () => {
      const c = (seen = await mediaCounts(page));
      return from.every((a) => (c[a]?.frames ?? 0) > 0 && (c[a]?.packets ?? 0) > 0) ? c : null;
    },
    ms,
    `${what}: first frames and audio`,
    MEDIA_POLL_MS,
  ).catch((err: Error) => fail(err, (a) => !((seen[a]?.frames ?? 0) > 0 && (seen[a]?.packets ?? 0) > 0)));
  const base: MediaCounts = { ...first };
  const grows = (a: string) =>
    seen[a]?.tracks === base[a]?.tracks &&
    (seen[a]?.frames ?? 0) > (base[a]?.frames ?? 0) &&
    (seen[a]?.packets ?? 0) > (base[a]?.packets ?? 0);
  return eventually(
    async () => {
      seen = await mediaCounts(page);
      for (const a of from) if (seen[a] && seen[a].tracks !== base[a]?.tracks) base[a] = seen[a];
      return from.every(grows) ? seen : null;
    },
    ms,
    `${what}: frames and audio still increasing`,
    MEDIA_POLL_MS,
  ).catch((err: Error) => fail(err, (a) => !grows(a)));
}

/**
 * Every peer connection a page made, in order, for failure messages: connection/ICE/signalling states, the kinds of
 * its receivers' tracks, and which remote tile (if any) shows each track.
 */
export function connectionStates(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const w = globalThis as any;
    const shown = new Map<unknown, string>();
    for (const v of w.document.querySelectorAll('video[data-testid="remote-video"]'))
      for (const t of v.srcObject?.getTracks() ?? []) shown.set(t, v.dataset.address ?? '?');
    // The video RTP figures of each connection (what a frozen picture needs explained: packets still arriving or
    // not, losses, keyframes asked for and decoded; on the sending side frames encoded and why quality is limited).
    // No named functions in here: tsx compiles them with a `__name` helper the page does not have.
    const lines: string[] = [];
    for (const [i, pc] of (w.__pcs as any[]).entries()) {
      const rx = pc
        .getReceivers()
        .map((r: any) => `${r.track?.kind}${shown.has(r.track) ? `→${shown.get(r.track)}` : ''}`)
        .join(',');
      const out: string[] = [];
      if (pc.connectionState !== 'closed')
        (await pc.getStats()).forEach((s: any) => {
          if (s.kind !== 'video') return;
          if (s.type === 'inbound-rtp')
            out.push(
              `in pkts=${s.packetsReceived} lost=${s.packetsLost} frames=${s.framesReceived}/${s.framesDecoded} key=${s.keyFramesDecoded} dropped=${s.framesDropped} pli=${s.pliCount} nack=${s.nackCount} freezes=${s.freezeCount}`,
            );
          if (s.type === 'outbound-rtp')
            out.push(
              `out pkts=${s.packetsSent} frames=${s.framesEncoded}/${s.framesSent} key=${s.keyFramesEncoded} pli=${s.pliCount} limit=${s.qualityLimitationReason} active=${s.active}`,
            );
        });
      const figures = pc.connectionState === 'closed' ? '' : ` {${out.join(' ')}}`;
      lines.push(`#${i} ${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState} [${rx}]${figures}`);
    }
    return lines.join('; ');
  });
}

/** The remote addresses whose tiles a page shows. */
export function tileAddresses(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="call-tile"][data-me="false"]')
    .evaluateAll((els) => els.map((e) => (e as any).dataset.address ?? '').sort());
}

/** Waits until a page shows exactly these remote tiles. */
export async function expectTiles(page: Page, addresses: string[], what: string, ms = 30_000): Promise<void> {
  const want = [...addresses].sort();
  await eventually(async () => JSON.stringify(await tileAddresses(page)) === JSON.stringify(want), ms, what);
}

/** The type of the local candidate of each connected pair (`host`, `srflx`, `relay`) on a page. */
export function selectedCandidateTypes(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const types: string[] = [];
    for (const pc of (globalThis as any).__pcs as any[]) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      stats.forEach((s: any) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded')
          types.push(stats.get(s.localCandidateId)?.candidateType ?? '?');
      });
    }
    return types;
  });
}

/** Opens a room in chat, presses its call button, and starts or joins from the lobby. */
export async function joinFromChat(
  page: Page,
  origin: string,
  roomId: string,
  opts: { muted?: boolean } = {},
): Promise<void> {
  const started = Date.now();
  const step = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      // Which step, after how long, and what the page showed then (a timeout alone says none of it).
      const shown = await page
        .locator('main')
        .innerText({ timeout: 2_000 })
        .catch(() => '?');
      const s = ((Date.now() - started) / 1000).toFixed(1);
      throw new Error(
        `${what} at ${page.url()} after ${s} s (page: ${JSON.stringify(shown.slice(0, 300))}): ${(err as Error).message}`,
        { cause: err },
      );
    }
  };
  await step('opening the room', () => page.goto(`${origin}/#/chat/${roomId}`));
  await step('pressing the call button', () => page.getByTestId('call-button').click());
  await step('waiting for the lobby', () => page.getByTestId('call-lobby').waitFor());
  if (opts.muted) await step('joining muted', () => page.getByRole('button', { name: 'Join muted' }).click());
  await step('joining', () => page.locator('.call-join').click());
  await step('waiting to be connected', () =>
    page.locator('[data-testid="call-screen"][data-phase="connected"]').waitFor({ timeout: 30_000 }),
  );
}

/** Accepts every pending room invitation of a user (API). */
export async function acceptAll(server: TestServer, token: string): Promise<void> {
  const inbox = await eventually(async () => {
    const r = await server.api(token, 'GET', '/api/v1/shares/incoming');
    const pending = (r.body as Array<{ id: string; state: string; resourceType: string }>).filter(
      (s) => s.resourceType === 'chat-room' && s.state === 'pending',
    );
    return pending.length ? pending : null;
  });
  for (const s of inbox) {
    const res = await server.api(token, 'POST', `/api/v1/shares/incoming/${s.id}/accept`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
}

/** The id a member's server knows a room by, once it has synced it. */
export async function roomIdOn(server: TestServer, token: string, name: string): Promise<string> {
  const r = await eventually(
    async () => {
      const list = (await server.api(token, 'GET', '/api/v1/chat/rooms')).body as Array<{
        id: string;
        name: string;
        kind: string;
        lastSeq: number;
        peer: string | null;
      }>;
      return list.find((x) => (x.name === name || x.peer === name) && x.lastSeq > 1);
    },
    10_000,
    `room ${name} on ${server.host}`,
  );
  return r.id;
}

/** Waits until every video shown on the page has decoded a picture (for screenshots after a layout change). */
export async function videosPlaying(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      [...(globalThis as any).document.querySelectorAll('.call-tile video:not(.call-video-hidden)')].every(
        (v: any) => v.readyState >= 2 && v.videoWidth > 0,
      ),
    undefined,
    { timeout: 20_000 },
  );
}
