import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '#core';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { notePlugin } from '../fixtures/note-plugin.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

/** A pino destination that keeps every line, for reading what a server logged. */
class Capture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  entries(): Array<Record<string, any>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, any>);
  }
}

describe('operator logs: access lines, request ids, start-up warnings, no secrets at trace', function () {
  this.timeout(60_000);

  it('warns at start-up about MESHWORK_* variables nothing reads, naming them', async () => {
    const out = new Capture();
    const s = await startTestServer({ env: { MESHWORK_PROT: '1' }, logger: createLogger('info', out) });
    await s.destroy();
    const warning = out.entries().find((e) => e.level === 40 && /MESHWORK_PROT/.test(e.msg));
    assert.ok(warning, out.text);
    assert.match(warning.msg, /unknown environment variable ignored: MESHWORK_PROT/);
  });

  it('logs one line per request with method, path without secrets, status, duration, user, and the request id', async () => {
    const out = new Capture();
    const s = await startTestServer({ logger: createLogger('info', out) });
    try {
      const token = await s.user('carol', 'Carol');
      const me = await fetch(`${s.origin}/api/v1/me`, {
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'lb-7f3a.1' },
      });
      assert.equal(me.headers.get('x-request-id'), 'lb-7f3a.1', 'a plain correlation id from a proxy is kept');
      const odd = await fetch(`${s.origin}/api/v1/me`, { headers: { 'x-request-id': 'bad id\twith "quotes"' } });
      assert.match(String(odd.headers.get('x-request-id')), /^[0-9a-f-]{36}$/, 'anything else is replaced');
      await fetch(`${s.origin}/invite/accept?token=INVITE-SECRET-123&providerDomain=x.example`);
      await eventually(async () => out.entries().filter((e) => e.msg === 'request').length >= 4, 2000, 'lines');
      const lines = out.entries().filter((e) => e.msg === 'request');
      const meLine = lines.find((e) => e.reqId === 'lb-7f3a.1');
      assert.ok(meLine, out.text);
      assert.equal(meLine.method, 'GET');
      assert.equal(meLine.path, '/api/v1/me');
      assert.equal(meLine.status, 200);
      assert.equal(meLine.user, 'carol');
      assert.equal(typeof meLine.ms, 'number');
      assert.equal(lines.find((e) => e.reqId === odd.headers.get('x-request-id'))?.status, 401);
      const invite = lines.find((e) => String(e.path).startsWith('/invite/accept'));
      assert.equal(invite?.path, '/invite/accept?token=[redacted]&providerDomain=x.example');
      assert.doesNotMatch(out.text, /INVITE-SECRET-123/);
    } finally {
      await s.destroy();
    }
  });

  it('at trace level, a login + share + DAV flow shows what happened and never a password, token or share secret', async () => {
    const outA = new Capture();
    const outB = new Capture();
    const plugins = () => [filesPlugin(), notePlugin()];
    let a: TestServer | undefined;
    let b: TestServer | undefined;
    try {
      a = await startTestServer({ plugins: plugins(), logger: createLogger('trace', outA) });
      b = await startTestServer({ plugins: plugins(), logger: createLogger('trace', outB) });
      const alice = await a.user('alice', 'Alice');
      const bob = await b.user('bob', 'Bob');
      const aliceDav = davClient(a.origin, basicFor('alice'));
      const bobDav = davClient(b.origin, basicFor('bob'));
      assert.equal((await aliceDav.send('MKCOL', '/dav/files/alice/Plans')).status, 201);
      assert.equal((await aliceDav.send('PUT', '/dav/files/alice/Plans/p.txt', { body: 'plan' })).status, 201);
      const created = await a.api(alice, 'POST', '/api/v1/shares', {
        resourceType: 'folder',
        resourceId: '/Plans',
        shareWith: `bob@${b.host}`,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const [incoming] = (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body;
      await b.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`);
      const got = await bobDav.send('GET', '/dav/files/bob/Shared%20with%20me/Plans/p.txt');
      assert.equal(got.status, 200);
      await a.api(alice, 'GET', `/invite/accept?token=not-a-real-invite&providerDomain=${b.host}`);

      const [stored] = await b.engine.shares.listIncoming('bob');
      const secret = String(stored?.protocol.protocols.webdav?.sharedSecret);
      assert.ok(secret.length > 20);
      const secrets = {
        'alice password': 'alice-password',
        'bob password': 'bob-password',
        'alice session': alice,
        'bob session': bob,
        'alice Basic credential': basicFor('alice').slice(6),
        'bob Basic credential': basicFor('bob').slice(6),
        'share secret': secret,
        'invite token': 'not-a-real-invite',
        'private key': 'PRIVATE KEY',
      };
      const all = `${outA.text}\n${outB.text}`;
      for (const [what, value] of Object.entries(secrets)) assert.ok(!all.includes(value), `${what} is in the logs`);
      assert.doesNotMatch(all, /Bearer |Basic [A-Za-z0-9+/=]{8,}/);

      // and the lines are useful: every request, the OCM traffic, the outbox
      const entries = [...outA.entries(), ...outB.entries()];
      const has = (msg: string, extra: (e: Record<string, any>) => boolean = () => true) =>
        entries.some((e) => e.msg === msg && extra(e));
      assert.ok(
        has('request', (e) => e.method === 'PROPFIND' || e.method === 'GET'),
        'DAV requests logged',
      );
      assert.ok(has('request', (e) => e.path === '/ocm/shares' && e.status === 201 && e.peer === a!.host));
      assert.ok(has('OCM share received', (e) => e.senderHost === a!.host && e.scheme === 'rfc9421'));
      assert.ok(has('OCM notification received', (e) => e.notificationType === 'SHARE_ACCEPTED'));
      assert.ok(has('share sent while its user waits', (e) => e.kind === 'core:share' && e.status === 201));
      assert.ok(has('outbox message sent', (e) => e.kind === 'core:notification' && e.status === 201));
    } finally {
      await a?.destroy();
      await b?.destroy();
    }
  });
});
