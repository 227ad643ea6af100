/**
 * The calendars plugin's tables (created in schema.ts and caldav/dead-props-schema.ts), by name: `ctx.db` is a
 * `Kysely<CalendarsTables>`. `bigint` columns are `number`: SQLite returns integers as numbers, and the server has
 * PostgreSQL's int8 parsed as numbers too (sync tokens and millisecond times stay far below 2^53).
 */
import type { Kysely, Transaction } from 'kysely';

export interface CalendarsTables {
  /** One row per calendar collection of a user; `source` 'remote' rows are synced copies (federation). */
  calendars_calendars: {
    id: string;
    owner_id: string;
    uri: string;
    display_name: string | null;
    description: string | null;
    color: string | null;
    sort_order: number | null;
    timezone: string | null;
    /** Upper-case component names, comma-separated. */
    components: string;
    sync_token: number;
    first_token: number;
    created_at: number;
    updated_at: number;
    /** 'local' or 'remote'. */
    source: string;
    share_id: string | null;
    remote_url: string | null;
    remote_owner: string | null;
    remote_access: string | null;
    remote_sync_token: string | null;
    remote_synced_at: number | null;
    remote_error: string | null;
  };
  /** The client's bytes verbatim (`bytea` / `blob`) with their ETag and the index columns queries prefilter on. */
  calendars_objects: {
    calendar_id: string;
    uri: string;
    etag: string;
    data: Uint8Array;
    size: number;
    uid: string;
    component_type: string;
    first_occurrence: number | null;
    last_occurrence: number | null;
    /** 0 or 1. */
    recurring: number;
    last_modified: number;
    remote_etag: string | null;
  };
  /** The change log sync-collection reads; `op` is 'added', 'modified' or 'deleted'. */
  calendars_changes: { calendar_id: string; sync_token: number; uri: string; op: string };
  /** Users whose default calendar was made (0003): it is never made again, even after they deleted it. */
  calendars_provisioned: { user_id: string; provisioned_at: number };
  /** Dead properties of the CalDAV tree (the DAV toolkit's TreeDeadPropertyStore shape). */
  calendars_props: {
    owner_id: string;
    collection_id: string | null;
    member: string | null;
    name: string;
    value: string;
  };
}

/** The calendars plugin's database handle. */
export type CalendarsDb = Kysely<CalendarsTables>;
/** A transaction on it. */
export type CalendarsTrx = Transaction<CalendarsTables>;
