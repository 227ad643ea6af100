/**
 * The contacts plugin's tables (created in schema.ts and carddav-dead-props.ts), by name: `ctx.db` is a
 * `Kysely<ContactsTables>`. `bigint` columns are `number`: SQLite returns integers as numbers, and the server has
 * PostgreSQL's int8 parsed as numbers too (sync tokens and millisecond times stay far below 2^53).
 */
import type { Kysely, Transaction } from 'kysely';

export interface ContactsTables {
  /** One row per address book of a user; `kind` is 'local', 'federated' or 'shared'. */
  contacts_books: {
    id: string;
    owner_id: string;
    uri: string;
    display_name: string | null;
    description: string | null;
    kind: string;
    sync_token: number;
    first_token: number;
    created_at: number;
    updated_at: number;
    /** For a `shared` book, 'read' or 'read-write' (0002); null for the others. */
    shared_access: string | null;
  };
  /** The client's bytes verbatim (`bytea` / `blob`) with their ETag, UID, formatted name and vCard version. */
  contacts_cards: {
    book_id: string;
    uri: string;
    etag: string;
    data: Uint8Array;
    size: number;
    uid: string;
    fn: string;
    version: string;
    last_modified: number;
  };
  /** Lower-cased values of the searchable properties per card. */
  contacts_card_index: { book_id: string; uri: string; prop: string; value: string };
  /** The change log sync-collection reads; `op` is 'added', 'modified' or 'deleted'. */
  contacts_changes: { book_id: string; sync_token: number; uri: string; op: string };
  /** For a `shared` book (0002): its incoming share, the owner's URL and the sync state. */
  contacts_shared_books: {
    book_id: string;
    share_id: string;
    url: string;
    remote_sync_token: string | null;
    synced_at: number | null;
    error: string | null;
  };
  /** Users whose default address book was made (0004): it is never made again, even after they deleted it. */
  contacts_provisioned: { user_id: string; provisioned_at: number };
  /** Dead properties of the CardDAV tree (the DAV toolkit's TreeDeadPropertyStore shape). */
  contacts_props: {
    owner_id: string;
    collection_id: string | null;
    member: string | null;
    name: string;
    value: string;
  };
}

/** The contacts plugin's database handle. */
export type ContactsDb = Kysely<ContactsTables>;
/** A transaction on it. */
export type ContactsTrx = Transaction<ContactsTables>;
