import assert from 'node:assert/strict';
import { lockConflicts, newLockToken, type DavLock } from '#dav';
import { migrate } from '../../core/storage/migrations.ts';
import type { Database } from '../../core/storage/database.ts';
import { DbLockBackend } from '../../plugins/files/db-lock-backend.ts';
import { filesMigrations } from '../../plugins/files/migrations.ts';
import { PropStore } from '../../plugins/files/prop-store.ts';
import { ShareRoots } from '../../plugins/files/share-roots.ts';
import { postgresAvailable, throwawayDatabase } from '../harness/databases.ts';

function lock(over: Partial<DavLock>): DavLock {
  return {
    token: newLockToken(),
    space: 'alice',
    path: '/a',
    depth: '0',
    scope: 'exclusive',
    ownerXml: '<href>me</href>',
    principal: 'user:alice',
    timeoutSeconds: 600,
    expiresAt: Date.now() + 600_000,
    ...over,
  };
}

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`files DAV stores (locks, dead properties, share roots) on ${engine}`, function () {
    let database: Database;
    let cleanup: () => Promise<void>;

    before(async function () {
      if (engine === 'postgres' && !(await postgresAvailable())) {
        console.log('    (PostgreSQL not reachable on 127.0.0.1:5432; skipping outside CI)');
        return this.skip();
      }
      ({ database, cleanup } = await throwawayDatabase(engine));
      await migrate(database.db, database.dialect, [{ owner: 'files', migrations: filesMigrations }]);
    });
    after(async () => cleanup?.());

    it('finds locks on a path, its ancestors and (when asked) below it; grants only without conflicts', async () => {
      const locks = new DbLockBackend(database.db, database.dialect);
      const deep = lock({ path: '/docs', depth: 'infinity', scope: 'shared' });
      const below = lock({ path: '/docs/sub/x.txt', scope: 'shared' });
      const other = lock({ space: 'bob', path: '/docs' });
      for (const l of [deep, below, other]) assert.deepEqual(await locks.create(l, (e) => lockConflicts(e, l)), []);
      const tokens = async (path: string, descendants: boolean) =>
        (await locks.find('alice', path, descendants)).map((l) => l.token).sort();
      assert.deepEqual(await tokens('/docs/sub', false), [deep.token]);
      assert.deepEqual(await tokens('/docs/sub', true), [deep.token, below.token].sort());
      assert.deepEqual(await tokens('/', true), [deep.token, below.token].sort());
      assert.deepEqual(await tokens('/docs_x', true), [], 'a sibling whose name shares a prefix is not below');
      const clash = lock({ path: '/docs/sub/x.txt' });
      assert.deepEqual(
        (await locks.create(clash, (e) => lockConflicts(e, clash))).map((l) => l.token).sort(),
        [deep.token, below.token].sort(),
        'an exclusive lock conflicts with the shared ones covering it',
      );
      assert.equal(await locks.byToken(clash.token), null, 'a refused lock is not stored');
      const got = await locks.byToken(deep.token);
      assert.equal(got?.depth, 'infinity');
      assert.equal(got?.ownerXml, '<href>me</href>');
      assert.equal(typeof got?.expiresAt, 'number');
      await locks.refresh(below.token, 5, Date.now() - 1);
      assert.equal(await locks.byToken(below.token), null, 'an expired lock is gone');
      await locks.removeTree('alice', '/docs');
      assert.deepEqual(await tokens('/', true), []);
      assert.equal((await locks.find('bob', '/docs', false)).length, 1);
      await locks.removePrincipal('user:alice');
      assert.equal((await locks.find('bob', '/docs', false)).length, 0);
      assert.equal(await locks.remove('urn:uuid:none'), false);
    });

    it('keeps dead properties per path: atomic patch, move and copy of subtrees, names with % and _', async () => {
      const props = new PropStore(database.db);
      await props.patch('alice', '/a_%', [
        { name: '{urn:z}one', value: '1' },
        { name: '{urn:z}two', value: '<b xmlns="urn:z">2</b>' },
      ]);
      await props.patch('alice', '/a_%/in', [{ name: '{urn:z}one', value: 'inner' }]);
      await props.patch('alice', '/ab', [{ name: '{urn:z}one', value: 'sibling' }]);
      await props.patch('alice', '/a_%', [{ name: '{urn:z}two', value: null }]);
      assert.deepEqual([...(await props.get('alice', ['/a_%'])).get('/a_%')!], [['{urn:z}one', '1']]);
      await props.copyTree('alice', '/a_%', '/copy', true);
      await props.moveTree('alice', '/a_%', '/moved');
      const after = await props.get('alice', ['/a_%', '/a_%/in', '/moved', '/moved/in', '/copy/in', '/ab']);
      assert.deepEqual([...after.keys()].sort(), ['/ab', '/copy/in', '/moved', '/moved/in']);
      await props.removeTree('alice', '/moved');
      assert.equal((await props.get('alice', ['/moved/in'])).size, 0);
      assert.equal((await props.get('alice', ['/ab'])).get('/ab')?.get('{urn:z}one'), 'sibling');
    });

    it('records share roots with their identity, follows moves and replacements, forgets on removal', async () => {
      const roots = new ShareRoots(database.db);
      await roots.add({ providerId: 'p1', owner: 'alice', path: '/Projects', kind: 'folder', fileId: 'f1' });
      await roots.add({ providerId: 'p2', owner: 'alice', path: '/Projects/doc.txt', kind: 'file', fileId: 'f2' });
      await roots.add({ providerId: 'p3', owner: 'alice', path: '/Legacy', kind: 'folder', fileId: null });
      await roots.move('alice', '/Projects', '/Archive/Projects');
      assert.equal((await roots.get('p2'))?.path, '/Archive/Projects/doc.txt');
      await roots.replacing('f2', 'f2b');
      assert.deepEqual([(await roots.get('p2'))?.fileId, (await roots.get('p2'))?.nextFileId], ['f2', 'f2b']);
      await roots.replaced('f2', 'f2b');
      assert.deepEqual([(await roots.get('p2'))?.fileId, (await roots.get('p2'))?.nextFileId], ['f2b', null]);
      await roots.adopt('p3', 'f3');
      await roots.adopt('p3', 'other');
      assert.equal((await roots.get('p3'))?.fileId, 'f3', 'an identity is adopted once');
      assert.deepEqual((await roots.within('alice', '/Archive')).map((r) => r.providerId).sort(), ['p1', 'p2']);
      await roots.remove('p1');
      assert.equal(await roots.get('p1'), null);
      assert.equal((await roots.all()).length, 2);
    });
  });
}
