import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readCallsConfig } from './calls-config.ts';
import { requireBinary, startCoturn } from './testing/media-servers.ts';
import { iceServersFor } from './turn-credentials.ts';

/** Asks coturn for a relay allocation with turnutils_uclient (Debian coturn); true when it was granted. */
function allocates(port: number, username: string, credential: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(
      'turnutils_uclient',
      ['-u', username, '-w', credential, '-p', String(port), '-n', '0', '-e', '127.0.0.1', '-r', '9', '127.0.0.1'],
      { stdio: 'ignore' },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

describe('calls: TURN credentials (TURN REST API, coturn use-auth-secret)', function () {
  this.timeout(60_000);

  it('mints time-limited credentials that coturn accepts, and refuses once they expired or with another secret', async function () {
    requireBinary(this, 'turnserver');
    const turn = await startCoturn();
    try {
      const cfg = readCallsConfig({ ...turn.env, MESHWORK_TURN_TTL: '600' });
      const now = Date.now();
      const { iceServers, expiresAt } = iceServersFor(cfg, 'alice', now);
      const server = iceServers.find((s) => s.username);
      assert.ok(server?.username && server.credential);
      assert.match(server.username, /^\d+:alice$/);
      assert.equal(expiresAt, (Math.floor(now / 1000) + 600) * 1000);
      const expired = iceServersFor(cfg, 'alice', now - 3_600_000).iceServers.find((s) => s.username);
      const forged = iceServersFor({ ...cfg, turnSecret: 'not-the-secret' }, 'alice', now).iceServers.find(
        (s) => s.username,
      );
      const [ok, late, wrong] = await Promise.all([
        allocates(turn.port, server.username, server.credential),
        allocates(turn.port, String(expired?.username), String(expired?.credential)),
        allocates(turn.port, String(forged?.username), String(forged?.credential)),
      ]);
      assert.deepEqual({ ok, late, wrong }, { ok: true, late: false, wrong: false });
    } finally {
      await turn.stop();
    }
  });

  it('hands out STUN without credentials, and nothing at all when no server is configured (LAN calls)', () => {
    const stunOnly = iceServersFor(readCallsConfig({ MESHWORK_TURN_URLS: 'stun:stun.example.org:3478' }), 'bob');
    assert.deepEqual(stunOnly, { iceServers: [{ urls: ['stun:stun.example.org:3478'] }], expiresAt: null });
    assert.deepEqual(iceServersFor(readCallsConfig({}), 'bob'), { iceServers: [], expiresAt: null });
  });
});

describe('calls: configuration', () => {
  const bad: Array<[Record<string, string>, string]> = [
    [{ MESHWORK_TURN_URLS: 'http://turn.example.org' }, 'MESHWORK_TURN_URLS'],
    [{ MESHWORK_TURN_URLS: 'turn:turn.example.org:3478' }, 'MESHWORK_TURN_SECRET'],
    [{ MESHWORK_TURN_TTL: '5' }, 'MESHWORK_TURN_TTL'],
    [{ MESHWORK_TURN_RELAY_ONLY: '1' }, 'MESHWORK_TURN_RELAY_ONLY'],
    [{ MESHWORK_JANUS_URL: 'http://127.0.0.1:8088' }, 'MESHWORK_JANUS_URL'],
    [{ MESHWORK_CALLS_MESH_MAX: '1' }, 'MESHWORK_CALLS_MESH_MAX'],
    [{ MESHWORK_CALLS_SFU: 'sometimes' }, 'MESHWORK_CALLS_SFU'],
  ];
  for (const [vars, name] of bad)
    it(`names ${name} when ${JSON.stringify(vars)} is invalid`, () => {
      assert.throws(
        () => readCallsConfig(vars),
        (err: Error) => err.message.startsWith(`${name}:`),
      );
    });

  it('defaults to peer-to-peer up to four, SFU beyond when one is configured, no TURN', () => {
    const c = readCallsConfig({});
    assert.deepEqual(
      [c.meshMax, c.sfuPolicy, c.janusUrl, c.turnUrls, c.relayOnly, c.turnTtlSeconds],
      [4, 'auto', null, [], false, 3600],
    );
  });
});
