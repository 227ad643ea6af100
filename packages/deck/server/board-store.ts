import type { Selectable } from 'kysely';
import type { DeckDb, DeckTables } from './tables.ts';
import { ConflictError, NotAllowedError, NotFoundError } from '#sdk';
import { DECK_ERRORS } from './error-codes.ts';
import { compareByPosition } from './positions.ts';
import { applyRebalance } from './position-store.ts';
import {
  DECK_LIMITS,
  type BoardSummary,
  type BoardView,
  type DeckAction,
  type DeckCard,
  type DeckEvent,
  type DeckRole,
} from './shared.ts';

/** A row of `deck_boards`. */
export type BoardRow = Selectable<DeckTables['deck_boards']>;

/** Everyone on a board: the owner and the members the host last announced. */
export function membersOf(b: BoardRow): string[] {
  const listed = JSON.parse(b.members || '[]') as string[];
  return [b.owner, ...listed.filter((m) => m.toLowerCase() !== b.owner.toLowerCase())];
}

type Db = DeckDb;

export async function getBoard(db: Db, id: string): Promise<BoardRow | undefined> {
  return db.selectFrom('deck_boards').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The local user's role on a board (null: no access). */
export async function roleOf(db: Db, boardId: string, userId: string): Promise<DeckRole | null> {
  const m = await db
    .selectFrom('deck_members')
    .select('role')
    .where('board_id', '=', boardId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return (m?.role as DeckRole | undefined) ?? null;
}

function summary(b: BoardRow, role: DeckRole, selfHost: string): BoardSummary {
  return {
    id: b.id,
    title: b.title,
    owner: b.owner,
    host: b.host || selfHost,
    hostedHere: b.host === '',
    role,
    lastSeq: b.last_seq,
  };
}

/** The boards a local user can see. */
export async function listBoards(db: Db, userId: string, selfHost: string): Promise<BoardSummary[]> {
  const rows = await db
    .selectFrom('deck_members as m')
    .innerJoin('deck_boards as b', 'b.id', 'm.board_id')
    .select(['b.id', 'b.host', 'b.owner', 'b.title', 'b.last_seq', 'b.created_at', 'b.members', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('b.created_at')
    .execute();
  return rows.map((r) => summary(r, r.role as DeckRole, selfHost));
}

/** A whole board as a local user sees it (`attachments`: whether this server offers them). */
export async function boardView(
  db: Db,
  b: BoardRow,
  role: DeckRole,
  selfHost: string,
  attachments = false,
): Promise<BoardView> {
  const lists = (await db.selectFrom('deck_lists').selectAll().where('board_id', '=', b.id).execute()).map((l) => ({
    id: l.id,
    title: l.title,
    position: l.position,
  }));
  const comments = await db
    .selectFrom('deck_comments')
    .selectAll()
    .where('board_id', '=', b.id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const files = await db
    .selectFrom('deck_attachments')
    .selectAll()
    .where('board_id', '=', b.id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const cards: DeckCard[] = (await db.selectFrom('deck_cards').selectAll().where('board_id', '=', b.id).execute()).map(
    (c) => ({
      id: c.id,
      listId: c.list_id,
      title: c.title,
      description: c.description,
      labels: JSON.parse(c.labels) as string[],
      due: c.due ?? null,
      assignees: JSON.parse(c.assignees) as string[],
      position: c.position,
      comments: comments
        .filter((m) => m.card_id === c.id)
        .map((m) => ({ id: m.id, author: m.author, text: m.text, at: m.at })),
      attachments: files
        .filter((f) => f.card_id === c.id)
        .map((f) => ({
          id: f.id,
          name: f.name,
          size: f.size,
          mime: f.mime,
          owner: f.owner,
          path: f.path,
          folder: f.folder,
          by: f.by,
          at: f.at,
        })),
    }),
  );
  lists.sort(compareByPosition);
  cards.sort(compareByPosition);
  return { ...summary(b, role, selfHost), lists, cards, members: membersOf(b), attachments };
}

/** The board's tables whose rows have an `id` of their own. */
type ItemTable = 'deck_lists' | 'deck_cards' | 'deck_comments' | 'deck_attachments';

async function exists(db: Db, table: ItemTable, boardId: string, id: string): Promise<boolean> {
  const row = await db
    .selectFrom(table)
    .select('id')
    .where('board_id', '=', boardId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Boolean(row);
}

async function count(db: Db, table: ItemTable, boardId: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .where('board_id', '=', boardId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

const missing = () => new NotFoundError('no such card or list on this board', DECK_ERRORS.CARD_NOT_FOUND);
const taken = () => new ConflictError('this id is taken on the board', DECK_ERRORS.DECK_ID_TAKEN);

/** The host's check of an action by `actor` against the board's current state (throws a 4xx error). */
export async function checkAction(db: Db, boardId: string, a: DeckAction, actor: string): Promise<void> {
  switch (a.type) {
    case 'board.rename':
    case 'board.members':
    case 'rebalance':
      return;
    case 'list.create':
      if (await exists(db, 'deck_lists', boardId, a.listId)) throw taken();
      if ((await count(db, 'deck_lists', boardId)) >= DECK_LIMITS.lists) throw taken();
      return;
    case 'list.update':
    case 'list.delete':
      if (!(await exists(db, 'deck_lists', boardId, a.listId))) throw missing();
      return;
    case 'card.create':
      if (!(await exists(db, 'deck_lists', boardId, a.listId))) throw missing();
      if (await exists(db, 'deck_cards', boardId, a.cardId)) throw taken();
      if ((await count(db, 'deck_cards', boardId)) >= DECK_LIMITS.cards) throw taken();
      return;
    case 'card.move':
      if (!(await exists(db, 'deck_lists', boardId, a.listId))) throw missing();
      if (!(await exists(db, 'deck_cards', boardId, a.cardId))) throw missing();
      return;
    case 'card.update':
    case 'card.delete':
      if (!(await exists(db, 'deck_cards', boardId, a.cardId))) throw missing();
      return;
    case 'comment.add':
      if (!(await exists(db, 'deck_cards', boardId, a.cardId))) throw missing();
      if (await exists(db, 'deck_comments', boardId, a.commentId)) throw taken();
      return;
    case 'card.attach': {
      if (!(await exists(db, 'deck_cards', boardId, a.cardId))) throw missing();
      if (await exists(db, 'deck_attachments', boardId, a.attachmentId)) throw taken();
      // One may only attach one's own files: the attacher's server shares them with the members.
      if (a.attachment.owner.toLowerCase() !== actor.toLowerCase())
        throw new NotAllowedError('you can only attach your own files', DECK_ERRORS.NOT_YOUR_FILE);
      const n = await db
        .selectFrom('deck_attachments')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('board_id', '=', boardId)
        .where('card_id', '=', a.cardId)
        .executeTakeFirst();
      if (Number(n?.n ?? 0) >= DECK_LIMITS.attachments)
        throw new ConflictError('this card has as many attachments as it can take', DECK_ERRORS.DECK_ID_TAKEN);
      return;
    }
    case 'card.detach': {
      const row = await db
        .selectFrom('deck_attachments')
        .select('card_id')
        .where('board_id', '=', boardId)
        .where('id', '=', a.attachmentId)
        .executeTakeFirst();
      if (!row || row.card_id !== a.cardId) throw missing();
      return;
    }
  }
}

/** Stores an event and applies it to the board's tables (the same code on the host and every mirror). */
export async function applyEvent(db: Db, boardId: string, e: DeckEvent): Promise<void> {
  await db
    .insertInto('deck_events')
    .values({
      board_id: boardId,
      seq: e.seq,
      actor: e.actor,
      action_id: e.actionId,
      at: e.at,
      action: JSON.stringify(e.action),
    })
    .execute();
  await db.updateTable('deck_boards').set({ last_seq: e.seq }).where('id', '=', boardId).execute();
  const a = e.action;
  const card = (id: string) => db.updateTable('deck_cards').where('board_id', '=', boardId).where('id', '=', id);
  switch (a.type) {
    case 'board.rename':
      await db.updateTable('deck_boards').set({ title: a.title }).where('id', '=', boardId).execute();
      return;
    case 'list.create':
      await db
        .insertInto('deck_lists')
        .values({ board_id: boardId, id: a.listId, title: a.title, position: a.position })
        .execute();
      return;
    case 'list.update': {
      const set = {
        ...(a.title !== undefined ? { title: a.title } : {}),
        ...(a.position ? { position: a.position } : {}),
      };
      if (Object.keys(set).length)
        await db
          .updateTable('deck_lists')
          .set(set)
          .where('board_id', '=', boardId)
          .where('id', '=', a.listId)
          .execute();
      return;
    }
    case 'list.delete': {
      const cards = db
        .selectFrom('deck_cards')
        .select('id')
        .where('board_id', '=', boardId)
        .where('list_id', '=', a.listId);
      await db.deleteFrom('deck_comments').where('board_id', '=', boardId).where('card_id', 'in', cards).execute();
      await db.deleteFrom('deck_attachments').where('board_id', '=', boardId).where('card_id', 'in', cards).execute();
      await db.deleteFrom('deck_cards').where('board_id', '=', boardId).where('list_id', '=', a.listId).execute();
      await db.deleteFrom('deck_lists').where('board_id', '=', boardId).where('id', '=', a.listId).execute();
      return;
    }
    case 'card.create':
      await db
        .insertInto('deck_cards')
        .values({
          board_id: boardId,
          id: a.cardId,
          list_id: a.listId,
          title: a.title,
          description: '',
          labels: '[]',
          due: null,
          assignees: '[]',
          position: a.position,
        })
        .execute();
      return;
    case 'card.update': {
      const set: Record<string, unknown> = {};
      if (a.title !== undefined) set.title = a.title;
      if (a.description !== undefined) set.description = a.description;
      if (a.labels !== undefined) set.labels = JSON.stringify(a.labels);
      if (a.assignees !== undefined) set.assignees = JSON.stringify(a.assignees);
      if (a.due !== undefined) set.due = a.due;
      if (Object.keys(set).length) await card(a.cardId).set(set).execute();
      return;
    }
    case 'card.move':
      await card(a.cardId).set({ list_id: a.listId, position: a.position }).execute();
      return;
    case 'card.delete':
      for (const t of ['deck_comments', 'deck_attachments'] as const)
        await db.deleteFrom(t).where('board_id', '=', boardId).where('card_id', '=', a.cardId).execute();
      await db.deleteFrom('deck_cards').where('board_id', '=', boardId).where('id', '=', a.cardId).execute();
      return;
    case 'comment.add':
      await db
        .insertInto('deck_comments')
        .values({ board_id: boardId, id: a.commentId, card_id: a.cardId, author: e.actor, text: a.text, at: e.at })
        .execute();
      return;
    case 'card.attach':
      await db
        .insertInto('deck_attachments')
        .values({ board_id: boardId, id: a.attachmentId, card_id: a.cardId, ...a.attachment, by: e.actor, at: e.at })
        .execute();
      return;
    case 'card.detach':
      await db
        .deleteFrom('deck_attachments')
        .where('board_id', '=', boardId)
        .where('id', '=', a.attachmentId)
        .execute();
      return;
    case 'rebalance':
      await applyRebalance(db, boardId, a.listId);
      return;
    case 'board.members':
      await db
        .updateTable('deck_boards')
        .set({ members: JSON.stringify(a.members) })
        .where('id', '=', boardId)
        .execute();
      return;
  }
}

/** Events after `after`, oldest first. */
export async function eventsAfter(db: Db, boardId: string, after: number, limit: number): Promise<DeckEvent[]> {
  const rows = await db
    .selectFrom('deck_events')
    .selectAll()
    .where('board_id', '=', boardId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    actor: r.actor,
    actionId: r.action_id,
    at: r.at,
    action: JSON.parse(r.action) as DeckAction,
  }));
}

/** Removes a board and everything derived from it (a mirror whose last member left, or a deleted board). */
export async function dropBoard(db: Db, boardId: string): Promise<void> {
  for (const t of [
    'deck_comments',
    'deck_attachments',
    'deck_cards',
    'deck_lists',
    'deck_events',
    'deck_members',
    'deck_peers',
  ] as const)
    await db.deleteFrom(t).where('board_id', '=', boardId).execute();
  await db.deleteFrom('deck_boards').where('id', '=', boardId).execute();
}
