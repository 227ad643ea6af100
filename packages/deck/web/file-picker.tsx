import { useEffect, useState } from 'preact/hooks';
import { ModalDialog, useApi, useUser } from '#web-sdk';

/** One entry of a folder listing. */
export interface PickedFile {
  /** Path in the user's tree, e.g. `/Projects/plan.pdf` or `/Shared with me/Team/notes.txt`. */
  path: string;
  name: string;
  isFolder: boolean;
  size: number | null;
}

const DAV = 'DAV:';
const seg = (p: string) => p.split('/').map(encodeURIComponent).join('/');
const BODY =
  '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/></d:prop></d:propfind>';

/** The user's file URL on this server (`/dav/files/<user>/<path>`). */
export function fileUrl(userId: string, path: string): string {
  return `/dav/files/${encodeURIComponent(userId)}${seg(path)}`;
}

/** Lists a folder of the user's tree (WebDAV PROPFIND, depth 1): folders first, then files, by name. */
async function listFolder(headers: Record<string, string>, userId: string, path: string): Promise<PickedFile[]> {
  const url = fileUrl(userId, path.endsWith('/') ? path : `${path}/`);
  const res = await fetch(url, {
    method: 'PROPFIND',
    headers: { ...headers, depth: '1', 'content-type': 'application/xml' },
    body: BODY,
  });
  if (res.status !== 207) throw new Error(`the folder could not be listed (${res.status})`);
  const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
  const base = new URL(url, location.origin).pathname.replace(/\/$/, '');
  const out: PickedFile[] = [];
  for (const r of Array.from(doc.getElementsByTagNameNS(DAV, 'response'))) {
    const href = r.getElementsByTagNameNS(DAV, 'href')[0]?.textContent ?? '';
    const pathname = new URL(href, location.origin).pathname.replace(/\/$/, '');
    if (pathname === base || !pathname.startsWith(`${base}/`)) continue;
    const name = decodeURIComponent(pathname.slice(base.length + 1));
    const isFolder = r.getElementsByTagNameNS(DAV, 'collection').length > 0;
    const len = Number(r.getElementsByTagNameNS(DAV, 'getcontentlength')[0]?.textContent ?? NaN);
    out.push({ path: `${path === '/' ? '' : path}/${name}`, name, isFolder, size: Number.isFinite(len) ? len : null });
  }
  return out.sort((x, y) => Number(y.isFolder) - Number(x.isFolder) || x.name.localeCompare(y.name));
}

/** A dialog to pick one file from the user's Files (their own folders and `Shared with me`). */
export function FilePicker(props: { open: boolean; onPick: (f: PickedFile) => void; onClose: () => void }) {
  const api = useApi();
  const user = useUser();
  const [path, setPath] = useState('/');
  const [items, setItems] = useState<PickedFile[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!props.open) return;
    let live = true;
    setItems(null);
    setError('');
    listFolder(api.authHeaders(), user.id, path)
      .then((list) => live && setItems(list))
      .catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [path, props.open]);
  const parts = path.split('/').filter(Boolean);
  return (
    <ModalDialog open={props.open} title="Attach a file from Files" onClose={props.onClose}>
      <nav class="deck-crumbs" aria-label="Folder">
        <button type="button" class="btn btn-link" onClick={() => setPath('/')} aria-current={parts.length === 0}>
          Files
        </button>
        {parts.map((p, i) => (
          <span key={i} class="deck-crumb">
            <span aria-hidden="true">/</span>
            <button
              type="button"
              class="btn btn-link"
              aria-current={i === parts.length - 1}
              onClick={() => setPath(`/${parts.slice(0, i + 1).join('/')}`)}
            >
              {p}
            </button>
          </span>
        ))}
      </nav>
      {error && <p role="alert">{error}</p>}
      {!items && !error && <p class="deck-muted">Loading…</p>}
      {items && items.length === 0 && <p class="deck-muted">This folder is empty.</p>}
      {items && items.length > 0 && (
        <ul class="deck-picker" aria-label="Files and folders">
          {items.map((f) => (
            <li key={f.path}>
              <button
                type="button"
                class="deck-picker-item"
                onClick={() => (f.isFolder ? setPath(f.path) : props.onPick(f))}
              >
                <span aria-hidden="true">{f.isFolder ? '📁' : '📄'}</span>
                <span class="deck-picker-name">{f.name}</span>
                <span class="deck-muted">{f.isFolder ? 'Folder' : formatSize(f.size ?? 0)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </ModalDialog>
  );
}

/** `12 KB`, `3.4 MB`. */
export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
