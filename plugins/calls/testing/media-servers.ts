import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A media server started for a test or the benchmark, with what a Meshwork server needs to use it. */
export interface MediaServer {
  /** MESHWORK_* variables pointing a Meshwork server at it. */
  env: Record<string, string>;
  pid: number;
  /** Output so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

const JANUS = process.env.JANUS_BIN ?? '/usr/bin/janus';
const TURNSERVER = process.env.TURNSERVER_BIN ?? '/usr/bin/turnserver';
const JANUS_LIBS = '/usr/lib/x86_64-linux-gnu/janus';

/** Skips (locally) or fails (CI=true) when a Debian package the test needs is missing. */
export function requireBinary(ctx: Mocha.Context, bin: 'janus' | 'turnserver'): void {
  const file = bin === 'janus' ? JANUS : TURNSERVER;
  if (existsSync(file)) return;
  const reason = `${file} not found (apt-get install -y ${bin === 'janus' ? 'janus' : 'coturn'})`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`      skipped: ${reason}`);
  ctx.skip();
}

async function freePort(kind: 'tcp' = 'tcp'): Promise<number> {
  void kind;
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Waits until a TCP port accepts connections (the process printing nothing is no proof it listens). */
async function waitForPort(port: number, child: ChildProcess, out: () => string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}):\n${out().slice(-3000)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} never opened:\n${out().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function run(cmd: string, args: string[], dir: string): { child: ChildProcess; out: () => string } {
  let buf = '';
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer) => {
    buf += d.toString();
    if (buf.length > 200_000) buf = buf.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, out: () => buf };
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null) {
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(t);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts Janus (Debian's `janus`) with generated configuration in a temporary folder: only the VideoRoom plugin
 * and the WebSocket transport on a free loopback port, an API secret and a VideoRoom admin key, no systemd.
 */
export async function startJanus(): Promise<MediaServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshwork-janus-'));
  const wsPort = await freePort();
  const apiSecret = randomBytes(16).toString('hex');
  const adminKey = randomBytes(16).toString('hex');
  // A block of RTP ports of our own, so parallel runs do not collide.
  const rtpBase = 20_000 + (process.pid % 400) * 100;
  writeFileSync(
    path.join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${JANUS_LIBS}/plugins"
  transports_folder = "${JANUS_LIBS}/transports"
  events_folder = "${JANUS_LIBS}/events"
  loggers_folder = "${JANUS_LIBS}/loggers"
  debug_timestamps = true
  debug_level = ${Number(process.env.JANUS_DEBUG_LEVEL ?? 3)}
  api_secret = "${apiSecret}"
  admin_secret = "${randomBytes(16).toString('hex')}"
}
media: {
  rtp_port_range = "${rtpBase}-${rtpBase + 99}"
}
nat: {
  ice_ignore_list = "vmnet,docker,veth"
}
plugins: {
  disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so"
}
transports: {
  disable = "libjanus_http.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
}
events: {
  broadcast = false
}
`,
  );
  writeFileSync(
    path.join(dir, 'janus.transport.websockets.jcfg'),
    `general: {
  json = "compact"
  ws = true
  ws_port = ${wsPort}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`,
  );
  writeFileSync(
    path.join(dir, 'janus.plugin.videoroom.jcfg'),
    `general: {
  admin_key = "${adminKey}"
  lock_rtp_forward = true
}
`,
  );
  // JANUS_LOG_FILE (with JANUS_DEBUG_LEVEL, 0–7) keeps Janus's whole log for diagnosing a media failure.
  const logFile = process.env.JANUS_LOG_FILE ? ['-L', process.env.JANUS_LOG_FILE] : [];
  const { child, out } = run(JANUS, ['-F', dir, '-C', path.join(dir, 'janus.jcfg'), '-N', ...logFile], dir);
  try {
    await waitForPort(wsPort, child, out);
  } catch (err) {
    await stopChild(child, dir);
    throw err;
  }
  return {
    env: {
      MESHWORK_JANUS_URL: `ws://127.0.0.1:${wsPort}`,
      MESHWORK_JANUS_API_SECRET: apiSecret,
      MESHWORK_JANUS_ADMIN_KEY: adminKey,
    },
    pid: child.pid ?? 0,
    output: out,
    stop: () => stopChild(child, dir),
  };
}

/**
 * Starts coturn (Debian's `turnserver`) on a free loopback port with the TURN REST API shared secret
 * (`use-auth-secret`), relaying on loopback, no TLS, no CLI, no systemd.
 */
export async function startCoturn(): Promise<MediaServer & { port: number; secret: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshwork-coturn-'));
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  const relayBase = 40_000 + (process.pid % 200) * 100;
  const conf = path.join(dir, 'turnserver.conf');
  writeFileSync(
    conf,
    [
      `listening-port=${port}`,
      'listening-ip=127.0.0.1',
      'relay-ip=127.0.0.1',
      `min-port=${relayBase}`,
      `max-port=${relayBase + 99}`,
      'use-auth-secret',
      `static-auth-secret=${secret}`,
      'realm=meshwork.test',
      'no-tls',
      'no-dtls',
      'no-cli',
      'no-tcp-relay',
      'allow-loopback-peers',
      'no-multicast-peers',
      'fingerprint',
      `pidfile=${path.join(dir, 'turnserver.pid')}`,
      'no-stdout-log',
      `log-file=${path.join(dir, 'turn.log')}`,
      'simple-log',
      '',
    ].join('\n'),
  );
  const { child, out } = run(TURNSERVER, ['-c', conf], dir);
  try {
    await waitForPort(port, child, out);
  } catch (err) {
    await stopChild(child, dir);
    throw err;
  }
  return {
    env: { MESHWORK_TURN_URLS: `turn:127.0.0.1:${port}?transport=udp`, MESHWORK_TURN_SECRET: secret },
    port,
    secret,
    pid: child.pid ?? 0,
    output: () =>
      out() +
      (existsSync(path.join(dir, 'turn.log'))
        ? spawnSync('tail', ['-50', path.join(dir, 'turn.log')]).stdout.toString()
        : ''),
    stop: () => stopChild(child, dir),
  };
}
