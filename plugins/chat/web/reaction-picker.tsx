import { useState } from 'preact/hooks';
import { LazyEmojiPicker } from './emoji-picker-loader.tsx';

/** Reactions offered first on every message. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀', '🙏'];

/**
 * The reactions popover of a message: the quick ones and "+" for every emoji (searchable, recently used first). Opens
 * up or down (towards the room the history has), so it is never cut off.
 */
export function ReactionPicker(props: { direction: 'up' | 'down'; onPick: (key: string) => void }) {
  const [full, setFull] = useState(false);
  return (
    <span class={`chat-picker chat-picker-${props.direction}`} role="group" aria-label="Reactions">
      <span class="chat-picker-quick">
        {QUICK_REACTIONS.map((k) => (
          <button type="button" key={k} class="btn btn-small" aria-label={`React ${k}`} onClick={() => props.onPick(k)}>
            {k}
          </button>
        ))}
        <button
          type="button"
          class="btn btn-small"
          aria-label="More reactions"
          aria-expanded={full}
          onClick={() => setFull(!full)}
        >
          +
        </button>
      </span>
      {full && <LazyEmojiPicker label="Pick a reaction" onPick={props.onPick} />}
    </span>
  );
}
