import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testLogger } from '../testing/memory-backend.ts';
import { clark } from '../xml.ts';
import { PrincipalNode, sharedPrincipals, type PrincipalContribution, type PrincipalsSetup } from './principals.ts';

const A = 'urn:example:a';
const B = 'urn:example:b';

/** A contribution the way a plugin writes one: a home set of its own and a DAV header token. */
function contribution(ns: string, feature: string): PrincipalContribution {
  return {
    name: feature,
    features: [feature],
    protect: [clark(ns, 'home-set')],
    provider: {
      propFind(batch) {
        for (const pf of batch)
          if (pf.node instanceof PrincipalNode)
            pf.handle(clark(ns, 'home-set'), `<d:href>/${feature}/${pf.node.userId}/</d:href>`, false);
      },
    },
  };
}

describe('dav: the principal collection extensions share', () => {
  const servers: http.Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  /** A setup that records mounts and serves the mounted handler on loopback. */
  async function host() {
    const mounts: string[] = [];
    let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
    const setup: PrincipalsSetup = {
      authenticate: async (req) => (req.headers.authorization === 'me' ? { id: 'ann', displayName: 'Ann <A>' } : null),
      logger: testLogger(),
      mount(path, h) {
        mounts.push(path);
        handler = h;
      },
    };
    const server = http.createServer((req, res) => {
      req.url = (req.url ?? '/').slice('/dav/principals'.length) || '/';
      handler!(req, res);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const send = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
      const r = await fetch(origin + path, { method, headers: { authorization: 'me', ...headers }, body });
      return { status: r.status, dav: r.headers.get('dav') ?? '', text: await r.text() };
    };
    return { mounts, setup, send };
  }

  it('is made and mounted once per server; each contributor adds its properties and features', async () => {
    const one = await host();
    const other = await host();
    const scope = {};
    const first = sharedPrincipals(scope, one.setup);
    first.contribute(contribution(A, 'a-access'));
    const second = sharedPrincipals(scope, { ...one.setup, mount: () => assert.fail('mounted twice') });
    assert.equal(second, first);
    second.contribute(contribution(B, 'b-access'));
    assert.deepEqual(one.mounts, ['/dav/principals']);
    assert.deepEqual(first.contributors, ['a-access', 'b-access']);
    // Another server (another scope) has a collection of its own.
    assert.notEqual(sharedPrincipals({}, other.setup), first);
    assert.deepEqual(other.mounts, ['/dav/principals']);

    const body = `<d:propfind xmlns:d="DAV:" xmlns:a="${A}" xmlns:b="${B}"><d:prop><a:home-set/><b:home-set/><d:displayname/><d:resourcetype/><d:principal-URL/></d:prop></d:propfind>`;
    const r = await one.send('PROPFIND', '/dav/principals/ann/', body, { depth: '0' });
    assert.equal(r.status, 207);
    assert.match(r.text, /<x:home-set xmlns:x="urn:example:a"><d:href>\/a-access\/ann\/<\/d:href>/);
    assert.match(r.text, /<x:home-set xmlns:x="urn:example:b"><d:href>\/b-access\/ann\/<\/d:href>/);
    assert.match(r.text, /<d:displayname>Ann &lt;A&gt;<\/d:displayname>/);
    assert.match(r.text, /<d:resourcetype><d:collection\/><d:principal\/><\/d:resourcetype>/);
    assert.match(r.text, /<d:principal-URL><d:href>\/dav\/principals\/ann\/<\/d:href>/);
    const options = await one.send('OPTIONS', '/dav/principals/ann/');
    for (const t of ['1', '3', 'access-control', 'a-access', 'b-access'])
      assert.ok(options.dav.split(', ').includes(t));
    // The other server's collection has no contributions: no home sets, no features.
    const bare = await other.send('PROPFIND', '/dav/principals/ann/', body, { depth: '0' });
    const found = /<d:propstat><d:prop>(.*?)<\/d:prop><d:status>HTTP\/1.1 200/.exec(bare.text)?.[1] ?? '';
    assert.match(found, /principal-URL/);
    assert.doesNotMatch(found, /home-set/);
    assert.doesNotMatch((await other.send('OPTIONS', '/dav/principals/ann/')).dav, /a-access/);
  });

  it('shows only the caller’s own principal, asks for credentials and refuses changes', async () => {
    const h = await host();
    sharedPrincipals({}, h.setup).contribute(contribution(A, 'a-access'));
    const list = await h.send('PROPFIND', '/dav/principals/', undefined, { depth: '1' });
    assert.deepEqual(
      [...list.text.matchAll(/<d:href>([^<]*)<\/d:href><d:propstat>/g)].map((m) => m[1]),
      ['/dav/principals/', '/dav/principals/ann/'],
    );
    assert.equal((await h.send('PROPFIND', '/dav/principals/bob/', undefined, { depth: '0' })).status, 404);
    const anon = await h.send('PROPFIND', '/dav/principals/ann/', undefined, { authorization: '' });
    assert.equal(anon.status, 401);
    const patch = await h.send(
      'PROPPATCH',
      '/dav/principals/ann/',
      `<d:propertyupdate xmlns:d="DAV:" xmlns:a="${A}"><d:set><d:prop><a:home-set>x</a:home-set></d:prop></d:set></d:propertyupdate>`,
    );
    assert.equal(patch.status, 403);
    const inf = await h.send('PROPFIND', '/dav/principals/', undefined, { depth: 'infinity' });
    assert.equal(inf.status, 403);
    assert.match(inf.text, /propfind-finite-depth/);
  });

  it('answers the service roots / and /dav (mounted once per server) with the caller’s principal', async () => {
    const exact = new Map<string, (req: IncomingMessage, res: ServerResponse, next: () => void) => void>();
    const setup: PrincipalsSetup = {
      authenticate: async (req) => (req.headers.authorization === 'me' ? { id: 'ann', displayName: 'Ann' } : null),
      logger: testLogger(),
      mount: () => {},
      mountExact(path, h) {
        assert.ok(!exact.has(path), `${path} mounted twice`);
        exact.set(path, h);
      },
    };
    const scope = {};
    sharedPrincipals(scope, setup).contribute(contribution(A, 'a-access'));
    sharedPrincipals(scope, setup).contribute(contribution(B, 'b-access'));
    assert.deepEqual([...exact.keys()], ['/', '/dav']);
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').replace(/\/$/, '') || '/';
      const h = exact.get(path);
      const next = () => void res.writeHead(418).end('next');
      if (h) h(req, res, next);
      else next();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const body = `<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/><d:principal-URL/></d:prop></d:propfind>`;
    for (const [path, href] of [
      ['/', '/'],
      ['/dav/', '/dav/'],
    ]) {
      const r = await fetch(origin + path, { method: 'PROPFIND', headers: { authorization: 'me', depth: '1' }, body });
      const text = await r.text();
      assert.equal(r.status, 207, text);
      assert.deepEqual(
        [...text.matchAll(/<d:response><d:href>([^<]*)</g)].map((m) => m[1]),
        [href],
      );
      assert.match(text, /<d:current-user-principal><d:href>\/dav\/principals\/ann\/<\/d:href>/);
      assert.match(text, /<d:principal-URL><d:href>\/dav\/principals\/ann\/<\/d:href>/);
      const anon = await fetch(origin + path, { method: 'PROPFIND', body });
      assert.equal(anon.status, 401);
      assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic/);
      const options = await fetch(origin + path, { method: 'OPTIONS' });
      assert.equal(options.status, 200);
      for (const t of ['1', '3', 'a-access', 'b-access'])
        assert.ok((options.headers.get('dav') ?? '').split(', ').includes(t));
      // Every other method is left to what comes next (GET / is the web app's).
      assert.equal((await fetch(origin + path, { headers: { authorization: 'me' } })).status, 418);
      assert.equal(
        (await fetch(origin + path, { method: 'PUT', headers: { authorization: 'me' }, body: 'x' })).status,
        418,
      );
    }
  });
});
