/**
 * Deck's wire types, shared by the server, its peers and the web part (browser-safe: no imports). A board's every
 * change is an action, ordered by the board's host into an event with a per-board sequence number.
 */

/** What a user may do on a board: its owner, an editor (share with `write`), a reader. */
export type DeckRole = 'owner' | 'edit' | 'read';

/**
 * Where an item goes, as an anchor: `after` is the id of the card (or list) it follows, `null` the start. When given,
 * the host computes the position key itself from its own current order (the key the actor sent is only a hint), so
 * a place chosen before a concurrent move or a renumbering still lands where the user dropped it.
 */
export interface Anchor {
  after?: string | null;
}

/** Every change to a board. Ids of new lists, cards and comments are chosen by the acting side (UUIDs). */
export type DeckAction =
  | { type: 'board.rename'; title: string }
  | ({ type: 'list.create'; listId: string; title: string; position: string } & Anchor)
  | ({ type: 'list.update'; listId: string; title?: string; position?: string } & Anchor)
  | { type: 'list.delete'; listId: string }
  | ({ type: 'card.create'; cardId: string; listId: string; title: string; position: string } & Anchor)
  | {
      type: 'card.update';
      cardId: string;
      title?: string;
      description?: string;
      labels?: string[];
      due?: string | null;
      assignees?: string[];
    }
  | ({ type: 'card.move'; cardId: string; listId: string; position: string } & Anchor)
  | { type: 'card.delete'; cardId: string }
  | { type: 'comment.add'; commentId: string; cardId: string; text: string }
  | {
      type: 'card.attach';
      attachmentId: string;
      cardId: string;
      /** Where the file is: `path` in the files of `owner` (`user@host`), shared with the board's members. */
      attachment: { name: string; size: number; mime: string; owner: string; path: string; folder: string };
    }
  | { type: 'card.detach'; attachmentId: string; cardId: string }
  /** Host only: who is on the board now (the owner and every accepted share's recipient, `user@host`). */
  | { type: 'board.members'; members: string[] }
  /**
   * Host only (never accepted from a browser or a peer): renumber the keys of a list's cards (`listId`) or of the
   * board's lists (`null`) to short, evenly spaced ones, in their current order. Every server computes the same keys
   * from the same state, so the event carries no keys.
   */
  | { type: 'rebalance'; listId: string | null };

/** An action as the host ordered it. */
export interface DeckEvent {
  seq: number;
  /** `user@host` of who did it. */
  actor: string;
  actionId: string;
  /** Milliseconds since the epoch, the host's clock. */
  at: number;
  action: DeckAction;
}

/** A board in a user's list of boards. */
export interface BoardSummary {
  id: string;
  title: string;
  /** `user@host` of the owner. */
  owner: string;
  /** The server that hosts (orders) the board. */
  host: string;
  hostedHere: boolean;
  role: DeckRole;
  lastSeq: number;
}

export interface DeckList {
  id: string;
  title: string;
  position: string;
}

export interface DeckComment {
  id: string;
  author: string;
  text: string;
  at: number;
}

/** A file attached to a card: in its attacher's files, read through the share of their attachment folder. */
export interface DeckAttachment {
  id: string;
  name: string;
  size: number;
  mime: string;
  /** `user@host` whose files hold it. */
  owner: string;
  /** Its path in the owner's tree (`/Deck attachments/<board folder>/<name>`). */
  path: string;
  /** The attachment folder's name: what members see under `Shared with me/`. */
  folder: string;
  /** `user@host` of who attached it. */
  by: string;
  at: number;
}

export interface DeckCard {
  id: string;
  listId: string;
  title: string;
  description: string;
  labels: string[];
  /** `YYYY-MM-DD` or null. */
  due: string | null;
  /** `user@host` addresses. */
  assignees: string[];
  position: string;
  comments: DeckComment[];
  attachments: DeckAttachment[];
}

/** A whole board: lists and cards in position order (ties by id). */
export interface BoardView extends BoardSummary {
  lists: DeckList[];
  cards: DeckCard[];
  /** `user@host` of everyone on the board (the owner first). */
  members: string[];
  /** Whether this server offers attachments (the files plugin is enabled). */
  attachments: boolean;
}

/** `POST /api/v1/deck/boards/:id/actions`: ordered here (the host) or queued for the remote host. */
export type ActResult = { queued: false; seq: number } | { queued: true; actionId: string };

/** Socket events of the `/deck` namespace. */
export interface DeckServerToClient {
  /** An event stored on this server (hosted or mirrored). */
  event: (e: { boardId: string; event: DeckEvent }) => void;
  /** A board appeared, changed role, or was removed from the user's list. */
  boards: () => void;
  /** The host refused a queued action. */
  refused: (e: { boardId: string; actionId: string; message: string }) => void;
}

export interface DeckClientToServer {
  /** Follow a board's events (the server checks access). */
  watch: (boardId: string, ack: (r: { ok: boolean; message?: string }) => void) => void;
  unwatch: (boardId: string) => void;
}

/** Limits every side checks. */
export const DECK_LIMITS = {
  title: 200,
  description: 20_000,
  comment: 4_000,
  labels: 20,
  label: 40,
  assignees: 20,
  lists: 100,
  cards: 2_000,
  attachments: 50,
  fileName: 255,
} as const;
