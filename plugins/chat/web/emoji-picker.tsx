import { useMemo, useState } from 'preact/hooks';
import data from 'emojibase-data/en/compact.json';
import messages from 'emojibase-data/en/messages.json';

const RECENT_KEY = 'meshwork.chat.recent-emoji';
const RECENT_MAX = 16;
// Skin-tone and hair components are parts of other emoji, not emoji to pick.
const COMPONENTS_GROUP = 2;

interface Emoji {
  unicode: string;
  label: string;
  tags?: string[];
  group?: number;
  order?: number;
}

const ALL = (data as Emoji[])
  .filter((e) => e.group !== undefined && e.group !== COMPONENTS_GROUP)
  .sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
const GROUPS = messages.groups.filter((g) => g.order !== COMPONENTS_GROUP);

/** The emoji the user picked last, newest first (this browser only). */
export function recentEmoji(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((e): e is string => typeof e === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

function remember(unicode: string): void {
  try {
    const list = [unicode, ...recentEmoji().filter((e) => e !== unicode)].slice(0, RECENT_MAX);
    localStorage.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    /* storage unavailable: nothing to remember */
  }
}

const byUnicode = new Map(ALL.map((e) => [e.unicode, e]));

function EmojiButton(props: { emoji: Emoji; onPick: (unicode: string) => void }) {
  return (
    <button
      type="button"
      class="chat-emoji"
      title={props.emoji.label}
      aria-label={props.emoji.label}
      onClick={() => props.onPick(props.emoji.unicode)}
    >
      {props.emoji.unicode}
    </button>
  );
}

/** The full emoji picker: a search over names and tags, the recently used ones, then every group (Unicode order). */
export function EmojiPicker(props: { label: string; onPick: (unicode: string) => void }) {
  const [q, setQ] = useState('');
  const [recent] = useState(recentEmoji);
  const pick = (unicode: string) => {
    remember(unicode);
    props.onPick(unicode);
  };
  const query = q.trim().toLowerCase();
  const found = useMemo(
    () =>
      query
        ? ALL.filter((e) => e.label.toLowerCase().includes(query) || e.tags?.some((t) => t.startsWith(query))).slice(
            0,
            120,
          )
        : null,
    [query],
  );
  const recentList = recent.map((u) => byUnicode.get(u)).filter((e): e is Emoji => e !== undefined);
  return (
    <div class="chat-emoji-picker card" role="dialog" aria-label={props.label} data-testid="emoji-picker">
      <label class="visually-hidden" for="chat-emoji-search">
        Search emoji
      </label>
      <input
        id="chat-emoji-search"
        type="search"
        placeholder="Search emoji"
        autoFocus
        autocomplete="off"
        value={q}
        onInput={(e) => setQ(e.currentTarget.value)}
      />
      <div class="chat-emoji-scroll">
        {found ? (
          <section aria-label="Search results">
            {found.length === 0 && <p class="empty">No emoji called “{q.trim()}”.</p>}
            <div class="chat-emoji-grid">
              {found.map((e) => (
                <EmojiButton key={e.unicode} emoji={e} onPick={pick} />
              ))}
            </div>
          </section>
        ) : (
          <>
            {recentList.length > 0 && (
              <section aria-label="Recently used">
                <h4>Recently used</h4>
                <div class="chat-emoji-grid">
                  {recentList.map((e) => (
                    <EmojiButton key={e.unicode} emoji={e} onPick={pick} />
                  ))}
                </div>
              </section>
            )}
            {GROUPS.map((g) => (
              <section key={g.key} aria-label={g.message} class="chat-emoji-group">
                <h4>{g.message}</h4>
                <div class="chat-emoji-grid">
                  {ALL.filter((e) => e.group === g.order).map((e) => (
                    <EmojiButton key={e.unicode} emoji={e} onPick={pick} />
                  ))}
                </div>
              </section>
            ))}
          </>
        )}
      </div>
    </div>
  );
}
