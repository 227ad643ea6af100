import assert from 'node:assert/strict';
import { defaultPlugins } from '../../scripts/plugin-list.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { sendRaw } from './fuzz-client.ts';

describe('malformed percent-encoding in any route is a 400, never a 500', function () {
  this.timeout(30_000);
  let s: TestServer;
  let token: string;
  before(async () => {
    s = await startTestServer({ plugins: defaultPlugins() });
    token = await s.user('alice');
  });
  after(async () => s?.destroy());

  const cases: Array<[string, string, RegExp]> = [
    ['GET', '/api/v1/shares/incoming/%zz', /"code":"MALFORMED_URL"/],
    ['POST', '/api/v1/shares/incoming/%C3%28/accept', /"code":"MALFORMED_URL"/],
    ['DELETE', '/api/v1/contacts/%', /"code":"MALFORMED_URL"/],
    ['GET', '/api/v1/chat/rooms/%E0%A4%A', /"code":"MALFORMED_URL"/],
    ['DELETE', '/api/v1/chat/rooms/x/members/%ff', /"code":"MALFORMED_URL"/],
    ['POST', '/ocm/shares/%zz', /"message":"MALFORMED_URL"/],
    ['GET', '/.well-known/%zz', /MALFORMED_URL/],
    ['GET', '/invite/accept%zz', /MALFORMED_URL/],
    ['PROPFIND', '/dav/files/alice/%zz', /<d:error/],
    ['GET', '/dav/files/%C3%28/', /<d:error/],
  ];
  for (const [method, path, body] of cases)
    it(`${method} ${path}`, async () => {
      const res = await sendRaw(s.port, {
        method,
        target: path,
        headers: [['Authorization', `Bearer ${token}`]],
        body: Buffer.alloc(0),
      });
      assert.equal(res.status, 400, `${res.head}\n${res.body}`);
      assert.match(res.body, body);
    });
});

describe('CONNECT (a proxy method) gets an answer, not a dropped connection', function () {
  this.timeout(30_000);
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ plugins: defaultPlugins() });
  });
  after(async () => s?.destroy());

  for (const target of ['/dav', '/', 'example.org:443'])
    it(`CONNECT ${target} → 405 with a JSON error, and the server keeps serving`, async () => {
      const res = await sendRaw(s.port, { method: 'CONNECT', target, headers: [], body: Buffer.alloc(0) });
      assert.equal(res.status, 405, `${res.outcome} ${res.head}`);
      assert.match(res.body, /"code":"METHOD_NOT_ALLOWED"/);
      const after = await fetch(`${s.origin}/.well-known/ocm`);
      assert.equal(after.status, 200);
    });
});
