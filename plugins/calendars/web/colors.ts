/** Colours a user can pick for a calendar (each with at least 4.5:1 contrast to white text). */
export const CALENDAR_COLORS = [
  { value: '#2563cc', name: 'Blue' },
  { value: '#17784f', name: 'Green' },
  { value: '#c2410c', name: 'Orange' },
  { value: '#7a4fd6', name: 'Violet' },
  { value: '#be185d', name: 'Pink' },
  { value: '#0e7490', name: 'Teal' },
  { value: '#8f5606', name: 'Amber' },
  { value: '#475569', name: 'Slate' },
];

function channel(v: number): number {
  const c = v / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Relative luminance of `#rrggbb` (WCAG). */
function luminance(hex: string): number {
  const n = parseInt(hex.slice(1, 7), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** White or near-black text, whichever contrasts more with the colour. */
export function textOn(hex: string): string {
  const l = luminance(hex);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#111318';
}
