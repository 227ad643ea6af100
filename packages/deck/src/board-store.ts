// Deck's queries: boards, their stacks and cards, owned by local users.
import { randomUUID } from 'node:crypto';
import { InputError, NotFoundError, type PluginContext } from '#sdk';

export interface Board {
  id: string;
  title: string;
  stacks: Array<{ id: string; title: string; cards: Array<{ id: string; title: string }> }>;
}

/** A title from client input: 1 to 200 characters, or a 400 naming the field. */
export function titleOf(body: unknown, field = 'title'): string {
  const t = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof t !== 'string' || !t.trim() || t.length > 200)
    throw new InputError(`a ${field} of 1 to 200 characters is required`, [{ name: field, message: 'INVALID' }]);
  return t.trim();
}

export function boardStore(db: PluginContext['db']) {
  const owned = async (ownerId: string, boardId: string) => {
    const b = await db
      .selectFrom('deck_boards')
      .selectAll()
      .where('id', '=', boardId)
      .where('owner_id', '=', ownerId)
      .executeTakeFirst();
    if (!b) throw new NotFoundError('no such board', 'RESOURCE_NOT_FOUND');
    return b as { id: string; owner_id: string; title: string };
  };
  const full = async (boardId: string): Promise<Board | null> => {
    const b = await db.selectFrom('deck_boards').selectAll().where('id', '=', boardId).executeTakeFirst();
    if (!b) return null;
    const stacks = await db
      .selectFrom('deck_stacks')
      .selectAll()
      .where('board_id', '=', boardId)
      .orderBy('position')
      .execute();
    const cards = await db
      .selectFrom('deck_cards')
      .selectAll()
      .where('board_id', '=', boardId)
      .orderBy('position')
      .execute();
    return {
      id: b.id,
      title: b.title,
      stacks: stacks.map((s) => ({
        id: s.id,
        title: s.title,
        cards: cards.filter((c) => c.stack_id === s.id).map((c) => ({ id: c.id, title: c.title })),
      })),
    };
  };
  const count = async (table: 'deck_stacks' | 'deck_cards', column: string, value: string) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((e) => e.fn.countAll().as('n'))
          .where(column, '=', value)
          .executeTakeFirst()
      )?.n ?? 0,
    );
  return {
    owned,
    full,
    async list(ownerId: string) {
      return db.selectFrom('deck_boards').select(['id', 'title']).where('owner_id', '=', ownerId).execute();
    },
    async create(ownerId: string, title: string) {
      const board = { id: randomUUID(), owner_id: ownerId, title };
      await db.insertInto('deck_boards').values(board).execute();
      return { id: board.id, title };
    },
    async addStack(boardId: string, title: string) {
      const stack = {
        id: randomUUID(),
        board_id: boardId,
        title,
        position: await count('deck_stacks', 'board_id', boardId),
      };
      await db.insertInto('deck_stacks').values(stack).execute();
      return { id: stack.id, title };
    },
    async addCard(boardId: string, stackId: string, title: string) {
      await this.stackOf(boardId, stackId);
      const card = {
        id: randomUUID(),
        board_id: boardId,
        stack_id: stackId,
        title,
        position: await count('deck_cards', 'stack_id', stackId),
      };
      await db.insertInto('deck_cards').values(card).execute();
      return { id: card.id, title, stackId };
    },
    async stackOf(boardId: string, stackId: unknown) {
      const s =
        typeof stackId === 'string'
          ? await db
              .selectFrom('deck_stacks')
              .select('id')
              .where('id', '=', stackId)
              .where('board_id', '=', boardId)
              .executeTakeFirst()
          : undefined;
      if (!s) throw new InputError('no such stack on this board', [{ name: 'stackId', message: 'INVALID' }]);
      return s.id as string;
    },
    async card(ownerId: string, cardId: string) {
      const c = await db
        .selectFrom('deck_cards')
        .innerJoin('deck_boards', 'deck_boards.id', 'deck_cards.board_id')
        .select(['deck_cards.id', 'deck_cards.board_id', 'deck_cards.stack_id', 'deck_cards.title'])
        .where('deck_cards.id', '=', cardId)
        .where('deck_boards.owner_id', '=', ownerId)
        .executeTakeFirst();
      if (!c) throw new NotFoundError('no such card', 'RESOURCE_NOT_FOUND');
      return c as { id: string; board_id: string; stack_id: string; title: string };
    },
    async moveCard(card: { id: string; board_id: string }, stackId: string, title: string) {
      const position = await count('deck_cards', 'stack_id', stackId);
      await db
        .updateTable('deck_cards')
        .set({ stack_id: stackId, title, position })
        .where('id', '=', card.id)
        .execute();
    },
    async cardCount(boardId: string) {
      return count('deck_cards', 'board_id', boardId);
    },
  };
}
