/** The Meshwork logo: three servers joined into a mesh. */
export function BrandMark(props: { size?: number }) {
  const s = props.size ?? 24;
  return (
    <svg class="brand-mark" width={s} height={s} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d="M6 6 L18 8 L10 18 Z"
        fill="none"
        stroke="currentColor"
        stroke-width="1.6"
        stroke-linejoin="round"
        opacity="0.55"
      />
      <circle cx="6" cy="6" r="3.4" fill="currentColor" />
      <circle cx="18" cy="8" r="3.4" fill="currentColor" />
      <circle cx="10" cy="18" r="3.4" fill="currentColor" />
    </svg>
  );
}
