import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { migrate } from '../../core/storage/migrations.ts';
import { coreMigrations } from '../../core/storage/core-schema.ts';
import { AccountService } from '../../core/accounts/account-service.ts';
import { ShareStore } from '../../core/shares/share-store.ts';
import { ContactStore } from '../../core/invites/contact-store.ts';
import { Outbox } from '../../core/outbox/outbox.ts';
import { createLogger } from '../../core/logger.ts';
import type { Database } from '../../core/storage/database.ts';
import type { IncomingShare, OutgoingShare } from '../../core/shares/share-types.ts';
import { postgresAvailable, throwawayDatabase } from '../harness/databases.ts';

function incoming(over: Partial<IncomingShare> = {}): IncomingShare {
  const now = Date.now();
  return {
    id: randomUUID(),
    senderHost: 'a.example:8080',
    providerId: randomUUID(),
    recipientId: 'bob',
    resourceType: 'note',
    shareType: 'user',
    name: 'n',
    description: null,
    owner: 'alice@a.example:8080',
    sender: 'alice@a.example:8080',
    ownerDisplayName: null,
    senderDisplayName: null,
    protocol: { name: 'multi', protocols: { note: { uri: 'x', sharedSecret: 's' } } },
    permissions: ['read'],
    state: 'pending',
    expiration: null,
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

function outgoing(over: Partial<OutgoingShare> = {}): OutgoingShare {
  const now = Date.now();
  return {
    id: randomUUID(),
    providerId: randomUUID(),
    ownerId: 'alice',
    senderId: 'alice',
    resourceType: 'note',
    resourceId: 'r1',
    shareWith: 'bob@b.example',
    shareWithHost: 'b.example',
    shareType: 'user',
    name: 'n',
    permissions: ['read', 'write'],
    strict: false,
    state: 'sending',
    recipientDisplayName: null,
    lastError: null,
    expiration: null,
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

// One contract, two engines: the same behaviour is required of SQLite (default) and PostgreSQL.
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`storage contract on ${engine}`, function () {
    let database: Database;
    let cleanup: () => Promise<void>;

    before(async function () {
      if (engine === 'postgres' && !(await postgresAvailable())) {
        console.log('    (PostgreSQL not reachable on 127.0.0.1:5432; skipping outside CI)');
        return this.skip();
      }
      ({ database, cleanup } = await throwawayDatabase(engine));
      await migrate(database.db, database.dialect, [{ owner: 'core', migrations: coreMigrations }]);
    });
    after(async () => cleanup?.());

    it('applies migrations idempotently, and a plugin can add its own', async () => {
      await migrate(database.db, database.dialect, [
        { owner: 'core', migrations: coreMigrations },
        {
          owner: 'demo',
          migrations: [
            {
              name: '0001',
              up: async ({ db }) => void (await db.schema.createTable('demo_t').addColumn('id', 'text').execute()),
            },
          ],
        },
      ]);
      await database.db.insertInto('demo_t').values({ id: 'x' }).execute();
      assert.equal((await database.db.selectFrom('demo_t').selectAll().execute()).length, 1);
    });

    // PostgreSQL only: one database, several schemas (SQLite has one database per file).
    if (engine === 'postgres')
      it('migrates a second database schema on its own (deployments sharing one PostgreSQL server)', async () => {
        // This suite's schema is migrated already; another schema of the same database must get its own tables.
        const other = await throwawayDatabase(engine);
        try {
          await migrate(other.database.db, 'postgres', [{ owner: 'core', migrations: coreMigrations }]);
          await new AccountService(other.database.db).createUser({ id: 'zoe', password: 'zoe-password' });
          assert.equal(await new AccountService(database.db).findUser('zoe'), null, 'the schemas stay apart');
        } finally {
          await other.cleanup();
        }
      });

    it('stores users and sessions, rejects duplicates and wrong passwords', async () => {
      const accounts = new AccountService(database.db);
      await accounts.createUser({ id: 'alice', password: 'correct horse', displayName: 'Alice' });
      await assert.rejects(accounts.createUser({ id: 'alice', password: 'another pass' }), { code: 'USER_EXISTS' });
      await assert.rejects(accounts.checkPassword('alice', 'wrong password'), { code: 'INVALID_CREDENTIALS' });
      const token = await accounts.createSession('alice');
      assert.equal((await accounts.userForSession(token))?.displayName, 'Alice');
      await accounts.deleteSession(token);
      assert.equal(await accounts.userForSession(token), null);
    });

    it('keeps one incoming share per (sender host, share key) and round-trips every field', async () => {
      const store = new ShareStore(database.db);
      const s = incoming({ expiration: Date.now() + 86_400_000 });
      const first = await store.insertIncoming(s, 'key-1');
      const again = await store.insertIncoming({ ...s, id: randomUUID(), name: 'changed' }, 'key-1');
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.deepEqual(again.share, s);
      const sameIdOtherHost = await store.insertIncoming(
        incoming({ providerId: s.providerId, senderHost: 'c.example' }),
        'key-1',
      );
      assert.equal(sameIdOtherHost.created, true, 'the key is unique per sender only');
      const sameProviderIdOtherKey = await store.insertIncoming(incoming({ providerId: s.providerId }), 'key-2');
      assert.equal(sameProviderIdOtherKey.created, true, 'a repeated providerId under another key is another share');
      assert.equal((await store.listIncomingFrom(s.senderHost, s.providerId)).length, 2);
      assert.equal((await store.setIncomingState(s.id, 'accepted', ['pending']))?.state, 'accepted');
      assert.equal(await store.setIncomingState(s.id, 'declined', ['pending']), null, 'guarded transition refused');
    });

    it('finds outgoing shares by providerId and secret hash, and guards state changes', async () => {
      const store = new ShareStore(database.db);
      const o = outgoing();
      await store.insertOutgoing(o, `hash-${o.id}`);
      assert.deepEqual(await store.findOutgoingByProviderId(o.providerId), o);
      assert.equal((await store.findOutgoingBySecretHash(`hash-${o.id}`))?.id, o.id);
      assert.equal(
        (await store.setOutgoingState(o.id, 'pending', { recipientDisplayName: 'Bob' }, ['sending']))
          ?.recipientDisplayName,
        'Bob',
      );
      assert.equal(await store.setOutgoingState(o.id, 'pending', {}, ['sending']), null);
    });

    it('keeps contacts unique per user and address', async () => {
      const contacts = new ContactStore(database.db);
      const c = {
        userId: 'alice',
        address: 'bob@b.example',
        host: 'b.example',
        displayName: 'Bob',
        email: null,
        source: 'invite' as const,
      };
      assert.equal((await contacts.upsert(c)).created, true);
      assert.equal((await contacts.upsert({ ...c, displayName: 'Bobby' })).created, false);
      const list = await contacts.list('alice');
      assert.equal(list.length, 1);
      assert.equal(list[0]?.displayName, 'Bobby');
    });

    it('outbox runs different refs to one peer side by side (at most 8), and each ref strictly in order', async () => {
      let inFlight = 0;
      let maxInFlight = 0;
      const perRef = new Map<string, number[]>();
      const refBusy = new Set<string>();
      let overlapSameRef = false;
      const outbox = new Outbox(
        database.db,
        async (m) => {
          const ref = m.ref as string;
          if (refBusy.has(ref)) overlapSameRef = true;
          refBusy.add(ref);
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 15));
          inFlight--;
          refBusy.delete(ref);
          perRef.set(ref, [...(perRef.get(ref) ?? []), (m.body as { n: number }).n]);
          return { status: 201, body: {} };
        },
        createLogger('silent'),
        { retryBaseMs: 20, retryMaxMs: 50, giveUpMs: 60_000, pollMs: 20 },
      );
      let last = 0;
      for (let n = 0; n < 60; n++)
        last = await outbox.enqueue({
          destination: 'wide.example',
          kind: 'test',
          path: '/x',
          ref: `r${n % 12}`,
          body: { n },
        });
      outbox.start();
      await outbox.waitFor(last, 10_000);
      // The last message of one ref can finish before other refs' last ones: wait for all 60.
      const until = Date.now() + 10_000;
      while ([...perRef.values()].flat().length < 60 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      outbox.stop();
      assert.ok(maxInFlight > 1, 'unrelated refs overlap');
      assert.ok(maxInFlight <= 8, `window respected (saw ${maxInFlight})`);
      assert.equal(overlapSameRef, false, 'never two messages of one ref at once');
      for (let r = 0; r < 12; r++)
        assert.deepEqual(
          perRef.get(`r${r}`),
          [0, 1, 2, 3, 4].map((k) => r + 12 * k),
        );
    });

    it('outbox delivers in order per destination and survives a failing peer', async () => {
      const seen: string[] = [];
      let failFirst = 2;
      const outbox = new Outbox(
        database.db,
        async (m) => {
          if (m.destination === 'flaky.example' && failFirst-- > 0) throw new Error('down');
          seen.push(`${m.destination}:${(m.body as { n: number }).n}`);
          return { status: 201, body: {} };
        },
        createLogger('silent'),
        { retryBaseMs: 20, retryMaxMs: 50, giveUpMs: 60_000, pollMs: 20 },
      );
      outbox.start();
      const ids: number[] = [];
      for (let n = 0; n < 5; n++)
        ids.push(await outbox.enqueue({ destination: 'flaky.example', kind: 'test', path: '/x', body: { n } }));
      await outbox.enqueue({ destination: 'ok.example', kind: 'test', path: '/x', body: { n: 9 } });
      await outbox.waitFor(ids[4] as number, 5000);
      outbox.stop();
      assert.deepEqual(
        seen.filter((s) => s.startsWith('flaky')),
        [0, 1, 2, 3, 4].map((n) => `flaky.example:${n}`),
      );
      assert.ok(seen.includes('ok.example:9'));
      assert.equal(await outbox.pending(), 0);
    });
  });
}
