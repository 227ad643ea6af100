import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { migrate } from '../../core/storage/migrations.ts';
import { coreMigrations } from '../../core/storage/core-schema.ts';
import type { Database } from '../../core/storage/database.ts';
import { CalendarStore, type Calendar } from '../../plugins/calendars/calendar-store.ts';
import {
  InvalidSyncTokenError,
  StorePreconditionFailed,
  UidConflictError,
} from '../../plugins/calendars/caldav-errors.ts';
import { validateCalendarObject } from '../../plugins/calendars/ical-validate.ts';
import { ObjectStore } from '../../plugins/calendars/object-store.ts';
import { calendarMigrations } from '../../plugins/calendars/schema.ts';
import { calendarPropsMigration } from '../../plugins/calendars/caldav/dead-props-schema.ts';
import { ics, range, vevent } from '../../plugins/calendars/testing/ics.ts';
import { postgresAvailable, throwawayDatabase } from '../harness/databases.ts';

function event(uid: string, ...lines: string[]): Buffer {
  return Buffer.from(ics(...vevent(`UID:${uid}`, ...(lines.length ? lines : ['DTSTART:20260301T100000Z']))), 'utf8');
}

function indexOf(bytes: Buffer) {
  return validateCalendarObject(bytes, { supportedComponents: ['VEVENT', 'VTODO'] }).index;
}

// One contract, two engines: the calendar stores must behave the same on SQLite and PostgreSQL.
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`calendar storage contract on ${engine}`, function () {
    let database: Database;
    let cleanup: () => Promise<void>;
    let calendars: CalendarStore;
    let objects: ObjectStore;
    let n = 0;
    const fresh = async (over: { components?: string[] } = {}): Promise<Calendar> =>
      calendars.create({ ownerId: 'alice', uri: `cal-${++n}`, props: { displayName: 'Work' }, ...over });
    const put = (cal: Calendar, uri: string, bytes: Buffer, cond = {}) =>
      objects.put(cal.id, uri, bytes, indexOf(bytes), cond);

    before(async function () {
      if (engine === 'postgres' && !(await postgresAvailable())) {
        console.log('    (PostgreSQL not reachable on 127.0.0.1:5432; skipping outside CI)');
        return this.skip();
      }
      ({ database, cleanup } = await throwawayDatabase(engine));
      const owners = [
        { owner: 'core', migrations: coreMigrations },
        { owner: 'calendars', migrations: [...calendarMigrations, calendarPropsMigration] },
      ];
      await migrate(database.db, database.dialect, owners);
      await migrate(database.db, database.dialect, owners);
      calendars = new CalendarStore(database.db);
      objects = new ObjectStore(database.db);
    });
    after(async () => cleanup?.());

    it('creates calendars with their properties, one per owner and URI', async () => {
      const cal = await calendars.create({
        ownerId: 'bob',
        uri: 'home',
        props: { displayName: 'Home', description: 'd', color: '#ff0000ff', order: 2, timezone: 'Europe/Berlin' },
        components: ['vevent'],
      });
      const again = await calendars.get('bob', 'home');
      assert.deepEqual(again, cal);
      assert.deepEqual(cal.components, ['VEVENT']);
      await assert.rejects(calendars.create({ ownerId: 'bob', uri: 'home' }), { code: 'CALENDAR_EXISTS' });
      await assert.rejects(calendars.create({ ownerId: 'bob', uri: '../x' }), { code: 'CALENDAR_INVALID_URI' });
      await assert.rejects(calendars.create({ ownerId: 'bob', uri: 'y', components: ['VCARD'] }), {
        code: 'CALENDAR_INVALID_COMPONENTS',
      });
      assert.ok((await calendars.create({ ownerId: 'carol', uri: 'home' })).id !== cal.id, 'URIs are per owner');
      const updated = await calendars.update(cal.id, { displayName: 'Family', color: null });
      assert.equal(updated?.displayName, 'Family');
      assert.equal(updated?.color, null);
      assert.equal(updated?.syncToken, cal.syncToken + 1, 'a property change moves the token (getctag)');
    });

    it('stores the bytes verbatim with a strong ETag of exactly those bytes', async () => {
      const cal = await fresh();
      const bytes = Buffer.from(
        `\uFEFF${ics(...vevent('UID:verbatim', 'DTSTART:20260301T100000Z', 'SUMMARY:Ünïcödé'))}`.replace(/\r\n/g, '\n'),
      );
      const r = await put(cal, 'v.ics', bytes);
      assert.equal(r.created, true);
      assert.equal(r.etag, createHash('sha256').update(bytes).digest('hex').slice(0, 32));
      const got = await objects.get(cal.id, 'v.ics');
      assert.ok(got?.data.equals(bytes));
      assert.deepEqual([got?.uid, got?.componentType, got?.size], ['verbatim', 'VEVENT', bytes.length]);
      const again = await put(cal, 'v.ics', event('verbatim', 'DTSTART:20260302T100000Z'));
      assert.equal(again.created, false);
      assert.notEqual(again.etag, r.etag);
      assert.equal(again.syncToken, r.syncToken + 1);
    });

    it('checks If-Match and If-None-Match inside the write, and leaves the object alone when they fail', async () => {
      const cal = await fresh();
      const first = await put(cal, 'c.ics', event('cond'), { ifNoneMatch: '*' });
      await assert.rejects(put(cal, 'c.ics', event('cond'), { ifNoneMatch: '*' }), StorePreconditionFailed);
      await assert.rejects(put(cal, 'c.ics', event('cond'), { ifMatch: 'nope' }), StorePreconditionFailed);
      await assert.rejects(put(cal, 'missing.ics', event('other'), { ifMatch: '*' }), StorePreconditionFailed);
      await assert.rejects(objects.delete(cal.id, 'c.ics', { ifMatch: 'nope' }), StorePreconditionFailed);
      assert.equal((await objects.get(cal.id, 'c.ics'))?.etag, first.etag);
      assert.equal((await calendars.getById(cal.id))?.syncToken, first.syncToken, 'refused writes leave no change');
      await put(cal, 'c.ics', event('cond', 'DTSTART:20260305T100000Z'), { ifMatch: first.etag });
      assert.equal(await objects.delete(cal.id, 'c.ics', { ifMatch: '*' }), true);
      assert.equal(await objects.delete(cal.id, 'c.ics'), false);
    });

    it('refuses a second object with the same UID and names the one holding it', async () => {
      const cal = await fresh();
      await put(cal, 'a.ics', event('same'));
      await assert.rejects(put(cal, 'b.ics', event('same')), (err: unknown) => {
        assert.ok(err instanceof UidConflictError);
        assert.equal(err.existingUri, 'a.ics');
        return true;
      });
      const other = await fresh();
      await put(other, 'b.ics', event('same'));
      // Two clients racing to create the same UID under different names: exactly one wins.
      const race = await Promise.allSettled([put(cal, 'r1.ics', event('race')), put(cal, 'r2.ics', event('race'))]);
      assert.equal(race.filter((r) => r.status === 'fulfilled').length, 1);
      const lost = race.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(lost.reason instanceof UidConflictError, String(lost.reason));
    });

    it('answers "what changed since token N", deletions included, and refuses tokens it never issued', async () => {
      const cal = await fresh();
      await put(cal, 'keep.ics', event('keep'));
      await put(cal, 'gone.ics', event('gone'));
      const initial = await objects.changesSince(await reload(cal), null);
      assert.deepEqual(initial.changed.sort(), ['gone.ics', 'keep.ics']);
      const token = initial.token;
      await put(cal, 'keep.ics', event('keep', 'DTSTART:20260310T100000Z'));
      await objects.delete(cal.id, 'gone.ics');
      await put(cal, 'new.ics', event('new'));
      await put(cal, 'temp.ics', event('temp'));
      await objects.delete(cal.id, 'temp.ics');
      const delta = await objects.changesSince(await reload(cal), token);
      assert.deepEqual(delta.changed.sort(), ['keep.ics', 'new.ics']);
      assert.deepEqual(delta.deleted.sort(), ['gone.ics', 'temp.ics']);
      assert.equal(delta.token, (await reload(cal)).syncToken);
      assert.deepEqual(await objects.changesSince(await reload(cal), delta.token), {
        token: delta.token,
        changed: [],
        deleted: [],
        truncated: false,
      });
      await assert.rejects(objects.changesSince(await reload(cal), delta.token + 1), InvalidSyncTokenError);
      await assert.rejects(objects.changesSince(await reload(cal), cal.firstToken - 1), InvalidSyncTokenError);
    });

    it('pages a long change list with a limit and continues from the token it returns', async () => {
      const cal = await fresh();
      const start = (await reload(cal)).syncToken;
      for (const u of ['1', '2', '3', '4', '5']) await put(cal, `${u}.ics`, event(`page-${u}`));
      const page1 = await objects.changesSince(await reload(cal), start, 2);
      assert.equal(page1.truncated, true);
      assert.deepEqual(page1.changed, ['1.ics', '2.ics']);
      const page2 = await objects.changesSince(await reload(cal), page1.token, 10);
      assert.equal(page2.truncated, false);
      assert.deepEqual(page2.changed, ['3.ics', '4.ics', '5.ics']);
    });

    it('gives every concurrent change its own token, in order, with one log row each', async () => {
      const cal = await fresh();
      const start = (await reload(cal)).syncToken;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => put(cal, `p${i}.ics`, event(`parallel-${i}`))),
      );
      const tokens = results.map((r) => r.syncToken).sort((a, b) => a - b);
      assert.deepEqual(
        tokens,
        Array.from({ length: 20 }, (_, i) => start + 1 + i),
      );
      const delta = await objects.changesSince(await reload(cal), start);
      assert.equal(delta.changed.length, 20);
    });

    it('lists members, fetches many by name, and prefilters by type and span', async () => {
      const cal = await fresh();
      await put(cal, 'jan.ics', event('jan', 'DTSTART:20260110T100000Z', 'DURATION:PT1H'));
      await put(cal, 'mar.ics', event('mar', 'DTSTART:20260310T100000Z', 'DURATION:PT1H'));
      await put(cal, 'endless.ics', event('endless', 'DTSTART:20200101T100000Z', 'RRULE:FREQ=WEEKLY'));
      const todo = Buffer.from(ics('BEGIN:VTODO', 'UID:todo', 'END:VTODO'));
      await put(cal, 'todo.ics', todo);
      assert.deepEqual(
        (await objects.list(cal.id)).map((o) => o.uri),
        ['endless.ics', 'jan.ics', 'mar.ics', 'todo.ics'],
      );
      const march = range('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
      assert.deepEqual(
        (await objects.candidates(cal.id, { componentType: 'VEVENT', range: march })).map((o) => o.uri),
        ['endless.ics', 'mar.ics'],
      );
      assert.deepEqual(
        (await objects.candidates(cal.id, { componentType: 'VTODO', range: march })).map((o) => o.uri),
        ['todo.ics'],
      );
      const many = await objects.getMany(cal.id, ['mar.ics', 'nope.ics', 'jan.ics', 'mar.ics']);
      assert.deepEqual(many.map((o) => o.uri).sort(), ['jan.ics', 'mar.ics']);
    });

    it('fetches more members by name than one IN list holds, in one call, changes included', async () => {
      const cal = await fresh();
      const small = new ObjectStore(database.db, { chunk: 16 });
      const start = (await reload(cal)).syncToken;
      const uris: string[] = [];
      for (let i = 0; i < 40; i++) {
        uris.push(`bulk-${i}.ics`);
        await put(cal, uris[i]!, event(`bulk-${i}`));
      }
      assert.equal((await small.getMany(cal.id, [...uris, 'missing.ics'])).length, 40);
      assert.equal((await small.changesSince(await reload(cal), start)).changed.length, 40);
    });

    it('keeps a synced copy of a remote calendar linked to its share, with the owner ETags', async () => {
      const copy = await calendars.create({
        ownerId: 'bob',
        uri: 'shared-work',
        props: { displayName: 'Work (Alice)', color: '#0082c9' },
        remote: {
          shareId: 'share-1',
          url: 'https://a.example/dav/calendars/alice/work/',
          owner: 'alice@a.example',
          access: 'read',
        },
      });
      assert.deepEqual((await calendars.findByShareId('share-1'))?.remote, {
        shareId: 'share-1',
        url: 'https://a.example/dav/calendars/alice/work/',
        owner: 'alice@a.example',
        access: 'read',
        syncToken: null,
        syncedAt: null,
        error: null,
      });
      await assert.rejects(
        calendars.create({
          ownerId: 'bob',
          uri: 'other',
          remote: { shareId: 'share-1', url: 'https://a.example/x/', owner: 'alice@a.example', access: 'read' },
        }),
        { code: 'CALENDAR_EXISTS' },
      );
      await calendars.setRemoteState(copy.id, { syncToken: 'http://sabre.io/ns/sync/41', syncedAt: 1234, error: null });
      assert.equal((await calendars.getById(copy.id))?.remote?.syncToken, 'http://sabre.io/ns/sync/41');
      const bytes = event('remote-1');
      await objects.put(copy.id, 'remote-1.ics', bytes, indexOf(bytes), {}, { remoteEtag: '"owner-etag"' });
      assert.equal((await objects.list(copy.id))[0]?.remoteEtag, '"owner-etag"');
      assert.equal(
        (await calendars.list('bob')).some((c) => c.id === copy.id),
        true,
      );
    });

    it('deletes a calendar with its objects and log; a new one at the same URI does not accept old tokens', async () => {
      const cal = await fresh();
      await put(cal, 'x.ics', event('x'));
      const oldToken = (await reload(cal)).syncToken;
      assert.equal(await calendars.delete(cal.id), true);
      assert.equal(await objects.get(cal.id, 'x.ics'), null);
      assert.equal(await calendars.delete(cal.id), false);
      await new Promise((r) => setTimeout(r, 5));
      const again = await calendars.create({ ownerId: 'alice', uri: cal.uri });
      await assert.rejects(objects.changesSince(again, oldToken), InvalidSyncTokenError);
    });

    it('lists an unchanged calendar from memory by its sync token, and a change made by another app node afresh', async () => {
      const cal = await fresh();
      await put(cal, 'a.ics', event('list-a'));
      const first = await reload(cal);
      assert.deepEqual(
        (await objects.list(cal.id, first.syncToken)).map((o) => o.uri),
        ['a.ics'],
      );
      // Another app node: its own store (and cache) on the same database.
      const otherNode = new ObjectStore(database.db);
      await otherNode.put(cal.id, 'b.ics', event('list-b'), indexOf(event('list-b')));
      const now = await reload(cal);
      assert.ok(now.syncToken > first.syncToken);
      assert.deepEqual(
        (await objects.list(cal.id, now.syncToken)).map((o) => o.uri),
        ['a.ics', 'b.ics'],
      );
      const initial = await objects.changesSince(now, null);
      assert.deepEqual(initial.listed?.map((o) => o.uri).sort(), ['a.ics', 'b.ics']);
      await otherNode.delete(cal.id, 'a.ics');
      const after = await reload(cal);
      assert.deepEqual((await objects.changesSince(after, null)).changed, ['b.ics']);
      assert.deepEqual(
        (await objects.list(cal.id, after.syncToken)).map((o) => o.uri),
        ['b.ics'],
      );
    });

    it("carries a kept listing through this node's own writes, equal to a fresh read, and not past another node's", async () => {
      const cal = await fresh();
      const otherNode = new ObjectStore(database.db);
      const same = async () => {
        const token = (await reload(cal)).syncToken;
        assert.deepEqual(await objects.list(cal.id, token), await new ObjectStore(database.db).list(cal.id, token));
        return token;
      };
      await put(cal, 'm.ics', event('carry-m'));
      await same();
      // Changed behind the store's back without a new token: what the next listing shows comes from memory.
      await database.db.updateTable('calendars_objects').set({ size: 1 }).where('uri', '=', 'm.ics').execute();
      assert.equal((await objects.list(cal.id, (await reload(cal)).syncToken))[0]!.size, event('carry-m').length);
      await database.db
        .updateTable('calendars_objects')
        .set({ size: event('carry-m').length })
        .execute();
      await put(cal, 'z.ics', event('carry-z'));
      await put(cal, 'a.ics', event('carry-a'));
      await put(cal, 'm.ics', event('carry-m', 'DTSTART:20260302T100000Z'));
      await same();
      assert.equal(await objects.rename(cal.id, 'a.ics', 'q.ics'), true);
      assert.equal(await objects.delete(cal.id, 'z.ics'), true);
      await same();
      await otherNode.put(cal.id, 'b.ics', event('carry-b'), indexOf(event('carry-b')));
      await put(cal, 'c.ics', event('carry-c'));
      const token = await same();
      assert.deepEqual(
        (await objects.list(cal.id, token)).map((o) => o.uri),
        ['b.ics', 'c.ics', 'm.ics', 'q.ics'],
      );
      assert.deepEqual((await objects.changesSince(await reload(cal), null)).listed, await objects.list(cal.id, token));
    });

    it('keeps a carried listing equal to a fresh read under concurrent writes, deletes included', async () => {
      const cal = await fresh();
      await put(cal, 'seed.ics', event('conc-seed'));
      const names = Array.from({ length: 24 }, (_, i) => `c${i}.ics`);
      await Promise.all(names.map((u) => put(cal, u, event(`conc-${u}`))));
      await Promise.all([
        ...names.slice(0, 8).map((u) => objects.delete(cal.id, u)),
        ...names.slice(8, 16).map((u) => put(cal, u, event(`conc-${u}`, 'DTSTART:20260310T100000Z'))),
      ]);
      const token = (await reload(cal)).syncToken;
      const fromRows = await new ObjectStore(database.db).list(cal.id, token);
      assert.equal(fromRows.length, 17);
      assert.deepEqual(await objects.list(cal.id, token), fromRows);
      assert.deepEqual(
        await objects.getMany(cal.id, names, token),
        await new ObjectStore(database.db).getMany(cal.id, names),
      );
    });

    it('answers a multiget of a kept listing from memory, as a read of the rows would, and fresh after any write', async () => {
      const cal = await fresh();
      for (const u of ['a', 'b', 'c']) await put(cal, `${u}.ics`, event(`mem-${u}`));
      const names = ['c.ics', 'a.ics', 'gone.ics', 'a.ics'];
      const t1 = (await reload(cal)).syncToken;
      const rows = await new ObjectStore(database.db).getMany(cal.id, names);
      assert.deepEqual(await objects.getMany(cal.id, names, t1), rows);
      assert.deepEqual(
        rows.map((o) => o.uri),
        ['a.ics', 'c.ics'],
      );
      // Another node's write moves the token: this node reads the rows again.
      const moved = event('mem-a', 'DTSTART:20260305T100000Z');
      await new ObjectStore(database.db).put(cal.id, 'a.ics', moved, indexOf(moved));
      const t2 = (await reload(cal)).syncToken;
      const fresh2 = await objects.getMany(cal.id, names, t2);
      assert.deepEqual(fresh2, await new ObjectStore(database.db).getMany(cal.id, names));
      assert.ok(fresh2[0]!.data.toString().includes('20260305T100000Z'));
    });

    async function reload(cal: Calendar): Promise<Calendar> {
      return (await calendars.getById(cal.id))!;
    }
  });
}
