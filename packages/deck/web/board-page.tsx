import { useEffect, useRef, useState } from 'preact/hooks';
import { ShareDialog, VIEW_EDIT, describeError, hashHref, type PluginPageProps } from '#web-sdk';
import { keyBetween } from '../server/positions.ts';
import type { BoardView, DeckAction, DeckCard, DeckClientToServer, DeckServerToClient } from '../server/shared.ts';
import { CardDialog } from './card-dialog.tsx';
import { ListHeader } from './list-header.tsx';
import { usePointerDrag } from './use-pointer-drag.ts';

const newId = () => crypto.randomUUID();

/**
 * The place of a card put at `index` among a list's cards (without the moving card): its key as this page sees the
 * board, and the card it follows (`after`), from which the host computes the key it stores.
 */
function placeAt(b: BoardView, listId: string, index: number, moving?: string) {
  const cards = b.cards.filter((c) => c.listId === listId && c.id !== moving);
  const position = keyBetween(cards[index - 1]?.position ?? null, cards[index]?.position ?? null);
  return { position, after: cards[index - 1]?.id ?? null };
}

/** One board: lists as columns, cards dragged (pointer) or moved with Alt+arrow keys; live over the /deck socket. */
export function BoardPage(props: PluginPageProps & { boardId: string }) {
  const { api, toast, pluginSocket, boardId } = props;
  const [board, setBoard] = useState<BoardView | null>(null);
  const [missing, setMissing] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [sharing, setSharing] = useState(false);
  const [status, setStatus] = useState('');
  const boardRef = useRef<BoardView | null>(null);
  boardRef.current = board;

  const load = () =>
    api
      .request<BoardView>('GET', `/deck/boards/${encodeURIComponent(boardId)}`)
      .then((b) => setBoard(b))
      .catch(() => setMissing(true));

  useEffect(() => {
    void load();
    const socket = pluginSocket<DeckServerToClient, DeckClientToServer>('deck');
    const watch = () => socket.emit('watch', boardId, () => {});
    socket.on('connect', () => {
      watch();
      void load();
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    socket.on('event', (e) => {
      if (e.boardId !== boardId) return;
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 30);
    });
    socket.on('refused', (f) => {
      if (f.boardId === boardId) toast.error(f.message);
      void load();
    });
    return () => {
      clearTimeout(timer);
      socket.disconnect();
    };
  }, [boardId]);

  const act = async (action: DeckAction) => {
    try {
      await api.request('POST', `/deck/boards/${encodeURIComponent(boardId)}/actions`, { actionId: newId(), action });
      await load();
    } catch (err) {
      toast.error(describeError(err));
    }
  };

  const move = (card: DeckCard, listId: string, index: number) => {
    const b = boardRef.current;
    if (!b) return;
    const place = placeAt(b, listId, index, card.id);
    // Optimistic: show the move at once; the server's order replaces it.
    setBoard({ ...b, cards: b.cards.map((c) => (c.id === card.id ? { ...c, listId, position: place.position } : c)) });
    const list = b.lists.find((l) => l.id === listId);
    setStatus(`Moved “${card.title}” to ${list?.title ?? 'list'}, position ${index + 1}.`);
    void act({ type: 'card.move', cardId: card.id, listId, ...place });
  };

  const drag = usePointerDrag((cardId, listId, index) => {
    const card = boardRef.current?.cards.find((c) => c.id === cardId);
    if (card) move(card, listId, index);
  });

  if (missing)
    return (
      <section class="page">
        <h1>Board not found</h1>
        <p>
          It may have been unshared. <a href={hashHref('deck')}>All boards</a>
        </p>
      </section>
    );
  if (!board) return <section class="page deck-muted">Loading…</section>;
  const canEdit = board.role !== 'read';

  const onKey = (e: KeyboardEvent, card: DeckCard) => {
    if (!e.altKey || !canEdit) return;
    const lists = board.lists;
    const li = lists.findIndex((l) => l.id === card.listId);
    const inList = board.cards.filter((c) => c.listId === card.listId);
    const i = inList.findIndex((c) => c.id === card.id);
    let target: [string, number] | null = null;
    if (e.key === 'ArrowUp' && i > 0) target = [card.listId, i - 1];
    if (e.key === 'ArrowDown' && i < inList.length - 1) target = [card.listId, i + 1];
    if (e.key === 'ArrowLeft' && li > 0) target = [lists[li - 1]!.id, 0];
    if (e.key === 'ArrowRight' && li < lists.length - 1) target = [lists[li + 1]!.id, 0];
    if (!target) return;
    e.preventDefault();
    move(card, target[0], target[1]);
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-card-id="${card.id}"]`)?.focus());
  };

  const addList = (title: string) => {
    const last = board.lists.at(-1);
    void act({
      type: 'list.create',
      listId: newId(),
      title,
      position: keyBetween(last?.position ?? null, null),
      after: last?.id ?? null,
    });
  };

  const openCard = board.cards.find((c) => c.id === open) ?? null;
  return (
    <section class="page deck-board">
      <div class="deck-toolbar">
        <h1>{board.title}</h1>
        <span class="deck-muted">
          {board.hostedHere ? '' : `Hosted by ${board.host} · `}
          {canEdit ? 'Can edit' : 'Can view'}
        </span>
        <a class="btn" href={hashHref('deck')}>
          All boards
        </a>
        {board.role === 'owner' && (
          <button type="button" class="btn btn-primary" onClick={() => setSharing(true)}>
            Share
          </button>
        )}
      </div>
      <p class="deck-sr" aria-live="polite">
        {status}
      </p>
      {canEdit && (
        <p class="deck-muted">Drag cards between lists, or focus a card and press Alt with an arrow key to move it.</p>
      )}
      <div class="deck-columns">
        {board.lists.map((list) => (
          <section class="deck-column" key={list.id} data-list-id={list.id} aria-label={list.title}>
            <ListHeader
              list={list}
              cards={board.cards.filter((c) => c.listId === list.id).length}
              canEdit={canEdit}
              act={act}
            />
            <ul class="deck-cards">
              {board.cards
                .filter((c) => c.listId === list.id)
                .map((card) => (
                  <li key={card.id}>
                    <button
                      type="button"
                      class="deck-card"
                      data-card-id={card.id}
                      aria-roledescription="card"
                      onPointerDown={canEdit ? (e) => drag.start(e, card.id) : undefined}
                      onClick={() => !drag.wasDragging() && setOpen(card.id)}
                      onKeyDown={(e) => onKey(e, card)}
                    >
                      <span>{card.title}</span>
                      {(card.labels.length > 0 || card.due || card.comments.length > 0) && (
                        <span class="deck-labels">
                          {card.labels.map((l) => (
                            <span class="deck-label" key={l}>
                              {l}
                            </span>
                          ))}
                          {card.due && <span class="deck-muted">Due {card.due}</span>}
                          {card.comments.length > 0 && <span class="deck-muted">{card.comments.length} 💬</span>}
                        </span>
                      )}
                    </button>
                  </li>
                ))}
            </ul>
            {canEdit && (
              <AddForm
                label={`New card in ${list.title}`}
                placeholder="Add a card"
                button="Add card"
                onAdd={(title) =>
                  act({
                    type: 'card.create',
                    cardId: newId(),
                    listId: list.id,
                    title,
                    ...placeAt(board, list.id, board.cards.filter((c) => c.listId === list.id).length),
                  })
                }
              />
            )}
          </section>
        ))}
        {canEdit && (
          <section class="deck-column deck-new-list" aria-label="New list">
            <AddForm label="Name of a new list" placeholder="Add a list" button="Add list" onAdd={addList} />
          </section>
        )}
      </div>
      <CardDialog
        card={openCard}
        board={board}
        canEdit={canEdit}
        onClose={() => setOpen(null)}
        act={act}
        reload={() => void load()}
      />
      {sharing && (
        <ShareDialog
          resourceType="deck-board"
          resourceId={board.id}
          name={board.title}
          choices={VIEW_EDIT}
          onClose={() => setSharing(false)}
        />
      )}
    </section>
  );
}

/** A one-line form adding a card or a list. */
function AddForm(props: { label: string; placeholder: string; button: string; onAdd: (title: string) => void }) {
  const [title, setTitle] = useState('');
  return (
    <form
      class="deck-add"
      onSubmit={(e) => {
        e.preventDefault();
        if (title.trim()) props.onAdd(title.trim());
        setTitle('');
      }}
    >
      <input
        class="input"
        aria-label={props.label}
        placeholder={props.placeholder}
        maxLength={200}
        value={title}
        onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
      />
      <button class="btn" type="submit">
        {props.button}
      </button>
    </form>
  );
}
