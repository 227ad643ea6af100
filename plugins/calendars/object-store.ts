import { createHash } from 'node:crypto';
import { ListingCache } from '#dav';
import { InvalidSyncTokenError, StorePreconditionFailed, UidConflictError } from './caldav-errors.ts';
import { bumpToken } from './calendar-store.ts';
import type { ObjectIndex } from './ical-index.ts';
import type { TimeRange } from './time-range.ts';
import { formatSyncToken } from './sync-token.ts';
import type { CalendarsDb, CalendarsTables, CalendarsTrx } from './tables.ts';

/** A stored calendar object without its data (PROPFIND Depth 1, sync listings). */
export interface ObjectMeta {
  uri: string;
  /** Unquoted strong ETag: a hash of exactly the stored bytes. */
  etag: string;
  size: number;
  uid: string;
  componentType: string;
  lastModified: number;
  /** The owner's ETag, for a synced copy of a remote calendar. */
  remoteEtag: string | null;
}

/** A stored calendar object with its bytes as the client sent them. */
export interface StoredObject extends ObjectMeta {
  data: Buffer;
}

/** Conditional-request checks done atomically with the write (RFC 7232 If-Match / If-None-Match). */
export interface WriteCondition {
  /** Unquoted ETag the current object must have, or `*` for "must exist". */
  ifMatch?: string;
  /** `*`: the object must not exist yet. */
  ifNoneMatch?: '*';
}

/** What changed since a sync token (RFC 6578). */
export interface ChangeSet {
  /** The counter the answer is complete up to: the new sync token. */
  token: number;
  /** Members changed (present now) or deleted since the old token, each once. */
  changed: string[];
  deleted: string[];
  /** True when `limit` cut the list: fetch again from `token` for the rest (RFC 6578 §3.6). */
  truncated: boolean;
  /** An initial sync's listing: every object's metadata, read with the token (no second lookup by name). */
  listed?: ObjectMeta[];
}

/** Strong ETag of stored bytes (128 bits of SHA-256, hex). */
export function etagOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

const META = ['uri', 'etag', 'size', 'uid', 'component_type', 'last_modified', 'remote_etag'] as const;

type ObjectRow = CalendarsTables['calendars_objects'];
type MetaRow = Pick<ObjectRow, (typeof META)[number]>;

function toMeta(r: MetaRow): ObjectMeta {
  return {
    uri: r.uri,
    etag: r.etag,
    size: Number(r.size),
    uid: r.uid,
    componentType: r.component_type,
    lastModified: Number(r.last_modified),
    remoteEtag: r.remote_etag ?? null,
  };
}

function toStored(r: MetaRow & Pick<ObjectRow, 'data'>): StoredObject {
  const data = r.data;
  return { ...toMeta(r), data: Buffer.isBuffer(data) ? data : Buffer.from(data) };
}

/** Names per `IN (…)` list: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

/** Calendar objects of one database: writes log a change and bump the calendar's token in one transaction. */
export class ObjectStore {
  private readonly chunk: number;
  private readonly listeners: ((calendarId: string) => void)[] = [];
  private readonly listings = new ListingCache<ObjectMeta>();

  constructor(
    private readonly db: CalendarsDb,
    opts: { chunk?: number } = {},
  ) {
    this.chunk = opts.chunk ?? CHUNK;
  }

  /** Calls `listener` after every committed object change (put or delete) with the calendar's id. */
  onChange(listener: (calendarId: string) => void): void {
    this.listeners.push(listener);
  }

  private changed(calendarId: string): void {
    for (const l of this.listeners) l(calendarId);
  }

  /**
   * Stores an object (create or replace) with its index fields. Throws {@link StorePreconditionFailed}
   * when a condition does not hold and {@link UidConflictError} when another object of the calendar has
   * the UID. Returns whether it was created, the new ETag and the calendar's new sync token.
   */
  async put(
    calendarId: string,
    uri: string,
    bytes: Buffer,
    index: ObjectIndex,
    cond: WriteCondition = {},
    opts: { remoteEtag?: string | null } = {},
  ): Promise<{ created: boolean; etag: string; syncToken: number }> {
    const etag = etagOf(bytes);
    try {
      const result = await this.db.transaction().execute(async (trx) => {
        const now = Date.now();
        // Bumping first takes the calendar row's lock (PostgreSQL): writers of one calendar go one by one.
        const token = await bumpToken(trx, calendarId, now);
        const existing = await trx
          .selectFrom('calendars_objects')
          .select(['etag'])
          .where('calendar_id', '=', calendarId)
          .where('uri', '=', uri)
          .executeTakeFirst();
        checkCondition(existing ? existing.etag : null, cond);
        await this.checkUid(trx, calendarId, uri, index.uid);
        const cols = {
          etag,
          data: bytes,
          size: bytes.length,
          uid: index.uid,
          component_type: index.componentType,
          first_occurrence: index.firstOccurrence,
          last_occurrence: index.lastOccurrence,
          recurring: index.recurring ? 1 : 0,
          last_modified: now,
          remote_etag: opts.remoteEtag ?? null,
        };
        if (existing)
          await trx
            .updateTable('calendars_objects')
            .set(cols)
            .where('calendar_id', '=', calendarId)
            .where('uri', '=', uri)
            .execute();
        else
          await trx
            .insertInto('calendars_objects')
            .values({ calendar_id: calendarId, uri, ...cols })
            .execute();
        await trx
          .insertInto('calendars_changes')
          .values({ calendar_id: calendarId, sync_token: token, uri, op: existing ? 'modified' : 'added' })
          .execute();
        return { created: !existing, etag, syncToken: token };
      });
      this.changed(calendarId);
      return result;
    } catch (err) {
      // Two writers raced to the same UID: the unique index refused the second; report it as the RFC says.
      if (!(err instanceof UidConflictError) && !(err instanceof StorePreconditionFailed)) {
        const clash = await this.uidOwner(this.db, calendarId, uri, index.uid);
        if (clash) throw new UidConflictError(index.uid, clash);
      }
      throw err;
    }
  }

  private async uidOwner(db: CalendarsDb, calendarId: string, uri: string, uid: string): Promise<string | null> {
    const other = await db
      .selectFrom('calendars_objects')
      .select('uri')
      .where('calendar_id', '=', calendarId)
      .where('uid', '=', uid)
      .where('uri', '!=', uri)
      .executeTakeFirst();
    return other ? other.uri : null;
  }

  private async checkUid(trx: CalendarsTrx, calendarId: string, uri: string, uid: string): Promise<void> {
    const clash = await this.uidOwner(trx, calendarId, uri, uid);
    if (clash) throw new UidConflictError(uid, clash);
  }

  /** Deletes an object (logged as a deletion). False when there was none; 412 when `ifMatch` fails. */
  async delete(calendarId: string, uri: string, cond: WriteCondition = {}): Promise<boolean> {
    const deleted = await this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('calendars_objects')
        .select('etag')
        .where('calendar_id', '=', calendarId)
        .where('uri', '=', uri)
        .executeTakeFirst();
      checkCondition(existing ? existing.etag : null, cond);
      if (!existing) return false;
      const token = await bumpToken(trx, calendarId, Date.now());
      await trx.deleteFrom('calendars_objects').where('calendar_id', '=', calendarId).where('uri', '=', uri).execute();
      await trx
        .insertInto('calendars_changes')
        .values({ calendar_id: calendarId, sync_token: token, uri, op: 'deleted' })
        .execute();
      return true;
    });
    if (deleted) this.changed(calendarId);
    return deleted;
  }

  async get(calendarId: string, uri: string): Promise<StoredObject | null> {
    const r = await this.db
      .selectFrom('calendars_objects')
      .select([...META, 'data'])
      .where('calendar_id', '=', calendarId)
      .where('uri', '=', uri)
      .executeTakeFirst();
    return r ? toStored(r) : null;
  }

  /**
   * Every object's metadata, by URI (PROPFIND Depth 1). With the calendar's sync token as the caller read it, an
   * unchanged calendar's listing comes from memory (every object change bumps the token in its transaction).
   */
  async list(calendarId: string, syncToken?: number): Promise<ObjectMeta[]> {
    const hit = syncToken === undefined ? undefined : this.listings.get(calendarId, syncToken);
    if (hit) return [...hit];
    const metas = await this.readListing(this.db, calendarId);
    if (syncToken !== undefined) this.listings.set(calendarId, syncToken, metas);
    return [...metas];
  }

  private async readListing(db: CalendarsDb, calendarId: string): Promise<ObjectMeta[]> {
    const rows = await db
      .selectFrom('calendars_objects')
      .select([...META])
      .where('calendar_id', '=', calendarId)
      .orderBy('uri')
      .execute();
    return rows.map(toMeta);
  }

  /** The objects among `uris` that exist (calendar-multiget); missing ones are simply absent. */
  async getMany(calendarId: string, uris: string[]): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    const unique = [...new Set(uris)];
    for (let i = 0; i < unique.length; i += this.chunk) {
      const rows = await this.db
        .selectFrom('calendars_objects')
        .select([...META, 'data'])
        .where('calendar_id', '=', calendarId)
        .where('uri', 'in', unique.slice(i, i + this.chunk))
        .execute();
      out.push(...rows.map(toStored));
    }
    return out;
  }

  /** The metadata of the objects among `uris` that exist (sync-collection listings: no bytes read). */
  async metaMany(calendarId: string, uris: string[]): Promise<ObjectMeta[]> {
    const out: ObjectMeta[] = [];
    const unique = [...new Set(uris)];
    for (let i = 0; i < unique.length; i += this.chunk) {
      const rows = await this.db
        .selectFrom('calendars_objects')
        .select([...META])
        .where('calendar_id', '=', calendarId)
        .where('uri', 'in', unique.slice(i, i + this.chunk))
        .execute();
      out.push(...rows.map(toMeta));
    }
    return out;
  }

  /**
   * Objects that may match a query: of the component type (when given) and, with a range, whose indexed
   * span touches it (objects without a span always qualify). The caller evaluates the filter exactly.
   */
  async candidates(
    calendarId: string,
    hints: { componentType?: string | null; range?: TimeRange | null },
  ): Promise<StoredObject[]> {
    let q = this.db
      .selectFrom('calendars_objects')
      .select([...META, 'data'])
      .where('calendar_id', '=', calendarId);
    if (hints.componentType) q = q.where('component_type', '=', hints.componentType.toUpperCase());
    const r = hints.range;
    if (r && Number.isFinite(r.start))
      q = q.where((eb) => eb.or([eb('last_occurrence', 'is', null), eb('last_occurrence', '>=', r.start)]));
    if (r && Number.isFinite(r.end))
      q = q.where((eb) => eb.or([eb('first_occurrence', 'is', null), eb('first_occurrence', '<=', r.end)]));
    return (await q.orderBy('uri').execute()).map(toStored);
  }

  /**
   * Members changed or deleted since `since` (null: initial sync, every member as changed). Throws
   * {@link InvalidSyncTokenError} for a token this calendar never issued. With `limit`, at most that many
   * members are reported and `token` is where the next request continues.
   */
  async changesSince(
    calendar: { id: string; syncToken: number; firstToken: number },
    since: number | null,
    limit?: number,
  ): Promise<ChangeSet> {
    return this.db.transaction().execute(async (trx) => {
      const cal = await trx
        .selectFrom('calendars_calendars')
        .select(['sync_token', 'first_token'])
        .where('id', '=', calendar.id)
        .executeTakeFirst();
      if (!cal) throw new InvalidSyncTokenError(since === null ? '' : formatSyncToken(since));
      const current = Number(cal.sync_token);
      if (since === null) {
        let listed = this.listings.get(calendar.id, current);
        if (!listed) this.listings.set(calendar.id, current, (listed = await this.readListing(trx, calendar.id)));
        return {
          token: current,
          changed: listed.map((m) => m.uri),
          deleted: [],
          truncated: false,
          listed: [...listed],
        };
      }
      if (since < Number(cal.first_token) || since > current) throw new InvalidSyncTokenError(formatSyncToken(since));
      const rows = await trx
        .selectFrom('calendars_changes')
        .select(['sync_token', 'uri'])
        .where('calendar_id', '=', calendar.id)
        .where('sync_token', '>', since)
        .orderBy('sync_token')
        .execute();
      const seen = new Set<string>();
      let token = current;
      let truncated = false;
      for (const r of rows) {
        const uri = r.uri;
        if (!seen.has(uri) && limit !== undefined && seen.size >= limit) {
          truncated = true;
          break;
        }
        seen.add(uri);
        token = Number(r.sync_token);
      }
      if (!truncated) token = current;
      const uris = [...seen];
      const present = new Set<string>();
      for (let i = 0; i < uris.length; i += this.chunk) {
        const found = await trx
          .selectFrom('calendars_objects')
          .select('uri')
          .where('calendar_id', '=', calendar.id)
          .where('uri', 'in', uris.slice(i, i + this.chunk))
          .execute();
        for (const f of found) present.add(f.uri);
      }
      return {
        token,
        changed: uris.filter((u) => present.has(u)),
        deleted: uris.filter((u) => !present.has(u)),
        truncated,
      };
    });
  }
}

function checkCondition(current: string | null, cond: WriteCondition): void {
  if (cond.ifNoneMatch === '*' && current !== null) throw new StorePreconditionFailed('the object already exists');
  if (cond.ifMatch !== undefined) {
    if (current === null) throw new StorePreconditionFailed('the object does not exist');
    if (cond.ifMatch !== '*' && cond.ifMatch !== current) throw new StorePreconditionFailed('the ETag does not match');
  }
}
