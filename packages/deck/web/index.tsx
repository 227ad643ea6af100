// Deck's web part: the user's boards, and a board's stacks as columns. Imports the shell only through #web-sdk.
import { useEffect, useState } from 'preact/hooks';
import { describeError, hashHref, useApi, useToast, type PluginPageProps, type WebPlugin } from '#web-sdk';

interface Board {
  id: string;
  title: string;
  stacks: Array<{ id: string; title: string; cards: Array<{ id: string; title: string }> }>;
}

function BoardView({ id }: { id: string }) {
  const api = useApi();
  const toast = useToast();
  const [board, setBoard] = useState<Board | null>(null);
  const load = () => api.request<Board>('GET', `/deck/boards/${encodeURIComponent(id)}`).then(setBoard);
  useEffect(() => {
    load().catch((e: unknown) => toast.error(describeError(e)));
  }, [id]);
  if (!board) return <p>Loading…</p>;
  const add = async (stackId: string, form: HTMLFormElement) => {
    const title = String(new FormData(form).get('title') ?? '').trim();
    if (!title) return;
    try {
      await api.request('POST', `/deck/boards/${board.id}/cards`, { stackId, title });
      form.reset();
      await load();
    } catch (e) {
      toast.error(describeError(e));
    }
  };
  return (
    <>
      <h1>{board.title}</h1>
      <p>
        <a href={hashHref('deck')}>All boards</a>
      </p>
      <div style={{ display: 'flex', gap: '1rem', alignItems: 'flex-start', overflowX: 'auto' }}>
        {board.stacks.map((s) => (
          <section key={s.id} aria-label={s.title} style={{ minWidth: '14rem' }}>
            <h2>{s.title}</h2>
            <ul>
              {s.cards.map((c) => (
                <li key={c.id}>{c.title}</li>
              ))}
            </ul>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void add(s.id, e.currentTarget);
              }}
            >
              <label>
                New card in {s.title}
                <input name="title" maxLength={200} />
              </label>
              <button type="submit">Add card</button>
            </form>
          </section>
        ))}
      </div>
    </>
  );
}

function DeckPage({ path }: PluginPageProps) {
  const api = useApi();
  const toast = useToast();
  const [boards, setBoards] = useState<Array<{ id: string; title: string }> | null>(null);
  const reload = () => api.request<Array<{ id: string; title: string }>>('GET', '/deck/boards').then(setBoards);
  useEffect(() => {
    reload().catch(() => setBoards([]));
  }, [api]);
  if (path[0]) return <section class="page">{<BoardView id={path[0]} />}</section>;
  const create = async (form: HTMLFormElement) => {
    const title = String(new FormData(form).get('title') ?? '').trim();
    if (!title) return;
    try {
      await api.request('POST', '/deck/boards', { title });
      form.reset();
      await reload();
    } catch (e) {
      toast.error(describeError(e));
    }
  };
  return (
    <section class="page">
      <h1>Deck</h1>
      {boards === null ? (
        <p>Loading…</p>
      ) : boards.length === 0 ? (
        <p>No boards yet.</p>
      ) : (
        <ul>
          {boards.map((b) => (
            <li key={b.id}>
              <a href={hashHref('deck', b.id)}>{b.title}</a>
            </li>
          ))}
        </ul>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create(e.currentTarget);
        }}
      >
        <label>
          Board title
          <input name="title" maxLength={200} />
        </label>
        <button type="submit">New board</button>
      </form>
    </section>
  );
}

export const webPlugin: WebPlugin = { id: 'deck', title: 'Deck', route: 'deck', Page: DeckPage };
export default webPlugin;
