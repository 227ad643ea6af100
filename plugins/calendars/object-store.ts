import { PreparedQuery } from '#core';
import { MemberTable, type ChangeSet as DavChangeSet, type MemberTableSpec } from '#dav';
import { InvalidSyncTokenError, StorePreconditionFailed, UidConflictError } from './caldav-errors.ts';
import { CALENDAR_COUNTER } from './calendar-store.ts';
import type { ObjectIndex } from './ical-index.ts';
import type { TimeRange } from './time-range.ts';
import { formatSyncToken } from './sync-token.ts';
import type { CalendarsDb, CalendarsTables } from './tables.ts';

export { etagOf, type WriteCondition } from '#dav';
import type { WriteCondition } from '#dav';

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

/** What changed since a sync token (RFC 6578), with an initial sync's listing as calendar objects. */
export type ChangeSet = DavChangeSet<ObjectMeta>;

const META = ['uri', 'etag', 'size', 'uid', 'component_type', 'last_modified', 'remote_etag'] as const;

/** GET and PUT of one object read its row: compiled once. */
const OBJECT_BY_URI = new PreparedQuery(2, (db, calendarId, uri) =>
  (db as CalendarsDb)
    .selectFrom('calendars_objects')
    .select([...META, 'data'])
    .where('calendar_id', '=', calendarId)
    .where('uri', '=', uri),
);

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

/** The toolkit's member table over `calendars_objects`, its change log and dead properties. */
export const OBJECT_TABLE: MemberTableSpec<ObjectMeta> = {
  counter: CALENDAR_COUNTER,
  members: 'calendars_objects',
  changes: 'calendars_changes',
  key: 'calendar_id',
  meta: META,
  toMeta,
  noun: 'object',
  collectionNoun: 'calendar',
  props: 'calendars_props',
  preconditionFailed: (message) => new StorePreconditionFailed(message),
  uidConflict: (uid, existingUri) => new UidConflictError(uid, existingUri),
  invalidToken: (token) => new InvalidSyncTokenError(token === null ? '' : formatSyncToken(token)),
};

/** Calendar objects of one database: writes log a change and bump the calendar's token in one transaction. */
export class ObjectStore {
  private readonly table: MemberTable<ObjectMeta>;

  constructor(
    private readonly db: CalendarsDb,
    opts: { chunk?: number } = {},
  ) {
    this.table = new MemberTable(db, OBJECT_TABLE, opts);
  }

  /** Calls `listener` after every committed object change (put or delete) with the calendar's id. */
  onChange(listener: (calendarId: string) => void): void {
    this.table.onChange(listener);
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
    const cols = {
      component_type: index.componentType,
      first_occurrence: index.firstOccurrence,
      last_occurrence: index.lastOccurrence,
      recurring: index.recurring ? 1 : 0,
      remote_etag: opts.remoteEtag ?? null,
    };
    return this.table.put(calendarId, uri, bytes, index.uid, cols, cond);
  }

  /** Renames an object in its calendar, with its dead properties (a MOVE there); false when it is gone. */
  async rename(calendarId: string, from: string, to: string): Promise<boolean> {
    return this.table.rename(calendarId, from, to);
  }

  /** Deletes an object (logged as a deletion). False when there was none; 412 when `ifMatch` fails. */
  async delete(calendarId: string, uri: string, cond: WriteCondition = {}): Promise<boolean> {
    return this.table.delete(calendarId, uri, cond);
  }

  async get(calendarId: string, uri: string): Promise<StoredObject | null> {
    const r = await OBJECT_BY_URI.first(this.db, [calendarId, uri]);
    return r ? this.table.toStored(r) : null;
  }

  /**
   * Every object's metadata, by URI (PROPFIND Depth 1). With the calendar's sync token as the caller read it, an
   * unchanged calendar's listing comes from memory (every object change bumps the token in its transaction).
   */
  async list(calendarId: string, syncToken?: number): Promise<ObjectMeta[]> {
    return this.table.list(calendarId, syncToken);
  }

  /**
   * The objects among `uris` that exist (calendar-multiget); missing ones are simply absent. With the calendar's
   * sync token as the caller read it, an unchanged calendar's objects come from memory where they are kept.
   */
  async getMany(calendarId: string, uris: string[], syncToken?: number): Promise<StoredObject[]> {
    return this.table.getMany(calendarId, uris, syncToken);
  }

  /** The metadata of the objects among `uris` that exist (sync-collection listings: no bytes read). */
  async metaMany(calendarId: string, uris: string[]): Promise<ObjectMeta[]> {
    return this.table.metaMany(calendarId, uris);
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
    return (await q.orderBy('uri').execute()).map((r) => this.table.toStored(r));
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
    return this.table.changesSince(calendar.id, since, limit);
  }
}
