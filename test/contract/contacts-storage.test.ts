import assert from 'node:assert/strict';
import { migrate } from '../../core/storage/migrations.ts';
import { coreMigrations } from '../../core/storage/core-schema.ts';
import type { Database } from '../../core/storage/database.ts';
import { BookStore, type AddressBook } from '../../plugins/contacts/book-store.ts';
import { CardStore, etagOf } from '../../plugins/contacts/card-store.ts';
import {
  InvalidSyncTokenError,
  StorePreconditionFailed,
  UidConflictError,
} from '../../plugins/contacts/carddav-errors.ts';
import { contactsMigrations } from '../../plugins/contacts/schema.ts';
import { card3, card4 } from '../../plugins/contacts/testing/vcf.ts';
import { validateCard } from '../../plugins/contacts/vcard.ts';
import { postgresAvailable, throwawayDatabase } from '../harness/databases.ts';

// One contract, two engines: the contacts stores must behave the same on SQLite and PostgreSQL.
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`contacts storage contract on ${engine}`, function () {
    let database: Database;
    let cleanup: () => Promise<void>;
    let books: BookStore;
    let cards: CardStore;
    let n = 0;
    const fresh = (): Promise<AddressBook> =>
      books.create({ ownerId: 'alice', uri: `book-${++n}`, props: { displayName: 'Friends' } });
    const put = (b: AddressBook, uri: string, text: string, cond = {}) => {
      const bytes = Buffer.from(text, 'utf8');
      return cards.put(b.id, uri, bytes, validateCard(bytes, 'text/vcard'), cond);
    };

    before(async function () {
      if (engine === 'postgres' && !(await postgresAvailable())) {
        console.log('    (PostgreSQL not reachable on 127.0.0.1:5432; skipping outside CI)');
        return this.skip();
      }
      ({ database, cleanup } = await throwawayDatabase(engine));
      const owners = [
        { owner: 'core', migrations: coreMigrations },
        { owner: 'contacts', migrations: contactsMigrations },
      ];
      await migrate(database.db, database.dialect, owners);
      await migrate(database.db, database.dialect, owners);
      books = new BookStore(database.db);
      cards = new CardStore(database.db);
    });
    after(async () => cleanup?.());

    it('creates address books with their properties, one per owner and URI', async () => {
      const b = await books.create({ ownerId: 'bob', uri: 'home', props: { displayName: 'Home', description: 'd' } });
      assert.deepEqual(await books.get('bob', 'home'), b);
      assert.equal(b.kind, 'local');
      await assert.rejects(books.create({ ownerId: 'bob', uri: 'home' }), { code: 'ADDRESSBOOK_EXISTS' });
      await assert.rejects(books.create({ ownerId: 'bob', uri: '../x' }), { code: 'ADDRESSBOOK_INVALID_URI' });
      const updated = await books.update(b.id, { description: null, displayName: 'Family' });
      assert.equal(updated?.displayName, 'Family');
      assert.equal(updated?.description, null);
      assert.ok((updated?.syncToken ?? 0) > b.syncToken, 'a property change moves the token (getctag)');
      assert.deepEqual(
        (await books.list('bob')).map((x) => x.uri),
        ['home'],
      );
      assert.equal(await books.delete(b.id), true);
      assert.equal(await books.get('bob', 'home'), null);
    });

    it('keeps the bytes verbatim with a strong ETag of exactly them', async () => {
      const b = await fresh();
      const text = card3('u1', 'Bob Builder', 'EMAIL;TYPE=INTERNET:bob@example.org', 'X-WEIRD;A=b:kept as is  ');
      const r = await put(b, 'u1.vcf', text);
      assert.equal(r.created, true);
      const got = await cards.get(b.id, 'u1.vcf');
      assert.equal(got?.data.toString('utf8'), text);
      assert.equal(got?.etag, etagOf(Buffer.from(text)));
      assert.equal(got?.fn, 'Bob Builder');
      assert.equal(got?.version, '3.0');
      const again = await put(b, 'u1.vcf', card3('u1', 'Bob Builder'));
      assert.equal(again.created, false);
      assert.notEqual(again.etag, r.etag);
    });

    it('refuses a second card with the same UID and names the card holding it', async () => {
      const b = await fresh();
      await put(b, 'a.vcf', card4('same', 'A'));
      await assert.rejects(put(b, 'b.vcf', card4('same', 'B')), (err: unknown) => {
        assert.ok(err instanceof UidConflictError);
        assert.equal(err.existingUri, 'a.vcf');
        return true;
      });
      const other = await fresh();
      await put(other, 'b.vcf', card4('same', 'B'));
      const racers = await Promise.allSettled([
        put(b, 'c.vcf', card4('race', 'C')),
        put(b, 'd.vcf', card4('race', 'D')),
      ]);
      assert.equal(racers.filter((x) => x.status === 'fulfilled').length, 1);
      const failed = racers.find((x) => x.status === 'rejected') as PromiseRejectedResult;
      assert.ok(failed.reason instanceof UidConflictError);
    });

    it('checks If-Match and If-None-Match inside the write', async () => {
      const b = await fresh();
      const { etag } = await put(b, 'x.vcf', card4('x', 'X'));
      await assert.rejects(put(b, 'x.vcf', card4('x', 'X2'), { ifNoneMatch: '*' }), StorePreconditionFailed);
      await assert.rejects(put(b, 'x.vcf', card4('x', 'X2'), { ifMatch: 'nope' }), StorePreconditionFailed);
      await put(b, 'x.vcf', card4('x', 'X2'), { ifMatch: etag });
      await assert.rejects(cards.delete(b.id, 'x.vcf', { ifMatch: etag }), StorePreconditionFailed);
      assert.equal(await cards.delete(b.id, 'x.vcf'), true);
      assert.equal(await cards.delete(b.id, 'x.vcf'), false);
    });

    it('finds candidates through the index of names, emails, phones and CLOUD', async () => {
      const b = await fresh();
      await put(b, 'bob.vcf', card4('bob', 'Bob Builder', 'EMAIL:bob@example.org', 'CLOUD:bob@cloud.example.org'));
      await put(b, 'ann.vcf', card3('ann', 'Ann Other', 'TEL;TYPE=CELL:+44 20 7946 0018', 'EMAIL:ann@x.org'));
      await put(b, 'pct.vcf', card4('pct', '100% Real_Name'));
      const uris = async (probes: Parameters<CardStore['candidates']>[1]) =>
        (await cards.candidates([b.id], probes)).map((c) => c.uri);
      assert.deepEqual(await uris(null), ['ann.vcf', 'bob.vcf', 'pct.vcf']);
      assert.deepEqual(await uris([{ props: ['FN'], text: 'bo', match: 'contains' }]), ['bob.vcf']);
      assert.deepEqual(await uris([{ props: ['CLOUD'], text: 'bob@cloud', match: 'starts-with' }]), ['bob.vcf']);
      assert.deepEqual(await uris([{ props: ['TEL'], text: '7946', match: 'contains' }]), ['ann.vcf']);
      assert.deepEqual(await uris([{ props: ['N'], text: 'other', match: 'contains' }]), ['ann.vcf']);
      assert.deepEqual(await uris([{ props: null, text: 'x.org', match: 'ends-with' }]), ['ann.vcf']);
      assert.deepEqual(await uris([{ props: ['FN'], text: '0%', match: 'contains' }]), ['pct.vcf']);
      assert.deepEqual(await uris([{ props: ['FN'], text: 'l_n', match: 'contains' }]), ['pct.vcf']);
      assert.deepEqual(await uris([{ props: ['FN'], text: 'l n', match: 'contains' }]), []);
      await put(b, 'bob.vcf', card4('bob', 'Robert'));
      assert.deepEqual(await uris([{ props: ['EMAIL'], text: 'bob', match: 'contains' }]), [], 'index follows writes');
    });

    it('lists an unchanged book from memory by its sync token, and a change made by another app node afresh', async () => {
      const b = await fresh();
      await put(b, 'a.vcf', card4('a', 'A'));
      const t1 = (await books.getById(b.id))!.syncToken;
      assert.deepEqual(
        (await cards.list(b.id, t1)).map((c) => c.uri),
        ['a.vcf'],
      );
      // Another app node: its own store (and cache) on the same database.
      const otherNode = new CardStore(database.db);
      const bytes = Buffer.from(card4('b', 'B'), 'utf8');
      await otherNode.put(b.id, 'b.vcf', bytes, validateCard(bytes, 'text/vcard'));
      const t2 = (await books.getById(b.id))!.syncToken;
      assert.ok(t2 > t1);
      assert.deepEqual(
        (await cards.list(b.id, t2)).map((c) => c.uri),
        ['a.vcf', 'b.vcf'],
      );
      assert.deepEqual((await cards.changesSince(b.id, null)).listed?.map((c) => c.uri).sort(), ['a.vcf', 'b.vcf']);
      await otherNode.delete(b.id, 'a.vcf');
      assert.deepEqual((await cards.changesSince(b.id, null)).changed, ['b.vcf']);
      const t3 = (await books.getById(b.id))!.syncToken;
      assert.deepEqual(
        (await cards.list(b.id, t3)).map((c) => c.uri),
        ['b.vcf'],
      );
    });

    it('logs changes for sync-collection, with deletions, limits and unknown tokens', async () => {
      const b = await fresh();
      const t0 = (await books.getById(b.id))!.syncToken;
      await put(b, 'a.vcf', card4('a', 'A'));
      await put(b, 'b.vcf', card4('b', 'B'));
      const all = await cards.changesSince(b.id, null);
      assert.deepEqual(all.changed.sort(), ['a.vcf', 'b.vcf']);
      await cards.delete(b.id, 'a.vcf');
      await put(b, 'c.vcf', card4('c', 'C'));
      const since = await cards.changesSince(b.id, all.token);
      assert.deepEqual(since.changed, ['c.vcf']);
      assert.deepEqual(since.deleted, ['a.vcf']);
      const paged = await cards.changesSince(b.id, t0, 1);
      assert.equal(paged.truncated, true);
      assert.deepEqual(paged, { token: t0 + 1, changed: [], deleted: ['a.vcf'], truncated: true });
      const rest = await cards.changesSince(b.id, paged.token);
      assert.deepEqual(rest.changed.sort(), ['b.vcf', 'c.vcf']);
      assert.deepEqual(rest.deleted, ['a.vcf']);
      await assert.rejects(cards.changesSince(b.id, t0 - 1), InvalidSyncTokenError);
      await assert.rejects(cards.changesSince(b.id, since.token + 100), InvalidSyncTokenError);
    });
  });
}
