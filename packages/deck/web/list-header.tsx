import { useEffect, useRef, useState } from 'preact/hooks';
import { ConfirmDialog, Icon } from '#web-sdk';
import type { DeckAction, DeckList } from '../server/shared.ts';

const PENCIL = 'M4.5 19.5h4l10-10-4-4-10 10zM13 7l4 4';
const TRASH = 'M5 7h14M10 7V4.5h4V7M6.5 7l1 12.5h9l1-12.5M10 11v5.5M14 11v5.5';

/**
 * A list's heading with Rename and Delete: rename in place (Enter saves, Escape cancels), delete at once when the
 * list is empty, after a confirmation naming how many cards go with it when not.
 */
export function ListHeader(props: {
  list: DeckList;
  cards: number;
  canEdit: boolean;
  act: (a: DeckAction) => Promise<void>;
}) {
  const { list, cards, canEdit, act } = props;
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(list.title);
  const [confirming, setConfirming] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const stop = (focusBack = true) => {
    setEditing(false);
    setTitle(list.title);
    if (focusBack) requestAnimationFrame(() => renameButton.current?.focus());
  };
  const save = (e: Event) => {
    e.preventDefault();
    const t = title.trim();
    if (t && t !== list.title) void act({ type: 'list.update', listId: list.id, title: t });
    setEditing(false);
    requestAnimationFrame(() => renameButton.current?.focus());
  };
  // The list's own buttons go with it: keyboard focus moves on to the new-list field.
  const deleteList = () =>
    void act({ type: 'list.delete', listId: list.id }).then(() =>
      document.querySelector<HTMLElement>('.deck-new-list input')?.focus(),
    );
  const remove = () => {
    if (cards === 0) deleteList();
    else setConfirming(true);
  };

  if (editing)
    return (
      <form class="deck-list-rename" onSubmit={save}>
        <input
          ref={input}
          class="input"
          aria-label={`New name of the list ${list.title}`}
          value={title}
          maxLength={200}
          required
          onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              stop();
            }
          }}
        />
        <button class="btn btn-small btn-primary" type="submit">
          Save
        </button>
        <button class="btn btn-small" type="button" onClick={() => stop()}>
          Cancel
        </button>
      </form>
    );
  return (
    <div class="deck-list-head">
      <h2>
        {list.title} <span class="deck-count">{cards}</span>
      </h2>
      {canEdit && (
        <>
          <button
            ref={renameButton}
            type="button"
            class="btn btn-icon deck-list-action"
            aria-label={`Rename list ${list.title}`}
            title="Rename list"
            onClick={() => {
              setTitle(list.title);
              setEditing(true);
            }}
          >
            <Icon path={PENCIL} size={18} />
          </button>
          <button
            type="button"
            class="btn btn-icon deck-list-action"
            aria-label={`Delete list ${list.title}`}
            title="Delete list"
            onClick={remove}
          >
            <Icon path={TRASH} size={18} />
          </button>
        </>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Delete the list “${list.title}”?`}
        confirmLabel={`Delete list and ${cards} card${cards === 1 ? '' : 's'}`}
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          deleteList();
        }}
      >
        <p>
          The list holds {cards} card{cards === 1 ? '' : 's'}. {cards === 1 ? 'It is' : 'They are'} deleted with it, for
          everyone on the board, with {cards === 1 ? 'its' : 'their'} comments and attachments.
        </p>
      </ConfirmDialog>
    </div>
  );
}
