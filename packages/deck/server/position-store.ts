/**
 * Position keys on the board's tables: the host placing an anchored action (`after`) from its own current order,
 * deciding when a list's keys are long enough to renumber, and every server applying a `rebalance` event.
 */
import type { DeckDb } from './tables.ts';
import { compareByPosition, evenKeys, keyBetween, REBALANCE_AT } from './positions.ts';
import type { DeckAction } from './shared.ts';

type Db = DeckDb;
type Item = { id: string; position: string };

/** The cards of a list (`listId`) or the board's lists (`null`), in order. */
async function ordered(db: Db, boardId: string, listId: string | null): Promise<Item[]> {
  const rows: Item[] =
    listId === null
      ? await db.selectFrom('deck_lists').select(['id', 'position']).where('board_id', '=', boardId).execute()
      : await db
          .selectFrom('deck_cards')
          .select(['id', 'position'])
          .where('board_id', '=', boardId)
          .where('list_id', '=', listId)
          .execute();
  return rows.sort(compareByPosition);
}

/** Which ordered collection an action places something in, and what it places (null: it places nothing). */
function placement(a: DeckAction): { listId: string | null; id: string } | null {
  switch (a.type) {
    case 'card.create':
    case 'card.move':
      return { listId: a.listId, id: a.cardId };
    case 'list.create':
      return { listId: null, id: a.listId };
    case 'list.update':
      return a.position === undefined ? null : { listId: null, id: a.listId };
    default:
      return null;
  }
}

/**
 * The host's placement of an anchored action: the key between the anchor (`after`; null = the start) and the item
 * that follows it now, ignoring the key the actor computed. An anchor that is gone (deleted, moved to another list
 * meanwhile) leaves the actor's key as it is.
 */
export async function placeByAnchor(db: Db, boardId: string, a: DeckAction): Promise<DeckAction> {
  const p = placement(a);
  if (!p || !('after' in a) || a.after === undefined) return a;
  const items = (await ordered(db, boardId, p.listId)).filter((i) => i.id !== p.id);
  const at = a.after === null ? 0 : items.findIndex((i) => i.id === a.after) + 1;
  if (at === 0 && a.after !== null) return a;
  const position = keyBetween(items[at - 1]?.position ?? null, items[at]?.position ?? null);
  return { ...a, position };
}

/** After an action: the collection to renumber when the key it wrote is long (undefined: none). */
export function rebalanceAfter(a: DeckAction): string | null | undefined {
  const p = placement(a);
  if (!p || !('position' in a) || a.position === undefined) return undefined;
  return a.position.length > REBALANCE_AT ? p.listId : undefined;
}

/** Applies a `rebalance` event: the collection's items get evenly spaced keys in their current order. */
export async function applyRebalance(db: Db, boardId: string, listId: string | null): Promise<void> {
  const items = await ordered(db, boardId, listId);
  const keys = evenKeys(items.length);
  const table = listId === null ? 'deck_lists' : 'deck_cards';
  for (const [i, item] of items.entries())
    await db
      .updateTable(table)
      .set({ position: keys[i] })
      .where('board_id', '=', boardId)
      .where('id', '=', item.id)
      .execute();
}
