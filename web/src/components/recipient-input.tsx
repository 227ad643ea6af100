import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import type { Person } from '../api/types.ts';

/** Wait after the last keystroke before asking the server. */
const DEBOUNCE_MS = 150;

/**
 * The recipient field of share dialogs: type an address (`name@server`) or part of a name, e-mail or address, and
 * people from the user's contacts and address books are suggested (`GET /api/v1/people`); picking one fills in
 * their OCM address. An ARIA combobox: arrows move through the suggestions, Enter picks, Escape closes.
 */
export function RecipientInput(props: {
  id: string;
  api: ApiClient;
  value: string;
  onChange: (address: string) => void;
  placeholder?: string;
  describedBy?: string;
  autoFocus?: boolean;
  /** Several recipients separated by commas: suggestions are for the one being typed, a pick replaces it. */
  multiple?: boolean;
}) {
  const [people, setPeople] = useState<Person[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const asked = useRef(0);
  const start = props.multiple ? props.value.lastIndexOf(',') + 1 : 0;
  const query = props.value.slice(start).trim();

  useEffect(() => {
    const n = ++asked.current;
    if (query.length < 2) {
      setPeople([]);
      return;
    }
    const t = setTimeout(() => {
      props.api.people(query).then(
        (found) => {
          if (n !== asked.current) return;
          // Only people with an OCM address can be shared with; an exact match needs no suggestion.
          setPeople(found.filter((p) => p.address && p.address !== query));
          setActive(-1);
        },
        () => n === asked.current && setPeople([]),
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [query, props.api]);

  const shown = open && people.length > 0;
  const listId = `${props.id}-suggestions`;
  const pick = (p: Person) => {
    const before = props.value.slice(0, start);
    props.onChange(`${before}${before ? ' ' : ''}${p.address ?? ''}`);
    setOpen(false);
    setPeople([]);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (!shown) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      // -1 is the field itself; the suggestions follow it in a cycle.
      setActive((i) => ((i + 1 + step + people.length + 1) % (people.length + 1)) - 1);
    } else if (e.key === 'Enter' && active >= 0 && active < people.length) {
      e.preventDefault();
      pick(people[active] as Person);
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      setOpen(false);
    }
  };

  return (
    <div class="recipient-input">
      <input
        id={props.id}
        type="text"
        inputMode="email"
        autocomplete="off"
        spellcheck={false}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={shown ? listId : undefined}
        aria-activedescendant={shown && active >= 0 ? `${listId}-${active}` : undefined}
        placeholder={props.placeholder}
        value={props.value}
        onInput={(e) => {
          props.onChange(e.currentTarget.value);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        autoFocus={props.autoFocus}
        aria-describedby={props.describedBy}
      />
      {shown && (
        <ul id={listId} role="listbox" class="recipient-suggestions" aria-label="Suggested people">
          {people.map((p, i) => (
            <li
              key={p.address}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              data-testid="recipient-suggestion"
              onMouseDown={(e) => {
                e.preventDefault();
                pick(p);
              }}
            >
              <span class="recipient-name">{p.displayName ?? p.address}</span>
              <span class="recipient-address">{p.address}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
