import { randomUUID } from 'node:crypto';
import { CALENDAR_ERRORS } from './error-codes.ts';
import { ConflictError, InputError, PreparedQuery } from '#core';
import { CollectionCounter, CollectionTable, isCollectionSegment, newCounters } from '#dav';
import type { Selectable, Updateable } from 'kysely';
import { CALENDAR_COMPONENTS } from './ical-validate.ts';
import type { CalendarsDb, CalendarsTables } from './tables.ts';

/** Where a synced copy of a calendar owned on another server comes from (federation). */
export interface RemoteLink {
  /** The incoming share (core share registry id) this copy belongs to. */
  shareId: string;
  /** The owner's calendar collection URL the copy is pulled from and written through to. */
  url: string;
  /** The owner's OCM address, for display. */
  owner: string;
  access: 'read' | 'read-write';
}

/** A calendar collection. Instants in epoch ms. */
export interface Calendar {
  id: string;
  ownerId: string;
  uri: string;
  displayName: string | null;
  description: string | null;
  color: string | null;
  order: number | null;
  /** The `calendar-timezone` value (a VCALENDAR holding one VTIMEZONE), if set. */
  timezone: string | null;
  /** Upper-case component names the calendar holds (supported-calendar-component-set). */
  components: string[];
  /** Current change counter; formatted with `formatSyncToken` for the wire. */
  syncToken: number;
  /** The counter's start: tokens below it were never issued by this calendar. */
  firstToken: number;
  createdAt: number;
  updatedAt: number;
  /** Null for a local calendar; the link for a synced copy of a remote one. */
  remote: (RemoteLink & { syncToken: string | null; syncedAt: number | null; error: string | null }) | null;
}

/** Settable properties (MKCALENDAR, PROPPATCH). */
export interface CalendarProps {
  displayName?: string | null;
  description?: string | null;
  color?: string | null;
  order?: number | null;
  timezone?: string | null;
}

/** Row shape of `calendars_calendars`. */
export type CalendarRow = Selectable<CalendarsTables['calendars_calendars']>;

/** Maps a database row to a {@link Calendar}. */
export function toCalendar(r: CalendarRow): Calendar {
  const remote =
    r.source === 'remote'
      ? {
          shareId: String(r.share_id),
          url: String(r.remote_url),
          owner: r.remote_owner ?? '',
          access: r.remote_access === 'read-write' ? ('read-write' as const) : ('read' as const),
          syncToken: r.remote_sync_token ?? null,
          syncedAt: r.remote_synced_at === null ? null : Number(r.remote_synced_at),
          error: r.remote_error ?? null,
        }
      : null;
  return {
    id: r.id,
    ownerId: r.owner_id,
    uri: r.uri,
    displayName: r.display_name ?? null,
    description: r.description ?? null,
    color: r.color ?? null,
    order: r.sort_order === null || r.sort_order === undefined ? null : Number(r.sort_order),
    timezone: r.timezone ?? null,
    components: r.components.split(',').filter(Boolean),
    syncToken: Number(r.sync_token),
    firstToken: Number(r.first_token),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    remote,
  };
}

/** A URI segment a calendar may have: one path segment, no dot-segments or control characters. */
export function checkCalendarUri(uri: string): void {
  if (!isCollectionSegment(uri))
    throw new InputError(
      `invalid calendar name ${JSON.stringify(uri)}`,
      undefined,
      CALENDAR_ERRORS.CALENDAR_INVALID_URI,
    );
}

function checkComponents(list: string[]): string[] {
  const upper = [...new Set(list.map((c) => c.toUpperCase()))];
  if (!upper.length || upper.some((c) => !(CALENDAR_COMPONENTS as readonly string[]).includes(c)))
    throw new InputError('unsupported calendar component set', undefined, CALENDAR_ERRORS.CALENDAR_INVALID_COMPONENTS);
  return upper;
}

/** The settable columns of `calendars_calendars`. */
type PropColumns = Pick<
  Updateable<CalendarsTables['calendars_calendars']>,
  'display_name' | 'description' | 'color' | 'sort_order' | 'timezone'
>;

function propColumns(p: CalendarProps): PropColumns {
  const cols: PropColumns = {};
  if (p.displayName !== undefined) cols.display_name = p.displayName;
  if (p.description !== undefined) cols.description = p.description;
  if (p.color !== undefined) cols.color = p.color;
  if (p.order !== undefined) cols.sort_order = p.order;
  if (p.timezone !== undefined) cols.timezone = p.timezone;
  return cols;
}

/** The calendars' change counters (`sync_token`, `first_token`): the toolkit's, on `calendars_calendars`. */
export const CALENDAR_COUNTER = new CollectionCounter(
  'calendars_calendars',
  () => new ConflictError('the calendar no longer exists', CALENDAR_ERRORS.CALENDAR_GONE),
);

/** What a new calendar is made of: the URI, its properties, the components it holds, a remote link for a synced copy. */
export interface NewCalendar {
  ownerId: string;
  uri: string;
  props?: CalendarProps;
  components?: string[];
  remote?: RemoteLink;
}

/** The row of a new calendar (validated); `create` and the default-calendar provisioning insert it. */
export function newCalendarRow(input: NewCalendar): CalendarRow {
  checkCalendarUri(input.uri);
  return {
    id: randomUUID(),
    owner_id: input.ownerId,
    uri: input.uri,
    display_name: null,
    description: null,
    color: null,
    sort_order: null,
    timezone: null,
    ...propColumns(input.props ?? {}),
    components: checkComponents(input.components ?? ['VEVENT', 'VTODO']).join(','),
    ...newCounters(Date.now()),
    source: input.remote ? 'remote' : 'local',
    share_id: input.remote?.shareId ?? null,
    remote_url: input.remote?.url ?? null,
    remote_owner: input.remote?.owner ?? null,
    remote_access: input.remote?.access ?? null,
    remote_sync_token: null,
    remote_synced_at: null,
    remote_error: null,
  };
}

/** Calendar collections of users: create, find, list, change properties, delete. */
export class CalendarStore {
  private readonly table: CollectionTable<Calendar>;

  constructor(private readonly db: CalendarsDb) {
    this.table = new CollectionTable(db, {
      counter: CALENDAR_COUNTER,
      toCollection: toCalendar,
      order: ['sort_order', 'uri'],
      members: 'calendars_objects',
      changes: 'calendars_changes',
      key: 'calendar_id',
    });
  }

  /** Creates a calendar; 409 `CALENDAR_EXISTS` when the owner already has one at that URI. */
  async create(input: NewCalendar): Promise<Calendar> {
    const row = newCalendarRow(input);
    await this.table.insert(row, async (afterFailure) => {
      if (await this.get(input.ownerId, input.uri))
        return new ConflictError(`calendar ${input.uri} already exists`, CALENDAR_ERRORS.CALENDAR_EXISTS);
      if (afterFailure && input.remote && (await this.findByShareId(input.remote.shareId)))
        return new ConflictError('this share already has a calendar', CALENDAR_ERRORS.CALENDAR_EXISTS);
      return null;
    });
    return toCalendar(row);
  }

  /** Every DAV request below a calendar reads its row (the sync token is its response version): compiled once. */
  async get(ownerId: string, uri: string): Promise<Calendar | null> {
    const r = await CALENDAR_BY_URI.first(this.db, [ownerId, uri]);
    return r ? toCalendar(r) : null;
  }

  async getById(id: string): Promise<Calendar | null> {
    return this.table.byId(id);
  }

  /** The synced copy belonging to an incoming share, if any. */
  async findByShareId(shareId: string): Promise<Calendar | null> {
    const r = await this.db
      .selectFrom('calendars_calendars')
      .selectAll()
      .where('share_id', '=', shareId)
      .executeTakeFirst();
    return r ? toCalendar(r) : null;
  }

  /** A user's calendars (own and synced copies), by order then URI. */
  async list(ownerId: string): Promise<Calendar[]> {
    return this.table.ofOwner(ownerId);
  }

  /** Changes properties (PROPPATCH); bumps the sync token so clients watching getctag/sync-token notice. */
  async update(id: string, props: CalendarProps): Promise<Calendar | null> {
    return this.table.update(id, propColumns(props));
  }

  /** Records the state of the last pull of a synced copy. */
  async setRemoteState(
    id: string,
    state: { syncToken?: string | null; syncedAt?: number; error?: string | null; access?: 'read' | 'read-write' },
  ): Promise<void> {
    const cols: Updateable<CalendarsTables['calendars_calendars']> = {};
    if (state.syncToken !== undefined) cols.remote_sync_token = state.syncToken;
    if (state.syncedAt !== undefined) cols.remote_synced_at = state.syncedAt;
    if (state.error !== undefined) cols.remote_error = state.error;
    if (state.access !== undefined) cols.remote_access = state.access;
    if (!Object.keys(cols).length) return;
    await this.db.updateTable('calendars_calendars').set(cols).where('id', '=', id).execute();
  }

  /** Deletes a calendar with its objects and change log. Returns false when it did not exist. */
  async delete(id: string): Promise<boolean> {
    return this.table.delete(id);
  }
}

const CALENDAR_BY_URI = new PreparedQuery<Selectable<CalendarsTables['calendars_calendars']>>(2, (db, ownerId, uri) =>
  (db as CalendarsDb)
    .selectFrom('calendars_calendars')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .where('uri', '=', uri),
);
