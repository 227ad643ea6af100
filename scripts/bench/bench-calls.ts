import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startJanus, type MediaServer } from '../../plugins/calls/testing/media-servers.ts';
import { CHROMIUM } from '../../test/e2e/browser-harness.ts';
import { MEDIA_ARGS } from '../../test/e2e/calls-harness.ts';
import { ensureWebBuild } from '../../test/harness/web-build.ts';
import { percentile, spawnServer } from './bench-util.ts';

/**
 * `npm run bench:calls`: how long from pressing "Join" until the first video frame of the other person is decoded,
 * for a joiner on the room host's server and on another server, peer-to-peer and through SFUs (Janus), in one run;
 * and the CPU and memory an SFU call costs per participant (Janus and the Meshwork server).
 * Two Meshwork servers in child processes, each with its own Janus: A calls through its SFU always
 * (MESHWORK_CALLS_SFU=always), B peer-to-peer (rooms hosted there stay mesh up to four). Headless chromium with
 * fake camera and microphone plays every person. Knobs: BENCH_REPS (joins per case, 8), BENCH_LOAD_SECONDS (10).
 */
const REPS = Number(process.env.BENCH_REPS ?? 8);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const CLK = 100; // kernel clock ticks per second on Linux

interface Srv {
  origin: string;
  host: string;
  child: ChildProcess;
}

/** CPU seconds and resident memory of a process, from /proc. */
function procUsage(pid: number): { cpu: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / CLK;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpu, rss: rssKb * 1024 };
}

async function api(s: Srv, token: string | null, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(s.origin + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function login(s: Srv, id: string): Promise<string> {
  return (await api(s, null, 'POST', '/api/v1/auth/login', { username: id, password: `${id}-bench-pw` })).token;
}

async function until<T>(f: () => Promise<T | null | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A room hosted on `host` with `guest` (on `guestSrv`) invited and accepted; returns both ids. */
async function room(host: Srv, owner: string, guestSrv: Srv, guest: string, name: string): Promise<[string, string]> {
  const t = await login(host, owner);
  const address = guestSrv === host ? guest : `${guest}@${guestSrv.host}`;
  const r = await api(host, t, 'POST', '/api/v1/chat/rooms', { name, members: [address] });
  const gt = await login(guestSrv, guest);
  const share = await until(async () => {
    const inbox = (await api(guestSrv, gt, 'GET', '/api/v1/shares/incoming')) as any[];
    return inbox.find((s) => s.resourceType === 'chat-room' && s.state === 'pending' && s.name === name);
  }, 'invitation');
  await api(guestSrv, gt, 'POST', `/api/v1/shares/incoming/${share.id}/accept`);
  const guestRoom = await until(async () => {
    const list = (await api(guestSrv, gt, 'GET', '/api/v1/chat/rooms')) as any[];
    return list.find((x) => x.name === name && x.lastSeq > 1);
  }, 'room on the guest server');
  return [r.room.id, guestRoom.id];
}

async function personPage(browser: Browser, s: Srv, id: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  await ctx.addInitScript(() => (globalThis as any).localStorage.setItem('meshwork.calls.quality', 'low'));
  const page = await ctx.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${s.origin}/`);
  await page.getByLabel('Username').fill(id);
  await page.getByLabel('Password').fill(`${id}-bench-pw`);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return page;
}

/** Presses the lobby's join button and returns the ms until a remote video's first frame is decoded. */
async function timedJoin(page: Page, s: Srv, roomId: string): Promise<number> {
  await page.goto(`${s.origin}/#/calls/${roomId}`);
  await page.locator('.call-join:not([disabled])').waitFor();
  await page.locator('[data-testid="lobby-who"]').filter({ hasText: 'in the call' }).waitFor();
  return page.evaluate(async () => {
    const doc = (globalThis as any).document;
    const t0 = performance.now();
    doc.querySelector('.call-join').click();
    for (;;) {
      const vids = [...doc.querySelectorAll('video[data-testid="remote-video"]')];
      if (vids.some((v: any) => v.getVideoPlaybackQuality().totalVideoFrames > 0)) return performance.now() - t0;
      if (performance.now() - t0 > 30_000) throw new Error('no frame within 30 s');
      await new Promise((r) => (globalThis as any).requestAnimationFrame(r));
    }
  });
}

async function leave(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Leave' }).click();
}

function summary(xs: number[]): { p50: number; p95: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), n: s.length };
}

async function main(): Promise<void> {
  const dist = await ensureWebBuild();
  const janusA = await startJanus();
  const janusB = await startJanus();
  const users = 'a1,a2,a3,a4';
  const spawned = await Promise.all([
    spawnServer(
      { ...janusA.env, MESHWORK_CALLS_SFU: 'always', BENCH_USERS: users, BENCH_WEB_DIST: dist },
      './calls-bench-server.ts',
    ),
    spawnServer({ ...janusB.env, BENCH_USERS: 'b1,b2,b3', BENCH_WEB_DIST: dist }, './calls-bench-server.ts'),
  ]);
  const [A, B] = spawned.map((s) => ({ origin: s.origin, host: new URL(s.origin).host, child: s.child })) as [Srv, Srv];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: false,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', ...MEDIA_ARGS],
  });
  const janus: MediaServer[] = [janusA, janusB];
  try {
    // Rooms: peer-to-peer ones hosted on B, SFU ones hosted on A.
    const [meshSame] = await room(B, 'b1', B, 'b2', 'mesh-same');
    const [meshAcross, meshAcrossOnA] = await room(B, 'b1', A, 'a1', 'mesh-across');
    const [sfuSame] = await room(A, 'a1', A, 'a2', 'sfu-same');
    const [sfuAcross, sfuAcrossOnB] = await room(A, 'a1', B, 'b3', 'sfu-across');
    const pages = {
      b1: await personPage(browser, B, 'b1'),
      b2: await personPage(browser, B, 'b2'),
      b3: await personPage(browser, B, 'b3'),
      a1: await personPage(browser, A, 'a1'),
      a2: await personPage(browser, A, 'a2'),
    };
    const cases: Array<{
      label: string;
      starter: Page;
      starterSrv: Srv;
      startRoom: string;
      joiner: Page;
      srv: Srv;
      room: string;
    }> = [
      {
        label: 'mesh, joiner on the host server',
        starter: pages.b1,
        starterSrv: B,
        startRoom: meshSame,
        joiner: pages.b2,
        srv: B,
        room: meshSame,
      },
      {
        label: 'mesh, joiner on another server',
        starter: pages.b1,
        starterSrv: B,
        startRoom: meshAcross,
        joiner: pages.a1,
        srv: A,
        room: meshAcrossOnA,
      },
      {
        label: 'SFU, joiner on the host server',
        starter: pages.a1,
        starterSrv: A,
        startRoom: sfuSame,
        joiner: pages.a2,
        srv: A,
        room: sfuSame,
      },
      {
        label: 'SFU, joiner on another server',
        starter: pages.a1,
        starterSrv: A,
        startRoom: sfuAcross,
        joiner: pages.b3,
        srv: B,
        room: sfuAcrossOnB,
      },
    ];
    const results: Array<{ label: string; p50: number; p95: number; n: number }> = [];
    for (const c of cases) {
      await c.starter.goto(`${c.starterSrv.origin}/#/calls/${c.startRoom}`);
      await c.starter.locator('.call-join').click();
      await c.starter.locator('[data-testid="call-screen"][data-phase="connected"]').waitFor();
      const times: number[] = [];
      await timedJoin(c.joiner, c.srv, c.room).then(() => leave(c.joiner)); // warm-up
      for (let i = 0; i < REPS; i++) {
        times.push(await timedJoin(c.joiner, c.srv, c.room));
        await leave(c.joiner);
      }
      await leave(c.starter);
      results.push({ label: c.label, ...summary(times) });
      process.stdout.write(`  ${c.label}: done\n`);
    }

    // Load: an SFU call of five on A (three on A, two on B with B's own SFU), against the same servers idle.
    const load = async (seconds: number) => {
      const before = { a: procUsage(A.child.pid ?? 0), j: procUsage(janusA.pid), jb: procUsage(janusB.pid) };
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const after = { a: procUsage(A.child.pid ?? 0), j: procUsage(janusA.pid), jb: procUsage(janusB.pid) };
      return {
        meshworkCpu: (after.a.cpu - before.a.cpu) / seconds,
        janusCpu: (after.j.cpu - before.j.cpu + after.jb.cpu - before.jb.cpu) / seconds,
        meshworkRss: after.a.rss,
        janusRss: after.j.rss + after.jb.rss,
      };
    };
    const idle = await load(3);
    const people: Page[] = [pages.a1, pages.a2, await personPage(browser, A, 'a3'), pages.b3, pages.b1];
    const [bigRoom, ...others] = await (async () => {
      const t = await login(A, 'a1');
      const r = await api(A, t, 'POST', '/api/v1/chat/rooms', {
        name: 'load',
        members: ['a2', 'a3', `b3@${B.host}`, `b1@${B.host}`],
      });
      const ids: string[] = [r.room.id];
      for (const [srv, id] of [
        [A, 'a2'],
        [A, 'a3'],
        [B, 'b3'],
        [B, 'b1'],
      ] as const) {
        const tok = await login(srv, id);
        const share = await until(
          async () =>
            ((await api(srv, tok, 'GET', '/api/v1/shares/incoming')) as any[]).find(
              (s) => s.name === 'load' && s.state === 'pending',
            ),
          'load invitation',
        );
        await api(srv, tok, 'POST', `/api/v1/shares/incoming/${share.id}/accept`);
        ids.push(
          (
            await until(
              async () =>
                ((await api(srv, tok, 'GET', '/api/v1/chat/rooms')) as any[]).find(
                  (x) => x.name === 'load' && x.lastSeq > 1,
                ),
              'load room',
            )
          ).id,
        );
      }
      return ids;
    })();
    const ids = [bigRoom, ...others] as string[];
    const srvOf = [A, A, A, B, B];
    for (const [i, p] of people.entries()) {
      await p.goto(`${(srvOf[i] as Srv).origin}/#/calls/${ids[i]}`);
      await p.locator('.call-join').click();
      await p.locator('[data-testid="call-screen"][data-phase="connected"]').waitFor();
    }
    for (const p of people)
      await p.waitForFunction(
        () => (globalThis as any).document.querySelectorAll('video[data-testid="remote-video"]').length >= 4,
        undefined,
        { timeout: 60_000 },
      );
    await new Promise((r) => setTimeout(r, 3000));
    const busy = await load(LOAD_SECONDS);
    const n = people.length;

    const byLabel = (l: string) => results.find((r) => r.label === l) as { p50: number; p95: number; n: number };
    const f = (v: number) => `${Math.round(v)} ms`.padStart(9);
    console.log('\n  time from "Join" to the first decoded remote frame (headless chromium, fake camera, 320×180)\n');
    console.log(`  ${'case'.padEnd(36)}${'p50'.padStart(9)}${'p95'.padStart(9)}   joins`);
    for (const r of results) console.log(`  ${r.label.padEnd(36)}${f(r.p50)}${f(r.p95)}   ${r.n}`);
    for (const mode of ['mesh', 'SFU']) {
      const same = byLabel(`${mode}, joiner on the host server`);
      const across = byLabel(`${mode}, joiner on another server`);
      const ratio = across.p50 / same.p50;
      const ok = ratio <= 1.5 && across.p95 < 2000;
      console.log(
        `  ${mode}: across/same p50 = ${ratio.toFixed(2)}× (target ≤ 1.5×), across p95 ${Math.round(across.p95)} ms (target < 2000 ms): ${ok ? 'met' : 'NOT met'}`,
      );
    }
    const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
    console.log(`\n  SFU call of ${n} (3 publishing on A's Janus, 2 on B's), over ${LOAD_SECONDS} s:`);
    console.log(
      `  Meshwork server A: CPU ${(busy.meshworkCpu * 100).toFixed(1)} % (idle ${(idle.meshworkCpu * 100).toFixed(1)} %), RSS ${mb(busy.meshworkRss)} (idle ${mb(idle.meshworkRss)})`,
    );
    console.log(
      `  Janus (both):      CPU ${(busy.janusCpu * 100).toFixed(1)} % (idle ${(idle.janusCpu * 100).toFixed(1)} %), RSS ${mb(busy.janusRss)} (idle ${mb(idle.janusRss)})`,
    );
    console.log(
      `  per participant:   Janus ${(((busy.janusCpu - idle.janusCpu) * 100) / n).toFixed(2)} % CPU, ${mb((busy.janusRss - idle.janusRss) / n)}; Meshwork ${(((busy.meshworkCpu - idle.meshworkCpu) * 100) / n).toFixed(2)} % CPU, ${mb((busy.meshworkRss - idle.meshworkRss) / n)}`,
    );
    console.log(
      `  load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await browser.close();
    for (const s of [A, B]) s.child.kill('SIGTERM');
    for (const j of janus) await j.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
