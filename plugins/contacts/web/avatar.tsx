/** Initials (or the photo) of a contact in a circle. */
export function Avatar(props: { name: string; photo?: string | null; large?: boolean }) {
  const initials =
    props.name
      .split(/\s+/)
      .filter((w) => /\p{L}|\p{N}/u.test(w[0] ?? ''))
      .slice(0, 2)
      .map((w) => w[0]!.toLocaleUpperCase())
      .join('') || '?';
  const cls = `avatar${props.large ? ' avatar-large' : ''}`;
  if (props.photo) return <img class={cls} src={props.photo} alt="" />;
  return (
    <span class={cls} aria-hidden="true">
      {initials}
    </span>
  );
}
