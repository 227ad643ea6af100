/**
 * What the CalDAV layer shares between requests (stores, the access policy, the write seam, limits) and what it
 * knows per request (who asks, report options). A request's mount carries its scope, so property providers and
 * report handlers reach it through `d.mount`.
 */
import type ICAL from 'ical.js';
import { encodeSegment, PRINCIPALS_PATH, type DavMount, type DavRequest } from '#dav';
import type { Calendar, CalendarStore } from '../calendar-store.ts';
import type { ObjectStore, WriteCondition } from '../object-store.ts';
import type { ValidatedObject } from '../ical-validate.ts';
import type { TimeRange } from '../time-range.ts';
import type { CalendarAccessPolicy, DavPrincipal } from './access.ts';

/** URL prefixes of the CalDAV tree. */
export const CALENDARS_PREFIX = '/dav/calendars';
/** The principals are the toolkit's, shared with CardDAV (`#dav` principals). */
export const PRINCIPALS_PREFIX = PRINCIPALS_PATH;

/**
 * Where changes to a calendar go. The local writer stores them; the federation part sets `remote` to carry
 * changes of a synced copy to its owner first (and then into the copy).
 */
export interface CalendarWriter {
  /** Stores an object; returns whether it was created and the new strong ETag (unquoted; null if rewritten). */
  put(
    calendar: Calendar,
    uri: string,
    object: ValidatedObject,
    cond: WriteCondition,
  ): Promise<{ created: boolean; etag: string | null }>;
  /** Deletes an object; false when there was none. */
  delete(calendar: Calendar, uri: string, cond: WriteCondition): Promise<boolean>;
  /** Removes the calendar from its owner's home (for a synced copy: leaves the share). */
  deleteCalendar(calendar: Calendar): Promise<void>;
}

/** The shared part. */
export interface CaldavContext {
  calendars: CalendarStore;
  objects: ObjectStore;
  policy: CalendarAccessPolicy;
  writers: { local: CalendarWriter; remote: CalendarWriter | null };
  /** Largest accepted calendar object in bytes (CALDAV:max-resource-size). */
  maxResourceSize: number;
  /** A local user's display name and e-mail (principal properties), or null when unknown. */
  userInfo(userId: string): Promise<{ displayName: string; email: string | null } | null>;
  /** The host part of the server's OCM addresses (calendar-user-address-set). */
  host: string;
  /** Makes the user's default calendar the first time their calendars are reached (once per user, ever). */
  ensureDefault(userId: string): Promise<void>;
}

/** How a report asked for calendar-data (RFC 4791 §9.6). */
export interface CalendarDataSpec {
  expand?: TimeRange;
  limitRecurrence?: TimeRange;
  limitFreeBusy?: TimeRange;
}

/** One request's view: who asks, and report options set by report handlers before properties are collected. */
export interface RequestScope {
  who: DavPrincipal;
  ctx: CaldavContext;
  dataSpec?: CalendarDataSpec;
  /** The zone floating times are read in for this report. */
  zone?: ICAL.Timezone;
}

/** A mount of the CalDAV tree carrying its request scope. */
export interface CaldavMount extends DavMount {
  scope: RequestScope;
}

/** The scope of a request served by this layer. */
export function scopeOf(d: DavRequest): RequestScope {
  return (d.mount as CaldavMount).scope;
}

export { principalHref } from '#dav';

/** The calendar home URL of a local user. */
export function homeHref(userId: string): string {
  return `${CALENDARS_PREFIX}/${encodeSegment(userId)}/`;
}
