/** Reactions offered first on every message. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀', '🙏'];

/** The reactions popover of a message: opens up or down (towards the room the history has), never clipped. */
export function ReactionPicker(props: { direction: 'up' | 'down'; onPick: (key: string) => void }) {
  return (
    <span class={`chat-picker chat-picker-${props.direction}`} role="group" aria-label="Reactions">
      {QUICK_REACTIONS.map((k) => (
        <button type="button" key={k} class="btn btn-small" aria-label={`React ${k}`} onClick={() => props.onPick(k)}>
          {k}
        </button>
      ))}
    </span>
  );
}
