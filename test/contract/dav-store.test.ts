import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Database } from '../../core/storage/database.ts';
import {
  CollectionCounter,
  CollectionTable,
  etagOf,
  isCollectionSegment,
  MemberTable,
  memberTouched,
  newCounters,
  type MemberTableSpec,
} from '../../dav/index.ts';
import { postgresAvailable, throwawayDatabase } from '../harness/databases.ts';

/** A backend of no known resource type: folders of notes, with a side table of tags. */
interface NoteMeta {
  uri: string;
  etag: string;
  size: number;
  uid: string;
  title: string;
}

class Refused extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

const counter = new CollectionCounter('folders', () => new Refused('gone', 'the folder no longer exists'));

const spec: MemberTableSpec<NoteMeta> = {
  counter,
  members: 'notes',
  changes: 'note_changes',
  key: 'folder_id',
  meta: ['uri', 'etag', 'size', 'uid', 'title'],
  toMeta: (r) => ({ uri: r.uri, etag: r.etag, size: Number(r.size), uid: r.uid, title: r.title }),
  noun: 'note',
  collectionNoun: 'folder',
  props: 'note_props',
  preconditionFailed: (message) => new Refused('412', message),
  uidConflict: (uid, existing) => new Refused('uid', `${uid} is held by ${existing}`),
  invalidToken: (token) => new Refused('token', String(token)),
};

async function createTables(database: Database): Promise<void> {
  const { db, dialect } = database;
  const binary = dialect === 'postgres' ? 'bytea' : 'blob';
  await db.schema
    .createTable('folders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('sync_token', 'bigint', (c) => c.notNull())
    .addColumn('first_token', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('label', 'text')
    .addUniqueConstraint('folders_uri', ['owner_id', 'uri'])
    .execute();
  await db.schema
    .createTable('notes')
    .addColumn('folder_id', 'text', (c) => c.notNull().references('folders.id').onDelete('cascade'))
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('data', binary, (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('last_modified', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notes_pk', ['folder_id', 'uri'])
    .addUniqueConstraint('notes_uid', ['folder_id', 'uid'])
    .execute();
  await db.schema
    .createTable('note_tags')
    .addColumn('folder_id', 'text', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('note_changes')
    .addColumn('folder_id', 'text', (c) => c.notNull())
    .addColumn('sync_token', 'bigint', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('note_props')
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('collection_id', 'text', (c) => c.references('folders.id').onDelete('cascade'))
    .addColumn('member', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('note_props_member', ['collection_id', 'member'], 'notes', ['folder_id', 'uri'], (c) =>
      c.onDelete('cascade'),
    )
    .execute();
}

const note = (uid: string, title: string): Buffer => Buffer.from(`${uid}\n${title}\n`, 'utf8');

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`DAV toolkit stored collections and members on ${engine}`, function () {
    let database: Database;
    let cleanup: () => Promise<void>;
    let folders: CollectionTable<Record<string, any>>;
    let notes: MemberTable<NoteMeta>;
    const changed: string[] = [];

    const put = (folder: string, uri: string, uid: string, title: string, cond = {}) =>
      notes.put(folder, uri, note(uid, title), uid, { title }, cond, async (trx) => {
        await trx.deleteFrom('note_tags').where('folder_id', '=', folder).where('uri', '=', uri).execute();
        await trx.insertInto('note_tags').values({ folder_id: folder, uri, tag: title.toLowerCase() }).execute();
      });

    async function newFolder(uri: string): Promise<string> {
      const id = randomUUID();
      await folders.insert({ id, owner_id: 'alice', uri, label: null, ...newCounters(Date.now()) }, async () => null);
      return id;
    }

    before(async function () {
      if (engine === 'postgres' && !(await postgresAvailable())) {
        this.skip();
        return;
      }
      ({ database, cleanup } = await throwawayDatabase(engine));
      await createTables(database);
      folders = new CollectionTable(database.db, {
        counter,
        toCollection: (r) => r as Record<string, any>,
        order: ['uri'],
        members: 'notes',
        changes: 'note_changes',
        key: 'folder_id',
        side: ['note_tags'],
      });
      notes = new MemberTable(database.db, spec, { chunk: 3 });
      notes.onChange((id) => changed.push(id));
    });

    after(async () => {
      if (cleanup) await cleanup();
    });

    it('writes members with strong ETags, conditions checked in the transaction, a unique UID and a change log', async () => {
      const folder = await newFolder('work');
      const first = await put(folder, 'a.note', 'u-a', 'Alpha', { ifNoneMatch: '*' });
      assert.equal(first.created, true);
      assert.equal(first.etag, etagOf(note('u-a', 'Alpha')));
      await assert.rejects(put(folder, 'a.note', 'u-a', 'Again', { ifNoneMatch: '*' }), { kind: '412' });
      await assert.rejects(put(folder, 'b.note', 'u-a', 'Clash'), {
        kind: 'uid',
        message: 'u-a is held by a.note',
      });
      await assert.rejects(put(folder, 'a.note', 'u-a', 'Stale', { ifMatch: 'nope' }), { kind: '412' });
      const second = await put(folder, 'a.note', 'u-a', 'Beta', { ifMatch: first.etag });
      assert.equal(second.created, false);
      assert.ok(second.syncToken > first.syncToken);
      assert.deepEqual(
        (await notes.list(folder)).map((m) => [m.uri, m.title]),
        [['a.note', 'Beta']],
      );
      const tags = await database.db.selectFrom('note_tags').select('tag').where('folder_id', '=', folder).execute();
      assert.deepEqual(
        tags.map((t) => t.tag),
        ['beta'],
      );
      await assert.rejects(notes.delete(folder, 'a.note', { ifMatch: first.etag }), { kind: '412' });
      assert.equal(await notes.delete(folder, 'a.note', { ifMatch: second.etag }), true);
      assert.equal(await notes.delete(folder, 'a.note'), false);
      assert.ok(changed.filter((id) => id === folder).length >= 3);
    });

    it('reports changes since a token, paged by a limit, and refuses tokens the folder never issued', async () => {
      const folder = await newFolder('sync');
      const start = (await counter.read(database.db, folder))!.syncToken;
      for (const n of [1, 2, 3, 4, 5]) await put(folder, `${n}.note`, `u${n}`, `N${n}`);
      await notes.delete(folder, '2.note');
      const page = await notes.changesSince(folder, start, 2);
      assert.deepEqual([page.changed, page.deleted, page.truncated], [['1.note'], ['2.note'], true]);
      const rest = await notes.changesSince(folder, page.token);
      assert.deepEqual(
        [rest.changed, rest.deleted, rest.truncated],
        [['3.note', '4.note', '5.note'], ['2.note'], false],
      );
      const initial = await notes.changesSince(folder, null);
      assert.deepEqual(initial.changed, ['1.note', '3.note', '4.note', '5.note']);
      assert.deepEqual(
        initial.listed?.map((m) => m.title),
        ['N1', 'N3', 'N4', 'N5'],
      );
      await assert.rejects(notes.changesSince(folder, start - 1), { kind: 'token' });
      await assert.rejects(notes.changesSince(randomUUID(), 1), { kind: 'token' });
      // Names beyond one IN list (chunk 3 here), repeated and missing ones, come back once each by URI.
      const many = await notes.getMany(folder, ['5.note', '1.note', '2.note', '4.note', '3.note', '5.note']);
      assert.deepEqual(
        many.map((m) => [m.uri, m.data.toString('utf8')]),
        [
          ['1.note', 'u1\nN1\n'],
          ['3.note', 'u3\nN3\n'],
          ['4.note', 'u4\nN4\n'],
          ['5.note', 'u5\nN5\n'],
        ],
      );
      assert.deepEqual(
        (await notes.metaMany(folder, ['4.note', '1.note'])).map((m) => m.uri),
        ['1.note', '4.note'],
      );
    });

    it('renames a member with its dead properties, logged as a deletion and an addition', async () => {
      const folder = await newFolder('moves');
      await put(folder, 'old.note', 'u-m', 'Moved');
      await put(folder, 'other.note', 'u-o', 'Other');
      await database.db
        .insertInto('note_props')
        .values({ owner_id: 'alice', collection_id: folder, member: 'old.note', name: '{x}p', value: 'v' })
        .execute();
      const before = (await counter.read(database.db, folder))!.syncToken;
      await assert.rejects(
        notes.rename(folder, 'old.note', 'other.note'),
        (err: Refused) => err.kind === '412' && /already exists in this folder/.test(err.message),
      );
      assert.equal(await notes.rename(folder, 'old.note', 'new.note'), true);
      assert.equal(await notes.rename(folder, 'old.note', 'new.note'), false);
      const props = await database.db
        .selectFrom('note_props')
        .select('member')
        .where('collection_id', '=', folder)
        .execute();
      assert.deepEqual(
        props.map((p) => p.member),
        ['new.note'],
      );
      const since = await notes.changesSince(folder, before);
      assert.deepEqual([since.changed, since.deleted], [['new.note'], ['old.note']]);
      const trxToken = await database.db.transaction().execute(async (trx) => {
        await memberTouched(trx, spec, folder, 'new.note');
        return (await counter.read(trx, folder))!.syncToken;
      });
      const touched = await notes.changesSince(folder, trxToken - 1);
      assert.deepEqual(touched.changed, ['new.note']);
    });

    it('keeps collections: a conflict refused before and after a racing insert, updates bump, deletion takes all', async () => {
      const folder = await newFolder('home');
      await assert.rejects(
        folders.insert(
          { id: randomUUID(), owner_id: 'alice', uri: 'home', label: null, ...newCounters(1) },
          async () =>
            (await folders.ofOwner('alice')).some((f) => f.uri === 'home') ? new Refused('409', 'exists') : null,
        ),
        { kind: '409' },
      );
      // The check missed it (a racing insert): the unique index refuses, and the check asked again names it.
      const asked: boolean[] = [];
      await assert.rejects(
        folders.insert(
          { id: randomUUID(), owner_id: 'alice', uri: 'home', label: null, ...newCounters(1) },
          async (f) => {
            asked.push(f);
            return f ? new Refused('409', 'exists') : null;
          },
        ),
        { kind: '409' },
      );
      assert.deepEqual(asked, [false, true]);
      const token = (await counter.read(database.db, folder))!.syncToken;
      const row = await folders.update(folder, { label: 'Home' });
      assert.equal(row?.label, 'Home');
      assert.equal(Number(row?.sync_token), token + 1);
      assert.deepEqual(await folders.byId(folder), row);
      assert.equal(await folders.byId(randomUUID()), null);
      await put(folder, 'x.note', 'u-x', 'X');
      assert.equal(await folders.delete(folder), true);
      assert.equal(await folders.delete(folder), false);
      for (const t of ['notes', 'note_tags', 'note_changes'])
        assert.equal((await database.db.selectFrom(t).selectAll().where('folder_id', '=', folder).execute()).length, 0);
      await assert.rejects(put(folder, 'y.note', 'u-y', 'Y'), { kind: 'gone' });
      assert.equal(isCollectionSegment('work'), true);
      for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'a\u0000', 'x'.repeat(201)])
        assert.equal(isCollectionSegment(bad), false);
    });

    it('deletes a collection while its members are being replaced: the deletion wins or waits, never deadlocks', async () => {
      // Member writes lock the collection row first; a deletion that locked members first and the row last met them
      // in the opposite order (on PostgreSQL a deadlock, which aborted the deletion: a left share's copy stayed).
      for (let round = 0; round < 5; round++) {
        const folder = await newFolder(`busy-${round}`);
        const uris = Array.from({ length: 12 }, (_, i) => `n${i}.note`);
        for (const uri of uris) await put(folder, uri, `u-${uri}`, 'first');
        const writes = uris.map((uri) => put(folder, uri, `u-${uri}`, 'second').then(() => 'stored' as const));
        const deleted = folders.delete(folder);
        const outcomes = await Promise.allSettled([...writes, deleted]);
        for (const o of outcomes.slice(0, -1))
          if (o.status === 'rejected') assert.equal((o.reason as Refused).kind, 'gone', String(o.reason));
        const last = outcomes.at(-1)!;
        assert.equal(last.status, 'fulfilled', last.status === 'rejected' ? String(last.reason) : '');
        assert.equal(await folders.byId(folder), null);
        for (const t of ['notes', 'note_tags', 'note_changes'])
          assert.equal(
            (await database.db.selectFrom(t).selectAll().where('folder_id', '=', folder).execute()).length,
            0,
          );
      }
    });
  });
}
