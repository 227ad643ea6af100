import assert from 'node:assert/strict';
import { createDavServer } from './create-server.ts';
import { deadPropertiesExtension } from './dead-props.ts';
import { DavError } from './errors.ts';
import { locksExtension } from './locks/locks-extension.ts';
import type { DavExtension } from './server.ts';
import { MemoryLocks, MemoryProps, MemoryStore, testLogger } from './testing/memory-backend.ts';
import { serveDav, type TestDav } from './testing/test-http.ts';
import type { DavCollection, DavMount } from './tree.ts';
import { escapeXml } from './xml.ts';

const X = 'urn:example:cal';
const LOCK_BODY =
  '<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockinfo>';

/** A domain error as the core throws them (status + code), not a DavError. */
class DomainError extends Error {
  readonly status = 409;
  readonly code = 'UID_CONFLICT';
}

function setup(extensions: DavExtension[] = [], mount: Partial<DavMount> = {}) {
  const store = new MemoryStore();
  const locks = new MemoryLocks();
  const props = new MemoryProps();
  const logger = testLogger();
  const dav = createDavServer({
    logger,
    maxXmlBytes: 1 << 20,
    extensions: [locksExtension(locks), deadPropertiesExtension(props), ...extensions],
  });
  const mountFor = (): DavMount => ({
    root: store.node('/')!,
    hrefPrefix: '/dav',
    space: 'alice',
    basePath: '/',
    principal: 'user:alice',
    canWrite: true,
    ...mount,
  });
  return { store, locks, props, logger, dav, mountFor };
}

/** An extension the way a calendar plugin would write one, without touching the toolkit. */
const calendarLike: DavExtension = {
  name: 'calendar-like',
  setup(server) {
    server.addFeature('calendar-access');
    server.addMethod(
      'MKCALENDAR',
      async (d) => {
        const parent = d.mount.root;
        if (!parent.collection) throw new DavError(409, 'no parent', 'DAV_CONFLICT');
        await (parent as DavCollection).createCollection(d.path.slice(1));
        d.res.writeHead(201).end();
      },
      { write: true },
    );
    server.addReport({
      name: `{${X}}thing-query`,
      appliesTo: (node) => node.collection,
      async handler(d) {
        d.sendMultistatus([
          `<d:response><d:href>${escapeXml(d.href(d.path, true))}</d:href><d:status>HTTP/1.1 200 OK</d:status></d:response>`,
        ]);
      },
    });
    server.addPropertyProvider({
      propFind(batch) {
        for (const pf of batch) if (pf.node.collection) pf.handle(`{${X}}color`, '#ff0000', false);
      },
    });
  },
};

describe('dav: a server that extensions build up', () => {
  let t: TestDav | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('lets a later extension add a method, a report, a DAV feature and a property without editing the toolkit', async () => {
    const s = setup([calendarLike]);
    t = await serveDav(s.dav, '/dav', s.mountFor);
    const opts = await t.send('OPTIONS', '/dav/');
    assert.equal(opts.headers.dav, '1, 2, calendar-access');
    assert.match(String(opts.headers.allow), /MKCALENDAR/);
    assert.equal((await t.send('MKCALENDAR', '/dav/cal')).status, 201);
    await t.send('PUT', '/dav/note.txt', { body: 'x' });
    const reports = (path: string) =>
      t!.send('PROPFIND', path, {
        headers: { depth: '0' },
        body: '<propfind xmlns="DAV:"><prop><supported-report-set/></prop></propfind>',
      });
    assert.match(
      (await reports('/dav/cal')).text,
      /<d:supported-report><d:report><x:thing-query xmlns:x="urn:example:cal"\/>/,
    );
    assert.doesNotMatch((await reports('/dav/note.txt')).text, /thing-query/);
    const report = await t.send('REPORT', '/dav/cal', { body: `<q:thing-query xmlns:q="${X}"/>` });
    assert.equal(report.status, 207);
    assert.match(report.text, /<d:href>\/dav\/cal\/<\/d:href>/);
    const onFile = await t.send('REPORT', '/dav/note.txt', { body: `<q:thing-query xmlns:q="${X}"/>` });
    assert.equal(onFile.status, 403);
    assert.match(onFile.text, /<d:supported-report\/>/);
    const unknown = await t.send('REPORT', '/dav/cal', { body: '<q:nope xmlns:q="urn:x"/>' });
    assert.equal(unknown.status, 403);
    const all = await t.send('PROPFIND', '/dav/cal', { headers: { depth: '0' } });
    assert.doesNotMatch(all.text, /color/, 'a property kept out of allprop');
    const asked = await t.send('PROPFIND', '/dav/cal', {
      headers: { depth: '0' },
      body: `<propfind xmlns="DAV:"><prop><color xmlns="${X}"/></prop></propfind>`,
    });
    assert.match(asked.text, /<x:color xmlns:x="urn:example:cal">#ff0000<\/x:color>/);
  });

  it('chains handlers of one method: an extended MKCOL takes bodies and passes plain requests to the core', async () => {
    const seen: string[] = [];
    const extendedMkcol: DavExtension = {
      name: 'extended-mkcol',
      setup(server) {
        server.addMethod(
          'MKCOL',
          async (d, next) => {
            if (!d.hasBody()) return next();
            const body = await d.readXml();
            seen.push(body?.local ?? '');
            await (d.mount.root as DavCollection).createCollection(d.path.slice(1));
            d.res.writeHead(201).end();
          },
          { write: true },
        );
      },
    };
    const s = setup([extendedMkcol]);
    t = await serveDav(s.dav, '/dav', s.mountFor);
    assert.equal((await t.send('MKCOL', '/dav/plain')).status, 201);
    const ext = await t.send('MKCOL', '/dav/book', { body: '<d:mkcol xmlns:d="DAV:"><d:set/></d:mkcol>' });
    assert.equal(ext.status, 201);
    assert.deepEqual(seen, ['mkcol']);
    assert.equal((await t.send('MKCOL', '/dav/plain')).status, 405, 'the core still answers for existing names');
  });

  it('asks property providers in priority order (the first value wins) and lists names for propname', async () => {
    const early: DavExtension = {
      name: 'early',
      setup(server) {
        server.addPropertyProvider({ propFind: (b) => b.forEach((pf) => pf.handle('{DAV:}displayname', 'Early')) }, 10);
        server.addPropertyProvider({ propFind: (b) => b.forEach((pf) => pf.handle('{DAV:}displayname', 'Late')) }, 500);
      },
    };
    const s = setup([early]);
    t = await serveDav(s.dav, '/dav', s.mountFor);
    await t.send('PUT', '/dav/a.txt', { body: 'abc' });
    const r = await t.send('PROPFIND', '/dav/a.txt', {
      headers: { depth: '0' },
      body: '<propfind xmlns="DAV:"><prop><displayname/><getcontentlength/></prop></propfind>',
    });
    assert.match(r.text, /<d:displayname>Early<\/d:displayname>/);
    assert.match(r.text, /<d:getcontentlength>3<\/d:getcontentlength>/);
    const names = await t.send('PROPFIND', '/dav/a.txt', {
      headers: { depth: '0' },
      body: '<propfind xmlns="DAV:"><propname/></propfind>',
    });
    assert.match(names.text, /<d:getetag\/>/);
    assert.match(names.text, /<d:lockdiscovery\/>/);
    assert.doesNotMatch(names.text, /Early|abc/);
  });

  it('asks the dead-property store nothing when only protected properties are named, and everything otherwise', async () => {
    const s = setup();
    t = await serveDav(s.dav, '/dav', s.mountFor);
    await t.send('PUT', '/dav/a.txt', { body: 'abc' });
    await s.props.patch('alice', '/a.txt', [{ name: '{urn:z}tag', value: 't' }]);
    const asked: string[][] = [];
    const get = s.props.get.bind(s.props);
    s.props.get = async (space, paths) => (asked.push([...paths]), get(space, paths));
    const find = (props: string) =>
      t!.send('PROPFIND', '/dav/', {
        headers: { depth: '1' },
        body: `<d:propfind xmlns:d="DAV:" xmlns:z="urn:z"><d:prop>${props}</d:prop></d:propfind>`,
      });
    assert.doesNotMatch((await find('<d:getetag/><d:resourcetype/>')).text, /urn:z/);
    assert.deepEqual(asked, []);
    assert.match((await find('<d:getetag/><z:tag/>')).text, /<x:tag xmlns:x="urn:z">t</);
    assert.match((await t.send('PROPFIND', '/dav/a.txt', { headers: { depth: '0' } })).text, /urn:z/);
    assert.equal(asked.length, 2);
  });

  it('PROPPATCH: a claiming handler stores before dead properties; protected properties fail the whole request', async () => {
    const stored: string[] = [];
    const colors: DavExtension = {
      name: 'colors',
      setup(server) {
        server.addPropPatchHandler({
          claims: (name) => name === `{${X}}color`,
          async apply(_d, _node, ops) {
            stored.push(...ops.map((o) => `${o.name}=${o.value}`));
          },
        });
      },
    };
    const s = setup([colors]);
    t = await serveDav(s.dav, '/dav', s.mountFor);
    await t.send('PUT', '/dav/a.txt', { body: 'abc' });
    const ok = await t.send('PROPPATCH', '/dav/a.txt', {
      body: `<d:propertyupdate xmlns:d="DAV:" xmlns:c="${X}" xmlns:z="urn:z"><d:set><d:prop><c:color>red</c:color><z:tag>t</z:tag></d:prop></d:set></d:propertyupdate>`,
    });
    assert.equal(ok.status, 207);
    assert.deepEqual(stored, [`{${X}}color=red`]);
    assert.deepEqual([...(await s.props.get('alice', ['/a.txt'])).get('/a.txt')!.keys()], ['{urn:z}tag']);
    const refused = await t.send('PROPPATCH', '/dav/a.txt', {
      body: '<d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z"><d:set><d:prop><z:tag>u</z:tag><d:getetag>x</d:getetag></d:prop></d:set></d:propertyupdate>',
    });
    assert.match(
      refused.text,
      /<d:getetag\/><\/d:prop><d:status>HTTP\/1.1 403 Forbidden<\/d:status><d:error><d:cannot-modify-protected-property\/>/,
    );
    assert.match(refused.text, /<x:tag xmlns:x="urn:z"\/><\/d:prop><d:status>HTTP\/1.1 424 Failed Dependency/);
    assert.equal((await s.props.get('alice', ['/a.txt'])).get('/a.txt')!.get('{urn:z}tag'), 't', 'nothing changed');
  });

  it('sends a backend refusal with its precondition element, in any namespace', async () => {
    const s = setup();
    s.store.check = (name) => {
      if (name.endsWith('.ics'))
        throw new DavError(
          403,
          'not iCalendar',
          'CALENDAR_DATA_INVALID',
          '{urn:ietf:params:xml:ns:caldav}valid-calendar-data',
        );
    };
    t = await serveDav(s.dav, '/dav', s.mountFor);
    const r = await t.send('PUT', '/dav/x.ics', { body: 'nope' });
    assert.equal(r.status, 403);
    assert.match(
      r.text,
      /<d:error xmlns:d="DAV:"[^>]*><c:valid-calendar-data xmlns:c="urn:ietf:params:xml:ns:caldav"\/>/,
    );
    assert.match(r.text, /<m:code>CALENDAR_DATA_INVALID<\/m:code>/);
    assert.equal(s.store.node('/x.ics'), null, 'nothing was stored');
  });

  it('maps domain errors (status + code) through the one error edge, and only unexpected ones are a logged 500', async () => {
    const s = setup();
    let fail: Error = new DomainError('the UID is in use');
    s.store.check = () => {
      throw fail;
    };
    t = await serveDav(s.dav, '/dav', s.mountFor);
    const domain = await t.send('PUT', '/dav/a.txt', { body: 'x' });
    assert.equal(domain.status, 409);
    assert.match(domain.text, /<m:code>UID_CONFLICT<\/m:code><m:message>the UID is in use<\/m:message>/);
    assert.equal(s.logger.errors.length, 0);
    fail = new Error('disk on fire: /secret/path');
    const bug = await t.send('PUT', '/dav/a.txt', { body: 'x' });
    assert.equal(bug.status, 500);
    assert.doesNotMatch(bug.text, /secret/, 'internal details stay in the log');
    assert.equal(s.logger.errors.length, 1);
  });

  it('refuses every write method on a read-only mount with 403 need-privileges, and still reads', async () => {
    const s = setup([calendarLike], { canWrite: false });
    s.store.put('/a.txt', Buffer.from('abc'));
    t = await serveDav(s.dav, '/dav', s.mountFor);
    for (const m of ['PUT', 'DELETE', 'MKCOL', 'PROPPATCH', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'MKCALENDAR']) {
      const r = await t.send(m, '/dav/a.txt', { headers: { destination: '/dav/b.txt' } });
      assert.equal(r.status, 403, m);
      assert.match(r.text, /<d:need-privileges\/>/, m);
    }
    assert.equal((await t.send('GET', '/dav/a.txt')).text, 'abc');
    assert.equal((await t.send('PROPFIND', '/dav/', { headers: { depth: '1' } })).status, 207);
  });

  it('answers bad input with 4xx: broken percent-encoding, deep, non-UTF-8 and oversized XML', async () => {
    const s = setup();
    s.store.put('/a.txt', Buffer.from('abc'));
    t = await serveDav(s.dav, '/dav', s.mountFor);
    for (const p of ['/dav/%zz', '/dav/a%', '/dav/%E2%82', '/dav/a.txt%ff'])
      for (const m of ['GET', 'PUT', 'PROPFIND', 'DELETE', 'MKCOL', 'LOCK'])
        assert.equal((await t.send(m, p)).status, 400, `${m} ${p}`);
    const deep = `<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><z xmlns="urn:z">${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</z></d:prop></d:set></d:propertyupdate>`;
    const nested = await t.send('PROPPATCH', '/dav/a.txt', { body: deep });
    assert.equal(nested.status, 400);
    assert.match(nested.text, /XML_TOO_DEEP/);
    assert.equal((await s.props.get('alice', ['/a.txt'])).size, 0, 'no property was stored');
    const deepLock = `<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype><d:owner>${'<o>'.repeat(100_000)}${'</o>'.repeat(100_000)}</d:owner></d:lockinfo>`;
    assert.equal((await t.send('LOCK', '/dav/a.txt', { body: deepLock })).status, 400);
    const latin1 = Buffer.concat([
      Buffer.from('<propfind xmlns="DAV:"><prop><x xmlns="urn:'),
      Buffer.from([0xe9, 0xff]),
      Buffer.from('"/></prop></propfind>'),
    ]);
    const notUtf8 = await t.send('PROPFIND', '/dav/a.txt', { headers: { depth: '0' }, body: latin1 });
    assert.equal(notUtf8.status, 400);
    assert.match(notUtf8.text, /XML_NOT_UTF8/);
    const big = await t.send('PROPFIND', '/dav/a.txt', {
      body: `<propfind xmlns="DAV:">${' '.repeat(1 << 20)}</propfind>`,
    });
    assert.equal(big.status, 413);
    const doctype = await t.send('PROPFIND', '/dav/a.txt', {
      body: '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><propfind xmlns="DAV:"><prop>&x;</prop></propfind>',
    });
    assert.equal(doctype.status, 400);
    assert.equal(s.logger.errors.length, 0);
  });

  it('keeps locks per storage space, so two mounts of one tree (owner and share) honour each other', async () => {
    const s = setup();
    s.store.entries.set('/shared', { body: null, contentType: '', modified: Date.now() });
    s.store.put('/shared/f.txt', Buffer.from('f'));
    const owner = await serveDav(s.dav, '/dav', s.mountFor);
    const share = await serveDav(s.dav, '/share', () => ({
      ...s.mountFor(),
      root: s.store.node('/shared')!,
      hrefPrefix: '/share',
      basePath: '/shared',
      principal: 'share:p1',
    }));
    try {
      const lock = await share.send('LOCK', '/share/f.txt', { body: LOCK_BODY });
      assert.equal(lock.status, 200);
      assert.match(lock.text, /<d:lockroot><d:href>\/share\/f.txt<\/d:href>/);
      const token = String(lock.headers['lock-token']).replace(/[<>]/g, '');
      const blocked = await owner.send('PUT', '/dav/shared/f.txt', { body: 'owner' });
      assert.equal(blocked.status, 423);
      assert.match(blocked.text, /<d:lock-token-submitted><d:href>\/dav\/shared\/f.txt<\/d:href>/);
      const stolen = await owner.send('PUT', '/dav/shared/f.txt', { body: 'owner', headers: { if: `(<${token}>)` } });
      assert.equal(stolen.status, 423, 'a token is only good for the principal that holds it');
      const discovery = await owner.send('PROPFIND', '/dav/shared/f.txt', {
        headers: { depth: '0' },
        body: '<propfind xmlns="DAV:"><prop><lockdiscovery/></prop></propfind>',
      });
      assert.match(discovery.text, new RegExp(`<d:locktoken><d:href>${token}</d:href>`));
      assert.equal(
        (await share.send('PUT', '/share/f.txt', { body: 'share', headers: { if: `(<${token}>)` } })).status,
        204,
      );
      assert.equal((await owner.send('DELETE', '/dav/shared')).status, 423, 'a deep delete is blocked by a lock below');
    } finally {
      await owner.close();
      await share.close();
    }
  });

  it('copies and moves node by node for backends without a native copy, and dead properties follow', async () => {
    const s = setup();
    t = await serveDav(s.dav, '/dav', s.mountFor);
    await t.send('MKCOL', '/dav/src');
    await t.send('PUT', '/dav/src/a.txt', { body: 'A' });
    await t.send('PROPPATCH', '/dav/src/a.txt', {
      body: '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><z xmlns="urn:z">1</z></d:prop></d:set></d:propertyupdate>',
    });
    assert.equal((await t.send('COPY', '/dav/src', { headers: { destination: '/dav/copy' } })).status, 201);
    assert.equal((await t.send('GET', '/dav/copy/a.txt')).text, 'A');
    assert.equal((await t.send('MOVE', '/dav/copy', { headers: { destination: '/dav/moved' } })).status, 201);
    assert.equal((await t.send('GET', '/dav/copy/a.txt')).status, 404);
    assert.equal((await s.props.get('alice', ['/moved/a.txt'])).get('/moved/a.txt')?.get('{urn:z}z'), '1');
  });
});
