import assert from 'node:assert/strict';
import { noteShareBody, ocmPost, serverKey } from '../../test/harness/forge.ts';
import { eventually, startTestServer, type TestServer } from '../../test/harness/test-server.ts';
import { basicFor, davClient } from '../../test/harness/dav-test-client.ts';
import { contactsPlugin } from './index.ts';
import { card4 } from './testing/vcf.ts';

describe('contacts: the Federated contacts book and people search', function () {
  this.timeout(30_000);
  let s: TestServer;
  let token: string;
  let dav: ReturnType<typeof davClient>;
  const F = '/dav/addressbooks/ann/federated-contacts';

  before(async () => {
    s = await startTestServer({ plugins: [contactsPlugin()] });
    token = await s.user('ann');
    dav = davClient(s.origin, basicFor('ann'));
  });
  after(async () => s?.destroy());

  const cards = async () => {
    const r = await dav.send('REPORT', `${F}/`, {
      body: `<c:addressbook-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><c:address-data/></d:prop></c:addressbook-query>`,
    });
    assert.equal(r.status, 207, r.text);
    return r.text.replace(/&#13;/g, '\r');
  };

  it('mirrors the core contacts read-only, with the OCM address in CLOUD, in step with changes', async () => {
    const added = await s.api(token, 'POST', '/api/v1/contacts', {
      address: 'bob@cloud.example.org',
      displayName: 'Bob Builder',
    });
    assert.equal(added.status, 201);
    await eventually(async () => {
      const text = await cards();
      assert.match(text, /FN:Bob Builder\r\nCLOUD:bob@cloud.example.org/);
      return true;
    });
    const props = await dav.send('PROPFIND', `${F}/`, {
      headers: { depth: '0' },
      body: '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/><d:current-user-privilege-set/></d:prop></d:propfind>',
    });
    assert.match(props.text, /<d:displayname>Federated contacts<\/d:displayname>/);
    assert.doesNotMatch(props.text, /<d:write\/>/);
    const put = await dav.send('PUT', `${F}/x.vcf`, {
      body: card4('x', 'X'),
      headers: { 'content-type': 'text/vcard' },
    });
    assert.equal(put.status, 403);
    assert.match(put.text, /need-privileges/);
    const list = await dav.list(`${F}/`);
    const href = list.hrefs.find((h) => h.endsWith('.vcf')) as string;
    assert.equal((await dav.send('DELETE', href)).status, 403);
    assert.equal((await dav.send('DELETE', `${F}/`)).status, 403);
    const removed = await s.api(token, 'DELETE', `/api/v1/contacts/${(added.body as { id: string }).id}`);
    assert.equal(removed.status, 204);
    await eventually(async () => !/bob@cloud/.test(await cards()));
  });

  it('finds people by partial name, e-mail or address across contacts and address books', async () => {
    await s.api(token, 'POST', '/api/v1/contacts', { address: 'bob@cloud.example.org', displayName: 'Bob Builder' });
    const B = '/dav/addressbooks/ann/contacts';
    const put = (name: string, body: string) =>
      dav.send('PUT', `${B}/${name}`, { body, headers: { 'content-type': 'text/vcard' } });
    assert.equal(
      (
        await put(
          'carol.vcf',
          card4('carol', 'Carol Chen', 'CLOUD:carol@other.example.net', 'EMAIL:carol@mail.example'),
        )
      ).status,
      201,
    );
    assert.equal((await put('bobby.vcf', card4('bobby', 'Bobby Tables', 'EMAIL:bobby@school.example'))).status, 201);
    assert.equal((await put('dup.vcf', card4('dup', 'Robert B.', 'CLOUD:bob@cloud.example.org'))).status, 201);
    const people = async (q: string) => {
      const r = await s.api(token, 'GET', `/api/v1/people?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200);
      return r.body as Array<{ displayName: string; address: string | null; email: string | null; source: string }>;
    };
    const bo = await people('bo');
    assert.equal(bo[0]?.address, 'bob@cloud.example.org', JSON.stringify(bo));
    assert.equal(bo.filter((p) => p.address === 'bob@cloud.example.org').length, 1, 'one entry per address');
    assert.equal(bo[0]?.displayName, 'Bob Builder');
    assert.ok(bo.some((p) => p.email === 'bobby@school.example' && p.address === null));
    const carol = await people('CHEN');
    assert.deepEqual(
      carol.map((p) => [p.address, p.source]),
      [['carol@other.example.net', 'addressbooks']],
    );
    assert.equal((await people('mail.example'))[0]?.address, 'carol@other.example.net');
    assert.deepEqual(await people(''), []);
    assert.equal((await s.api(null, 'GET', '/api/v1/people?q=bo')).status, 401);
  });
});

describe('contacts: incoming address-book shares', function () {
  this.timeout(30_000);
  it('are refused with 400 without the webdav v1 block (url, displayName, access): nothing is stored', async () => {
    const [a, b] = await Promise.all([
      startTestServer({ plugins: [contactsPlugin()] }),
      startTestServer({ plugins: [contactsPlugin()] }),
    ]);
    try {
      const bob = await b.user('bob');
      const body = noteShareBody(a.host, `bob@${b.host}`, {
        resourceType: 'addressbook',
        protocol: { name: 'multi', webdav: { uri: '/dav/ocm/x', sharedSecret: 's3cret', permissions: ['read'] } },
      });
      const res = await ocmPost(b, '/shares', body, { key: await serverKey(a) });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.deepEqual((await b.api(bob, 'GET', '/api/v1/shares/incoming')).body, []);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
  });
});
