import { useEffect, useState } from 'preact/hooks';
import { hashHref, type ApiClient } from '#web-sdk';
import { FileIcon, iconFor } from './file-icons.tsx';
import { segmentsOf } from './files-paths.ts';

/** One hit of the server-side name search. */
interface SearchHit {
  path: string;
  name: string;
  isFolder: boolean;
  size: number | null;
  modified: number;
}

/**
 * Matches elsewhere in the user's own tree (`GET /api/v1/files/search`), asked for once the user stops typing;
 * items of the current folder are left out (the list above already shows them).
 */
export function SearchResults(props: { api: ApiClient; query: string; folder: string }) {
  const q = props.query.trim();
  const [hits, setHits] = useState<{ q: string; results: SearchHit[]; complete: boolean } | null>(null);
  useEffect(() => {
    if (q.length < 2) return setHits(null);
    let live = true;
    const t = window.setTimeout(() => {
      props.api
        .request<{ results: SearchHit[]; complete: boolean }>(
          'GET',
          `/files/search?q=${encodeURIComponent(q)}&limit=50`,
        )
        .then(
          (r) => live && setHits({ q, ...r }),
          () => live && setHits({ q, results: [], complete: true }),
        );
    }, 300);
    return () => {
      live = false;
      window.clearTimeout(t);
    };
  }, [q, props.api]);
  if (!hits || hits.q !== q)
    return q.length >= 2 ? <p class="hint search-elsewhere">Searching all your files…</p> : null;
  const parentOf = (p: string) => `/${segmentsOf(p).slice(0, -1).join('/')}`;
  const elsewhere = hits.results.filter((h) => parentOf(h.path) !== props.folder);
  return (
    <section class="panel search-results" aria-labelledby="search-results-heading">
      <h2 id="search-results-heading">Elsewhere in your files</h2>
      {elsewhere.length === 0 ? (
        <p class="hint">No other file or folder is named like “{q}”.</p>
      ) : (
        <ul>
          {elsewhere.map((h) => {
            const segs = segmentsOf(h.path);
            const href = h.isFolder ? hashHref('files', ...segs) : hashHref('files', ...segs.slice(0, -1));
            return (
              <li key={h.path}>
                <FileIcon name={iconFor(h.isFolder, null)} size={18} />
                <a href={href}>{h.name}</a>
                <span class="hint">in {segs.length > 1 ? segs.slice(0, -1).join(' / ') : 'All files'}</span>
              </li>
            );
          })}
        </ul>
      )}
      {!hits.complete && <p class="hint">Showing the first matches; type more to narrow the search.</p>}
    </section>
  );
}
