import { randomUUID } from 'node:crypto';
import type { FederationServer } from '#sdk/testing';
import { keyBetween } from '../server/positions.ts';
import type { BoardView, DeckAction } from '../server/shared.ts';

/** The board as a user sees it on a server. */
export async function view(s: FederationServer, user: string, boardId: string): Promise<BoardView> {
  const res = await s.api<BoardView>(user, 'GET', `/api/v1/deck/boards/${boardId}`);
  if (res.status !== 200) throw new Error(`view: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function act(s: FederationServer, user: string, boardId: string, action: DeckAction) {
  return s.api(user, 'POST', `/api/v1/deck/boards/${boardId}/actions`, { actionId: randomUUID(), action });
}

/** Card titles per list, in order: what the test compares across servers. */
export function layout(b: BoardView): Record<string, string[]> {
  return Object.fromEntries(
    b.lists.map((l) => [l.title, b.cards.filter((c) => c.listId === l.id).map((c) => c.title)]),
  );
}

/** The position key for a card placed at `index` of a list (as the web UI computes it). */
export function placeAt(b: BoardView, listId: string, index: number, moving?: string): string {
  const cards = b.cards.filter((c) => c.listId === listId && c.id !== moving);
  return keyBetween(cards[index - 1]?.position ?? null, cards[index]?.position ?? null);
}

export async function addCard(s: FederationServer, user: string, boardId: string, listTitle: string, title: string) {
  const b = await view(s, user, boardId);
  const list = b.lists.find((l) => l.title === listTitle)!;
  const res = await act(s, user, boardId, {
    type: 'card.create',
    cardId: randomUUID(),
    listId: list.id,
    title,
    position: placeAt(b, list.id, b.cards.filter((c) => c.listId === list.id).length),
  });
  if (res.status >= 300) throw new Error(`addCard: ${res.status} ${JSON.stringify(res.body)}`);
}
