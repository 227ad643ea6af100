/** A small coloured label for a share's state (`pending`, `accepted`, ...). */
export function StatePill(props: { state: string; label?: string }) {
  return <span class={`pill pill-${props.state}`}>{props.label ?? props.state}</span>;
}
