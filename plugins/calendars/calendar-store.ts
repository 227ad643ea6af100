import { randomUUID } from 'node:crypto';
import { CALENDAR_ERRORS } from './error-codes.ts';
import { ConflictError, InputError } from '#core';
import type { Selectable, Updateable } from 'kysely';
import { CALENDAR_COMPONENTS } from './ical-validate.ts';
import type { CalendarsDb, CalendarsTables, CalendarsTrx } from './tables.ts';

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
  // eslint-disable-next-line no-control-regex
  if (!uri || uri.length > 200 || uri === '.' || uri === '..' || /[/\\\u0000-\u001f\u007f]/.test(uri))
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

/**
 * Increments a calendar's sync token inside the caller's transaction and returns the new value. The row
 * update also serialises concurrent writers of one calendar on PostgreSQL, so tokens commit in order.
 */
export async function bumpToken(trx: CalendarsTrx, calendarId: string, now: number): Promise<number> {
  const row = await trx
    .updateTable('calendars_calendars')
    .set((eb) => ({ sync_token: eb('sync_token', '+', 1), updated_at: now }))
    .where('id', '=', calendarId)
    .returning('sync_token')
    .executeTakeFirst();
  if (!row) throw new ConflictError('the calendar no longer exists', CALENDAR_ERRORS.CALENDAR_GONE);
  return Number(row.sync_token);
}

/** Calendar collections of users: create, find, list, change properties, delete. */
export class CalendarStore {
  constructor(private readonly db: CalendarsDb) {}

  /** Creates a calendar; 409 `CALENDAR_EXISTS` when the owner already has one at that URI. */
  async create(input: {
    ownerId: string;
    uri: string;
    props?: CalendarProps;
    components?: string[];
    remote?: RemoteLink;
  }): Promise<Calendar> {
    checkCalendarUri(input.uri);
    const now = Date.now();
    const row: CalendarRow = {
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
      // Counters start at the creation time: a token of an earlier calendar of the same URI is then below
      // `first_token` (unknown) instead of silently meaning "no changes".
      sync_token: now,
      first_token: now,
      created_at: now,
      updated_at: now,
      source: input.remote ? 'remote' : 'local',
      share_id: input.remote?.shareId ?? null,
      remote_url: input.remote?.url ?? null,
      remote_owner: input.remote?.owner ?? null,
      remote_access: input.remote?.access ?? null,
      remote_sync_token: null,
      remote_synced_at: null,
      remote_error: null,
    };
    const existing = await this.get(input.ownerId, input.uri);
    if (existing) throw new ConflictError(`calendar ${input.uri} already exists`, CALENDAR_ERRORS.CALENDAR_EXISTS);
    try {
      await this.db.insertInto('calendars_calendars').values(row).execute();
    } catch (err) {
      if (await this.get(input.ownerId, input.uri))
        throw new ConflictError(`calendar ${input.uri} already exists`, CALENDAR_ERRORS.CALENDAR_EXISTS);
      if (input.remote && (await this.findByShareId(input.remote.shareId)))
        throw new ConflictError('this share already has a calendar', CALENDAR_ERRORS.CALENDAR_EXISTS);
      throw err;
    }
    return toCalendar(row);
  }

  async get(ownerId: string, uri: string): Promise<Calendar | null> {
    const r = await this.db
      .selectFrom('calendars_calendars')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .where('uri', '=', uri)
      .executeTakeFirst();
    return r ? toCalendar(r) : null;
  }

  async getById(id: string): Promise<Calendar | null> {
    const r = await this.db.selectFrom('calendars_calendars').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toCalendar(r) : null;
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
    const rows = await this.db
      .selectFrom('calendars_calendars')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .orderBy('sort_order')
      .orderBy('uri')
      .execute();
    return rows.map(toCalendar);
  }

  /** Changes properties (PROPPATCH); bumps the sync token so clients watching getctag/sync-token notice. */
  async update(id: string, props: CalendarProps): Promise<Calendar | null> {
    const cols = propColumns(props);
    await this.db.transaction().execute(async (trx) => {
      const now = Date.now();
      if (Object.keys(cols).length)
        await trx.updateTable('calendars_calendars').set(cols).where('id', '=', id).execute();
      await bumpToken(trx, id, now);
    });
    return this.getById(id);
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
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('calendars_changes').where('calendar_id', '=', id).execute();
      await trx.deleteFrom('calendars_objects').where('calendar_id', '=', id).execute();
      const r = await trx.deleteFrom('calendars_calendars').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }
}
