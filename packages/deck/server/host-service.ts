import { randomUUID } from 'node:crypto';
import type { DeckDb } from './tables.ts';
import type { Logger, PluginContext } from '#sdk';
import { applyEvent, checkAction, eventsAfter, getBoard } from './board-store.ts';
import type { KeyedLock } from './keyed-lock.ts';
import { keyBetween } from './positions.ts';
import { placeByAnchor, rebalanceAfter } from './position-store.ts';
import type { DeckAction, DeckEvent } from './shared.ts';

/** The path of the signed server-to-server routes. */
export const S2S_BASE = '/plugins/deck/s2s';
const EVENTS_KIND = 'deck:events';
/** Events per push; a push answered with less than the host holds is followed by another. */
const PUSH_BATCH = 200;

export interface EventsPush {
  boardId: string;
  lastSeq: number;
  events: DeckEvent[];
}

export interface HostDeps {
  db: DeckDb;
  outbox: PluginContext['outbox'];
  locks: KeyedLock;
  log: Logger;
  /** Tells local browsers about a stored event. */
  published: (boardId: string, e: DeckEvent) => void;
}

/**
 * The host's side: orders every action on a board hosted here into the board's event log (one seq per event,
 * allocated inside the transaction that stores it), tells local browsers, and streams the log to every member
 * server through the core outbox: a push's body is built at send time from "everything after what that server
 * acknowledged", so one push catches a server up after any outage.
 */
export class HostService {
  readonly #d: HostDeps;

  constructor(d: HostDeps) {
    this.#d = d;
    d.outbox.buildBody(EVENTS_KIND, (m) => this.#build(m.destination, m.ref));
    d.outbox.onResult(EVENTS_KIND, async (m, result) => {
      if (result.outcome !== 'delivered' || !m.ref) return;
      const applied = Number((result.body as { applied?: unknown } | null)?.applied);
      if (!Number.isSafeInteger(applied)) return;
      await d.db
        .updateTable('deck_peers')
        .set({ acked: applied })
        .where('board_id', '=', m.ref)
        .where('server', '=', m.destination)
        .where('acked', '<', applied)
        .execute();
      const board = await getBoard(d.db, m.ref);
      if (board && applied < board.last_seq) await this.#enqueue(m.ref, m.destination);
    });
  }

  /** Creates a board hosted here, owned by a local user, with three lists to start from. */
  async create(userId: string, owner: string, title: string): Promise<string> {
    const id = randomUUID();
    const { db } = this.#d;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('deck_boards')
        .values({ id, host: '', owner, title, last_seq: 0, created_at: Date.now() })
        .execute();
      await trx
        .insertInto('deck_members')
        .values({ board_id: id, user_id: userId, role: 'owner', share_id: null })
        .execute();
    });
    let prev: string | null = null;
    for (const t of ['To do', 'Doing', 'Done']) {
      prev = keyBetween(prev, null);
      await this.act(id, owner, randomUUID(), { type: 'list.create', listId: randomUUID(), title: t, position: prev });
    }
    return id;
  }

  /**
   * Orders one action (already parsed, the actor's right to act already checked). A repeated action id answers
   * with its first event, so retries from browsers and peers have one effect.
   */
  async act(boardId: string, actor: string, actionId: string, action: DeckAction): Promise<DeckEvent> {
    const { db, locks } = this.#d;
    const result = await locks.run(boardId, () =>
      db.transaction().execute(async (trx) => {
        const seen = await trx
          .selectFrom('deck_events')
          .select('seq')
          .where('board_id', '=', boardId)
          .where('actor', '=', actor)
          .where('action_id', '=', actionId)
          .executeTakeFirst();
        if (seen) return { stored: [], first: (await eventsAfter(trx, boardId, seen.seq - 1, 1))[0]! };
        const board = await getBoard(trx, boardId);
        if (!board || board.host !== '') throw new Error(`board ${boardId} is not hosted here`);
        await checkAction(trx, boardId, action, actor);
        const placed = await placeByAnchor(trx, boardId, action);
        const at = Date.now();
        const e: DeckEvent = { seq: board.last_seq + 1, actor, actionId, at, action: placed };
        await applyEvent(trx, boardId, e);
        const stored = [e];
        // A long key: renumber its list in the next event, ordered like any other, so every server agrees.
        const list = rebalanceAfter(placed);
        if (list !== undefined) {
          const r: DeckEvent = {
            seq: e.seq + 1,
            actor,
            actionId: randomUUID(),
            at,
            action: { type: 'rebalance', listId: list },
          };
          await applyEvent(trx, boardId, r);
          stored.push(r);
        }
        return { stored, first: e };
      }),
    );
    if (result.stored.length > 0) {
      for (const e of result.stored) this.#d.published(boardId, e);
      await this.stream(boardId);
    }
    return result.first;
  }

  /**
   * Announces who is on a board hosted here (the owner and each accepted share's recipient) in a host-ordered
   * `board.members` event when it changed, so every server knows whom its users' attachment folders are for.
   */
  async syncMembers(boardId: string, recipients: string[]): Promise<void> {
    const board = await getBoard(this.#d.db, boardId);
    if (!board || board.host !== '') return;
    const members = [...new Set(recipients.map((r) => r.toLowerCase()))].sort();
    if (JSON.stringify(members) === JSON.stringify(JSON.parse(board.members || '[]'))) return;
    await this.act(boardId, board.owner, randomUUID(), { type: 'board.members', members });
  }

  /** Queues a push to every member server of the board. */
  async stream(boardId: string): Promise<void> {
    const peers = await this.#d.db.selectFrom('deck_peers').select('server').where('board_id', '=', boardId).execute();
    for (const p of peers) await this.#enqueue(boardId, p.server);
  }

  /** A server got a member (its user accepted a share): stream the whole log to it. */
  async addPeer(boardId: string, server: string): Promise<void> {
    const { db } = this.#d;
    const found = await db
      .selectFrom('deck_peers')
      .select('server')
      .where('board_id', '=', boardId)
      .where('server', '=', server)
      .executeTakeFirst();
    if (!found) await db.insertInto('deck_peers').values({ board_id: boardId, server, acked: 0 }).execute();
    await this.#enqueue(boardId, server);
  }

  /** A server has no member any more: stop streaming to it. */
  async removePeer(boardId: string, server: string): Promise<void> {
    await this.#d.db.deleteFrom('deck_peers').where('board_id', '=', boardId).where('server', '=', server).execute();
  }

  /** Re-queues every stream that is behind (at start-up and periodically: also after the outbox gave up). */
  async recover(): Promise<void> {
    const behind = await this.#d.db
      .selectFrom('deck_peers as p')
      .innerJoin('deck_boards as b', 'b.id', 'p.board_id')
      .select(['p.board_id', 'p.server'])
      .whereRef('p.acked', '<', 'b.last_seq')
      .execute();
    for (const p of behind) await this.#enqueue(p.board_id, p.server);
  }

  async #enqueue(boardId: string, server: string): Promise<void> {
    await this.#d.outbox.enqueue({
      destination: server,
      kind: EVENTS_KIND,
      path: `${S2S_BASE}/events`,
      base: 'origin',
      body: { boardId },
      ref: boardId,
      coalesce: true,
    });
  }

  async #build(server: string, boardId: string | undefined): Promise<EventsPush | null> {
    if (!boardId) return null;
    const { db } = this.#d;
    const peer = await db
      .selectFrom('deck_peers')
      .select('acked')
      .where('board_id', '=', boardId)
      .where('server', '=', server)
      .executeTakeFirst();
    const board = await getBoard(db, boardId);
    if (!peer || !board) return null;
    const events = await eventsAfter(db, boardId, peer.acked, PUSH_BATCH);
    if (events.length === 0) return null;
    return { boardId, lastSeq: board.last_seq, events };
  }
}
