/**
 * Deck's tables (created in schema.ts), by name: `ctx.db` is a `Kysely<DeckTables>`. `bigint` columns are `number`:
 * SQLite returns integers as numbers, and the server has PostgreSQL's int8 parsed as numbers too (seqs and
 * millisecond times stay far below 2^53).
 */
import type { Generated, Kysely } from 'kysely';

export interface DeckTables {
  /** Boards hosted here (`host` = '') and mirrors of boards hosted elsewhere (`host` = that server). */
  deck_boards: {
    id: string;
    host: string;
    owner: string;
    title: string;
    /** Host: last allocated seq. Mirror: last applied seq (contiguous from 1). */
    last_seq: number;
    created_at: number;
    /** JSON list of `user@host` (the host's last `board.members` event; `[]` before the first, the default). */
    members: Generated<string>;
  };
  /** Local users on a board; `share_id` is the incoming share that gave access (null for the owner). */
  deck_members: { board_id: string; user_id: string; role: string; share_id: string | null };
  /** The board's event log; `action` is the JSON of a `DeckAction`. */
  deck_events: { board_id: string; seq: number; actor: string; action_id: string; at: number; action: string };
  deck_lists: { board_id: string; id: string; title: string; position: string };
  /** `labels` and `assignees` are JSON lists of strings. */
  deck_cards: {
    board_id: string;
    id: string;
    list_id: string;
    title: string;
    description: string;
    labels: string;
    due: string | null;
    assignees: string;
    position: string;
  };
  deck_comments: { board_id: string; id: string; card_id: string; author: string; text: string; at: number };
  /** Host only: per member server, the last seq it acknowledged. */
  deck_peers: { board_id: string; server: string; acked: number };
  /** A card's files, each in its attacher's tree (`owner`, `path`), in `folder` shared with the board's members. */
  deck_attachments: {
    board_id: string;
    id: string;
    card_id: string;
    name: string;
    size: number;
    mime: string;
    owner: string;
    path: string;
    folder: string;
    by: string;
    at: number;
  };
}

/** Deck's database handle (or a transaction on it). */
export type DeckDb = Kysely<DeckTables>;
