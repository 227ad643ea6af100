import type { NotNull } from 'kysely';
import type { DeckDb } from './tables.ts';
import { defineShareProtocol, type IncomingShare, type Logger, type PluginContext } from '#sdk';
import { parseAction, parseActionId } from './action-input.ts';
import { applyEvent, dropBoard, getBoard } from './board-store.ts';
import type { EventsPush } from './host-service.ts';
import { S2S_BASE } from './host-service.ts';
import type { KeyedLock } from './keyed-lock.ts';
import type { DeckAction, DeckEvent } from './shared.ts';

const ACTION_KIND = 'deck:action';
const ID = '^[A-Za-z0-9_-]{8,64}$';

/** The `deck` arm of a `deck-board` share's protocol object. */
export interface DeckProtocol {
  boardId: string;
  sharedSecret: string;
  permissions?: string[];
}
export const deckProtocol = defineShareProtocol<DeckProtocol>({
  name: 'deck',
  description: "The board's id on its host (the sharing server) and the secret its member servers present.",
  schema: {
    type: 'object',
    required: ['boardId', 'sharedSecret'],
    properties: {
      boardId: { type: 'string', pattern: ID },
      sharedSecret: { type: 'string', minLength: 16, maxLength: 200 },
      permissions: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 20 } },
    },
  },
});

/** What the host answers to a pull. */
export interface PullReply {
  events: DeckEvent[];
  lastSeq: number;
  more: boolean;
}

export interface MirrorDeps {
  db: DeckDb;
  shares: PluginContext['shares'];
  remote: PluginContext['remote'];
  outbox: PluginContext['outbox'];
  locks: KeyedLock;
  log: Logger;
  published: (boardId: string, e: DeckEvent) => void;
  /** The host refused a queued action of a local user. */
  refused: (userId: string, f: { boardId: string; actionId: string; message: string }) => void;
}

/**
 * A member server's side: a mirror of each board one of its users accepted, fed by the host's event pushes (applied
 * strictly in seq order, gaps pulled), and the users' actions sent to the host through the core outbox (durable,
 * ordered per peer, retried), so an action made while the host is down reaches it when it is back.
 */
export class MirrorService {
  readonly #d: MirrorDeps;

  constructor(d: MirrorDeps) {
    this.#d = d;
    d.outbox.onResult(ACTION_KIND, (m, result) => {
      if (result.outcome === 'delivered') return;
      const b = m.body as { boardId: string; actionId: string; userId?: string };
      const message =
        result.outcome === 'dead'
          ? 'The board’s server could not be reached; the change was dropped.'
          : String((result.body as { message?: unknown } | null)?.message ?? 'The board’s server refused the change.');
      if (b.userId) d.refused(b.userId, { boardId: b.boardId, actionId: b.actionId, message });
    });
  }

  /** A local user accepted a board shared from another server: create (or join) the mirror and fill it. */
  async join(share: IncomingShare): Promise<void> {
    const { db, log } = this.#d;
    const arm = deckProtocol.parse(share.protocol.protocols.deck);
    const host = share.senderHost.toLowerCase();
    const existing = await getBoard(db, arm.boardId);
    if (existing && existing.host !== host) {
      log.warn({ boardId: arm.boardId, host }, 'deck: a board with this id comes from another server; not mirrored');
      return;
    }
    const role = share.permissions.includes('write') ? 'edit' : 'read';
    await db.transaction().execute(async (trx) => {
      if (!existing)
        await trx
          .insertInto('deck_boards')
          .values({ id: arm.boardId, host, owner: share.owner, title: share.name, last_seq: 0, created_at: Date.now() })
          .execute();
      await trx
        .deleteFrom('deck_members')
        .where('board_id', '=', arm.boardId)
        .where('user_id', '=', share.recipientId)
        .execute();
      await trx
        .insertInto('deck_members')
        .values({ board_id: arm.boardId, user_id: share.recipientId, role, share_id: share.id })
        .execute();
    });
    void this.pull(arm.boardId).catch((err) => log.info({ err, boardId: arm.boardId }, 'deck: first pull failed'));
  }

  /** A local user's share ended: they lose access; the mirror goes when no local member is left. */
  async shareEnded(share: IncomingShare): Promise<void> {
    const { db } = this.#d;
    const arm = deckProtocol.is(share.protocol.protocols.deck) ? share.protocol.protocols.deck : null;
    if (!arm) return;
    await db.deleteFrom('deck_members').where('board_id', '=', arm.boardId).where('share_id', '=', share.id).execute();
    const board = await getBoard(db, arm.boardId);
    if (!board || board.host === '') return;
    const left = await db.selectFrom('deck_members').select('user_id').where('board_id', '=', arm.boardId).execute();
    if (left.length === 0) await this.#d.locks.run(arm.boardId, () => dropBoard(db, arm.boardId));
  }

  /** The credential a member server presents to the host for a board (any local member's live share). */
  async #credential(boardId: string, userId?: string): Promise<string | null> {
    const { db, shares } = this.#d;
    let q = db
      .selectFrom('deck_members')
      .select('share_id')
      .where('board_id', '=', boardId)
      .where('share_id', 'is not', null);
    if (userId) q = q.where('user_id', '=', userId);
    for (const m of await q.$narrowType<{ share_id: NotNull }>().execute()) {
      const share = await shares.getIncoming(m.share_id);
      if (share && share.state === 'accepted') return shares.accessCredential(share);
    }
    return null;
  }

  /** Host → here: events in seq order; answers the last contiguous seq held (null: no such mirror). */
  async receive(peerHost: string, push: EventsPush): Promise<{ applied: number | null }> {
    const { db, locks } = this.#d;
    const board = await getBoard(db, push.boardId);
    // Only a board's host feeds its mirror.
    if (!board || board.host === '' || board.host !== peerHost) return { applied: null };
    const { applied, gap } = await locks.run(board.id, () => this.#apply(board.id, push.events));
    if (gap) void this.pull(board.id).catch(() => {});
    return { applied };
  }

  async #apply(boardId: string, events: DeckEvent[]): Promise<{ applied: number; gap: boolean }> {
    const { db } = this.#d;
    const stored: DeckEvent[] = [];
    const result = await db.transaction().execute(async (trx) => {
      const board = await getBoard(trx, boardId);
      let last = board?.last_seq ?? 0;
      for (const e of [...events].sort((x, y) => x.seq - y.seq)) {
        if (e.seq <= last) continue;
        if (e.seq !== last + 1) return { applied: last, gap: true };
        await applyEvent(trx, boardId, e);
        stored.push(e);
        last = e.seq;
      }
      return { applied: last, gap: false };
    });
    for (const e of stored) this.#d.published(boardId, e);
    return result;
  }

  /** Asks the host for everything after what this mirror holds (start-up, a gap, joining). */
  async pull(boardId: string): Promise<void> {
    const { db, remote } = this.#d;
    for (let round = 0; round < 1000; round++) {
      const board = await getBoard(db, boardId);
      if (!board || board.host === '') return;
      const secret = await this.#credential(boardId);
      if (!secret) return;
      const res = await remote.post(
        board.host,
        `${S2S_BASE}/pull`,
        { boardId, secret, after: board.last_seq },
        { base: 'origin' },
      );
      if (res.status !== 200) throw new Error(`pull answered ${res.status}`);
      const reply = parsePull(res.body);
      await this.#d.locks.run(boardId, () => this.#apply(boardId, reply.events));
      if (!reply.more) return;
    }
  }

  /** Pulls every mirrored board (at start-up: catch up on what happened while this server was down). */
  async pullAll(): Promise<void> {
    const boards = await this.#d.db.selectFrom('deck_boards').select('id').where('host', '!=', '').execute();
    for (const b of boards)
      await this.pull(b.id).catch((err) => this.#d.log.info({ err, boardId: b.id }, 'deck: pull failed'));
  }

  /** Sends a local user's action to the board's host (durably; the host's event comes back by push). */
  async send(boardId: string, userId: string, actionId: string, action: DeckAction): Promise<void> {
    const board = await getBoard(this.#d.db, boardId);
    const secret = board ? await this.#credential(boardId, userId) : null;
    if (!board || !secret) throw new Error('no live share for this board');
    await this.#d.outbox.enqueue({
      destination: board.host,
      kind: ACTION_KIND,
      path: `${S2S_BASE}/actions`,
      base: 'origin',
      body: { boardId, secret, actionId, action, userId },
    });
  }
}

/** Checks the shape of a host's pull answer (a peer's input). */
function parsePull(raw: unknown): PullReply {
  const r = raw as Partial<PullReply> | null;
  if (!r || !Array.isArray(r.events) || !Number.isSafeInteger(r.lastSeq)) throw new Error('bad pull answer');
  return { events: r.events.map(parseEvent), lastSeq: r.lastSeq as number, more: r.more === true };
}

/** Checks one event from the host (shape only: the host decided what it means). */
export function parseEvent(raw: unknown): DeckEvent {
  const e = raw as Partial<DeckEvent> | null;
  if (
    !e ||
    !Number.isSafeInteger(e.seq) ||
    (e.seq as number) < 1 ||
    typeof e.actor !== 'string' ||
    typeof e.actionId !== 'string' ||
    e.actor.length > 300 ||
    !Number.isSafeInteger(e.at)
  )
    throw new Error('bad event');
  return {
    seq: e.seq as number,
    actor: e.actor,
    actionId: parseActionId(e.actionId),
    at: e.at as number,
    action: parseAction(e.action, { hostEvent: true }),
  };
}
