import { hashHref } from '#web-sdk';
import { segmentsOf } from './files-paths.ts';

/** The path of the current folder as links, the last one marked as the current page. */
export function Breadcrumbs(props: { route: string; path: string }) {
  const segs = segmentsOf(props.path);
  return (
    <nav class="breadcrumbs" aria-label="Folder path">
      <ol>
        <li>
          {segs.length === 0 ? (
            <span aria-current="page">All files</span>
          ) : (
            <a href={hashHref(props.route)}>All files</a>
          )}
        </li>
        {segs.map((s, i) => (
          <li key={i}>
            {i === segs.length - 1 ? (
              <span aria-current="page">{s}</span>
            ) : (
              <a href={hashHref(props.route, ...segs.slice(0, i + 1))}>{s}</a>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
