/** Line icons of the files page (24×24, current colour), drawn decoratively: their buttons carry the words. */
const PATHS = {
  folder:
    'M3 6.5A1.5 1.5 0 0 1 4.5 5h4.2l2 2h8.8A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z',
  file: 'M6 3h8l4 4v14H6zM14 3v4h4',
  image: 'M4 5h16v14H4zM4 16l4.5-4.5 3.5 3.5 2.5-2.5L20 17M15.5 9.5a1.5 1.5 0 1 0 0-.01',
  pdf: 'M6 3h8l4 4v14H6zM14 3v4h4M8.5 15h7M8.5 18h5',
  text: 'M6 3h8l4 4v14H6zM14 3v4h4M9 11h6M9 14h6M9 17h4',
  people:
    'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3.5 19a5.5 5.5 0 0 1 11 0M16 11a2.5 2.5 0 1 0 0-5M17 19h3.5a4.5 4.5 0 0 0-4-4.47',
  more: 'M12 5.5v.01M12 12v.01M12 18.5v.01',
  upload: 'M12 16V4M7 9l5-5 5 5M4 15v4h16v-4',
  search: 'M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13zM15.5 15.5 20 20',
  close: 'M6 6l12 12M18 6 6 18',
  sortUp: 'M12 19V5M6 11l6-6 6 6',
  sortDown: 'M12 5v14M6 13l6 6 6-6',
} as const;

/** The name of an icon. */
export type FileIconName = keyof typeof PATHS;

/** One icon; `size` in CSS pixels. */
export function FileIcon(props: { name: FileIconName; size?: number; class?: string }) {
  const size = props.size ?? 20;
  const heavy = props.name === 'more';
  return (
    <svg
      class={`ficon ${props.class ?? ''}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width={heavy ? 3 : 1.6}
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[props.name]} />
    </svg>
  );
}

/** The icon of an entry by its media type. */
export function iconFor(isFolder: boolean, contentType: string | null): FileIconName {
  if (isFolder) return 'folder';
  if (contentType?.startsWith('image/')) return 'image';
  if (contentType === 'application/pdf') return 'pdf';
  if (contentType?.startsWith('text/') || contentType === 'application/json') return 'text';
  return 'file';
}
