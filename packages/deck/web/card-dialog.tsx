import { useEffect, useState } from 'preact/hooks';
import { ModalDialog, timeAgo } from '#web-sdk';
import type { BoardView, DeckAction, DeckCard } from '../server/shared.ts';
import { CardAttachments } from './card-attachments.tsx';

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** A card's details: title, description, labels, due date, assignees, comments; delete. */
export function CardDialog(props: {
  card: DeckCard | null;
  board: BoardView;
  canEdit: boolean;
  onClose: () => void;
  act: (a: DeckAction) => Promise<void>;
  reload: () => void;
}) {
  const { card, canEdit, act } = props;
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [labels, setLabels] = useState('');
  const [assignees, setAssignees] = useState('');
  const [due, setDue] = useState('');
  const [comment, setComment] = useState('');
  useEffect(() => {
    if (!card) return;
    setTitle(card.title);
    setDescription(card.description);
    setLabels(card.labels.join(', '));
    setAssignees(card.assignees.join(', '));
    setDue(card.due ?? '');
  }, [card?.id]);
  if (!card) return <ModalDialog open={false} title="Card" onClose={props.onClose} children={null} />;
  const save = async (e: Event) => {
    e.preventDefault();
    await act({
      type: 'card.update',
      cardId: card.id,
      ...(title.trim() ? { title: title.trim() } : {}),
      description,
      labels: list(labels),
      assignees: list(assignees),
      due: due || null,
    });
    props.onClose();
  };
  return (
    <ModalDialog open title={card.title} onClose={props.onClose}>
      <form class="deck-form" onSubmit={save}>
        <label>
          Title
          <input
            class="input"
            value={title}
            disabled={!canEdit}
            maxLength={200}
            onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Description
          <textarea
            class="input"
            rows={4}
            value={description}
            disabled={!canEdit}
            onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)}
          />
        </label>
        <label>
          Labels (comma-separated)
          <input
            class="input"
            value={labels}
            disabled={!canEdit}
            onInput={(e) => setLabels((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Assignees (comma-separated, e.g. bob@cloud.example.org)
          <input
            class="input"
            value={assignees}
            disabled={!canEdit}
            onInput={(e) => setAssignees((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Due date
          <input
            class="input"
            type="date"
            value={due}
            disabled={!canEdit}
            onInput={(e) => setDue((e.target as HTMLInputElement).value)}
          />
        </label>
        {canEdit && (
          <div class="deck-toolbar">
            <button class="btn btn-primary" type="submit">
              Save
            </button>
            <button
              class="btn btn-danger"
              type="button"
              onClick={() => void act({ type: 'card.delete', cardId: card.id }).then(props.onClose)}
            >
              Delete card
            </button>
          </div>
        )}
      </form>
      <CardAttachments board={props.board} card={card} canEdit={canEdit} reload={props.reload} />
      <h3>Comments</h3>
      <ul class="deck-comments">
        {card.comments.map((c) => (
          <li key={c.id}>
            <strong>{c.author}</strong> <span class="deck-muted">{timeAgo(c.at)}</span>
            <div>{c.text}</div>
          </li>
        ))}
      </ul>
      {canEdit && (
        <form
          class="deck-add"
          onSubmit={(e) => {
            e.preventDefault();
            if (!comment.trim()) return;
            void act({ type: 'comment.add', commentId: crypto.randomUUID(), cardId: card.id, text: comment.trim() });
            setComment('');
          }}
        >
          <input
            class="input"
            aria-label="New comment"
            placeholder="Write a comment"
            value={comment}
            maxLength={4000}
            onInput={(e) => setComment((e.target as HTMLInputElement).value)}
          />
          <button class="btn" type="submit">
            Comment
          </button>
        </form>
      )}
    </ModalDialog>
  );
}
