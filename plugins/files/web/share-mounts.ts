import type { IncomingShareView } from '#web-sdk';

/**
 * The names accepted file/folder shares get inside "Shared with me", computed as the files plugin does
 * (plugins/files/share-mounts.ts): cleaned share name, oldest share first, " (2)" on a clash.
 */
export function mountNames(shares: readonly IncomingShareView[], now = Date.now()): Map<string, IncomingShareView> {
  const mounts = shares
    .filter((s) => s.state === 'accepted' && (s.resourceType === 'file' || s.resourceType === 'folder'))
    .filter((s) => s.expiration === null || s.expiration > now)
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const out = new Map<string, IncomingShareView>();
  const used = new Set<string>();
  for (const s of mounts) {
    const isFile = s.resourceType === 'file';
    const base = cleanName(s.name) || (isFile ? 'shared file' : 'shared folder');
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = withSuffix(base, n, isFile);
    used.add(name.toLowerCase());
    out.set(name, s);
  }
  return out;
}

/** A share name as a safe single path segment. */
export function cleanName(raw: string): string {
  const name = raw
    .replace(/[/\\\0]/g, '_')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
    .replace(/[\u0000-\u001f]/g, '')
    .trim();
  return name === '.' || name === '..' ? '' : name;
}

function withSuffix(name: string, n: number, isFile: boolean): string {
  const dot = isFile ? name.lastIndexOf('.') : -1;
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}
