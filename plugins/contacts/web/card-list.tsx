import { VirtualList } from '#web-sdk';
import type { CardSummary } from './contacts-api.ts';
import { Avatar } from './avatar.tsx';

/** Whether a contact matches the search text (name, organisation, e-mails, phones, cloud address). */
export function matches(c: CardSummary, q: string): boolean {
  if (!q) return true;
  const hay = [c.name, c.org, c.cloud, ...c.emails, ...c.phones].join('\n').toLocaleLowerCase();
  return q
    .toLocaleLowerCase()
    .split(/\s+/)
    .every((w) => hay.includes(w));
}

/** The searchable, virtualised list of a book's contacts. */
export function CardList(props: {
  cards: CardSummary[] | null;
  query: string;
  onQuery: (q: string) => void;
  selected: string | null;
  onSelect: (id: string) => void;
  height: number;
}) {
  const shown = (props.cards ?? []).filter((c) => matches(c, props.query.trim()));
  return (
    <div class="card-list">
      <input
        type="search"
        class="card-search"
        placeholder="Search contacts"
        aria-label="Search contacts"
        value={props.query}
        onInput={(e) => props.onQuery(e.currentTarget.value)}
      />
      {props.cards === null ? (
        <p class="empty">Loading…</p>
      ) : shown.length === 0 ? (
        <p class="empty">{props.cards.length ? 'No contact matches your search.' : 'No contacts in this book yet.'}</p>
      ) : (
        <VirtualList
          items={shown}
          rowHeight={56}
          maxHeight={props.height}
          label="Contacts"
          getKey={(c) => c.id}
          renderRow={(c) => (
            <button
              type="button"
              class="card-row"
              aria-current={c.id === props.selected ? 'true' : undefined}
              onClick={() => props.onSelect(c.id)}
            >
              <Avatar name={c.name} />
              <span class="card-row-text">
                <span class="card-row-name">{c.name}</span>
                <span class="card-row-sub">{c.org || c.emails[0] || c.cloud || c.phones[0] || '\u00a0'}</span>
              </span>
            </button>
          )}
        />
      )}
      {props.cards !== null && props.cards.length > 0 && (
        <p class="card-count" aria-live="polite">
          {shown.length === props.cards.length
            ? `${props.cards.length} contact${props.cards.length === 1 ? '' : 's'}`
            : `${shown.length} of ${props.cards.length}`}
        </p>
      )}
    </div>
  );
}
