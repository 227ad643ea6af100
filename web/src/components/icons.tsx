/**
 * Line icons for navigation and buttons: each is SVG path data in a 24×24 box, drawn with the current text colour
 * (stroke, no fill), so they follow light and dark themes. Drawn for Meshwork; plugins pass their own path data
 * as `WebPlugin.icon`.
 */
export const ICONS = {
  shares: 'M3.5 13.5h4.5l1.5 2.5h5l1.5-2.5h4.5M5.5 5.5h13l2 8v5h-17v-5z',
  contacts: 'M12 11.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM5 20c.6-3.6 3.4-5.8 7-5.8s6.4 2.2 7 5.8',
  folder: 'M3.5 6.5h6l2 2.2h9v10.8h-17z',
  chat: 'M4.5 5.5h15v10.5h-9l-6 4z',
  more: 'M5 12h.01M12 12h.01M19 12h.01',
  copy: 'M9 9h10.5v10.5H9zM15 9V4.5H4.5V15H9',
  logout: 'M10 4.5H4.5v15H10M15 8l4 4-4 4M19 12H9.5',
  plus: 'M12 5v14M5 12h14',
} as const;

/** An icon from path data (one of ICONS or a plugin's own); decorative, so hidden from assistive technology. */
export function Icon(props: { path: string; size?: number; class?: string }) {
  const s = props.size ?? 20;
  return (
    <svg
      class={`icon ${props.class ?? ''}`}
      width={s}
      height={s}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={props.path} />
    </svg>
  );
}
