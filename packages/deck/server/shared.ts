/**
 * Deck's wire types, shared by the server, its peers and the web part (browser-safe: no imports). A board's every
 * change is an action, ordered by the board's host into an event with a per-board sequence number.
 */

/** What a user may do on a board: its owner, an editor (share with `write`), a reader. */
export type DeckRole = 'owner' | 'edit' | 'read';

/** Every change to a board. Ids of new lists, cards and comments are chosen by the acting side (UUIDs). */
export type DeckAction =
  | { type: 'board.rename'; title: string }
  | { type: 'list.create'; listId: string; title: string; position: string }
  | { type: 'list.update'; listId: string; title?: string; position?: string }
  | { type: 'list.delete'; listId: string }
  | { type: 'card.create'; cardId: string; listId: string; title: string; position: string }
  | {
      type: 'card.update';
      cardId: string;
      title?: string;
      description?: string;
      labels?: string[];
      due?: string | null;
      assignees?: string[];
    }
  | { type: 'card.move'; cardId: string; listId: string; position: string }
  | { type: 'card.delete'; cardId: string }
  | { type: 'comment.add'; commentId: string; cardId: string; text: string };

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
}

/** A whole board: lists and cards in position order (ties by id). */
export interface BoardView extends BoardSummary {
  lists: DeckList[];
  cards: DeckCard[];
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
} as const;
