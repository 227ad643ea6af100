import { useState } from 'preact/hooks';
import { describeError } from '#web-sdk';
import type { TimelineItem } from '../shared.ts';
import type { ChatApi } from './chat-api.ts';
import { FormattedText } from './format-text.tsx';

/** Searches the room's whole history (on this server's copy) and lists what matches, newest first. */
export function RoomSearch(props: { chat: ChatApi; roomId: string; name: (address: string) => string }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<TimelineItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = async (e: Event) => {
    e.preventDefault();
    if (!q.trim()) return setHits(null);
    try {
      setHits((await props.chat.search(props.roomId, q.trim())).items);
      setError(null);
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <div class="chat-search">
      <form role="search" onSubmit={search}>
        <label class="visually-hidden" for="chat-search">
          Search this room
        </label>
        <input
          id="chat-search"
          type="search"
          placeholder="Search this room"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
      </form>
      {(hits || error) && (
        <div class="chat-search-results card" data-testid="search-results">
          <div class="panel-heading">
            <strong>{error ?? `${hits?.length ?? 0} found`}</strong>
            <button type="button" class="btn btn-icon" aria-label="Close search" onClick={() => setHits(null)}>
              ×
            </button>
          </div>
          <ol>
            {(hits ?? []).map((h) => (
              <li key={h.eventId}>
                <span class="chat-msg-sender">{props.name(h.sender)}</span>{' '}
                <time>{new Date(h.ts).toLocaleString()}</time>
                <br />
                {h.message && <FormattedText text={h.message.text} mentions={h.message.mentions} me="" />}
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
