/** A small coloured label for a share's state (`pending`, `accepted`, ...); the label defaults to the state, capitalised. */
export function StatePill(props: { state: string; label?: string }) {
  return (
    <span class={`pill pill-${props.state}`}>
      {props.label ?? props.state.charAt(0).toUpperCase() + props.state.slice(1)}
    </span>
  );
}
