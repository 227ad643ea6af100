import { useState } from 'preact/hooks';
import { ModalDialog, hashHref } from '#web-sdk';
import { PEOPLE_SEGMENT } from './people-route.ts';
import type { BookInfo } from './contacts-api.ts';

/** The address books in the side list, with a link to the federated contacts and invites page. */
export function BookList(props: {
  books: BookInfo[];
  selected: string | null;
  onSelect: (id: string) => void;
  onNew: () => void;
  onRename: (() => void) | null;
  onDelete: (() => void) | null;
  /** Shares the chosen book (own books only). */
  onShare: (() => void) | null;
  /** Phones: a drop-down instead of the list. */
  compact: boolean;
}) {
  const tools = (
    <div class="book-tools">
      <button type="button" class="btn btn-small" onClick={props.onNew}>
        New address book
      </button>
      {props.onRename && (
        <button type="button" class="btn btn-small" onClick={props.onRename}>
          Rename
        </button>
      )}
      {props.onShare && (
        <button type="button" class="btn btn-small" onClick={props.onShare}>
          Share…
        </button>
      )}
      {props.onDelete && (
        <button type="button" class="btn btn-small" onClick={props.onDelete}>
          Delete
        </button>
      )}
    </div>
  );
  // Pointing at Federated contacts, except from there (where adding people and invites are).
  const onFederated = props.books.some((b) => b.id === props.selected && b.kind === 'federated');
  const hint = !onFederated && (
    <p class="hint book-hint">
      People on other servers, adding them and invites:{' '}
      <a href={hashHref('addressbook', PEOPLE_SEGMENT)}>Federated contacts</a>
    </p>
  );
  if (props.compact)
    return (
      <nav class="book-list book-list-compact" aria-label="Address books">
        <label class="field">
          <span>Address book</span>
          <select value={props.selected ?? ''} onChange={(e) => props.onSelect(e.currentTarget.value)}>
            {props.books.map((b) => (
              <option key={b.id} value={b.id}>
                {b.readOnly ? `${b.name} (read-only)` : b.name}
              </option>
            ))}
          </select>
        </label>
        {tools}
        {hint}
      </nav>
    );
  return (
    <nav class="book-list" aria-label="Address books">
      <h2 class="book-list-title">Address books</h2>
      <ul>
        {props.books.map((b) => (
          <li key={b.id}>
            <button
              type="button"
              class="book-item"
              aria-current={b.id === props.selected ? 'true' : undefined}
              onClick={() => props.onSelect(b.id)}
            >
              <span class="book-name">{b.name}</span>
              {b.readOnly && <span class="book-tag">read-only</span>}
            </button>
          </li>
        ))}
      </ul>
      {tools}
      {hint}
    </nav>
  );
}

/** Name of a new address book, or the new name of one. */
export function BookDialog(props: {
  book: BookInfo | null;
  onSave: (name: string) => Promise<void>;
  onClose: () => void;
}) {
  const [name, setName] = useState(props.book?.name ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await props.onSave(name.trim());
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <ModalDialog open title={props.book ? 'Rename address book' : 'New address book'} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <label class="field">
          <span>Name</span>
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={100} required autoFocus />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="modal-actions">
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy || !name.trim()}>
            {props.book ? 'Rename' : 'Create'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
