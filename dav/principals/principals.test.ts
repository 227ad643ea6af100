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
});
