/** Tree paths of the files UI: `/` is the user's root, `/Projects/2024` a folder inside it. */

/** Name of the virtual folder in which the files plugin shows folders and files others shared with the user. */
export const SHARED_FOLDER = 'Shared with me';

/** The tree path of route segments. */
export function pathOf(segments: readonly string[]): string {
  return `/${segments.filter(Boolean).join('/')}`;
}

/** Segments of a tree path. */
export function segmentsOf(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** A child's tree path. */
export function childPath(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

/** True inside the virtual "Shared with me" folder (the user does not own those items: no resharing). */
export function isShared(path: string): boolean {
  return segmentsOf(path)[0] === SHARED_FOLDER;
}

/** Why a name cannot be used for a file or folder, or null when it can. */
export function nameProblem(name: string): string | null {
  const n = name.trim();
  if (!n) return 'Enter a name.';
  if (n === '.' || n === '..') return 'That name is reserved.';
  if (/[/\\]/.test(n)) return 'A name cannot contain / or \\.';
  if (new TextEncoder().encode(n).length > 255) return 'That name is too long.';
  return null;
}
