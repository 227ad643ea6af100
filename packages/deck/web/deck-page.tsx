import { useEffect, useState } from 'preact/hooks';
import { describeError, hashHref, type PluginPageProps } from '#web-sdk';
import type { BoardSummary, BoardView } from '../server/shared.ts';
import { BoardPage } from './board-page.tsx';
import { adoptDeckStyles } from './styles.ts';

/** `#/deck` lists the user's boards; `#/deck/<id>` shows one. */
export function DeckPage(props: PluginPageProps) {
  adoptDeckStyles();
  const boardId = props.path[0];
  if (boardId) return <BoardPage {...props} boardId={boardId} />;
  return <BoardsList {...props} />;
}

function BoardsList({ api, toast, pluginSocket }: PluginPageProps) {
  const [boards, setBoards] = useState<BoardSummary[] | null>(null);
  const [title, setTitle] = useState('');
  const load = () =>
    api
      .request<BoardSummary[]>('GET', '/deck/boards')
      .then(setBoards)
      .catch((e) => toast.error(describeError(e)));
  useEffect(() => {
    void load();
    const socket = pluginSocket<{ boards: () => void }>('deck');
    socket.on('boards', () => void load());
    return () => void socket.disconnect();
  }, []);
  const create = async (e: Event) => {
    e.preventDefault();
    if (!title.trim()) return;
    try {
      const b = await api.request<BoardView>('POST', '/deck/boards', { title: title.trim() });
      setTitle('');
      toast.success(`Board “${b.title}” created.`);
      await load();
    } catch (err) {
      toast.error(describeError(err));
    }
  };
  return (
    <section class="page">
      <h1>Deck</h1>
      <form class="deck-add" onSubmit={create} aria-label="New board">
        <label class="deck-sr" for="deck-new-board">
          Board title
        </label>
        <input
          id="deck-new-board"
          class="input"
          placeholder="New board title"
          value={title}
          maxLength={200}
          onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
        />
        <button class="btn btn-primary" type="submit">
          New board
        </button>
      </form>
      {boards === null ? (
        <p class="deck-muted">Loading…</p>
      ) : boards.length === 0 ? (
        <p class="deck-muted">No boards yet. Create one, or accept a board someone shared with you.</p>
      ) : (
        <ul class="deck-boards">
          {boards.map((b) => (
            <li key={b.id}>
              <a href={hashHref('deck', b.id)}>
                <span>{b.title}</span>
                <span class="deck-muted">
                  {b.hostedHere && b.role === 'owner' ? 'Yours' : `Shared by ${b.owner}`} ·{' '}
                  {b.role === 'read' ? 'Can view' : 'Can edit'}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
