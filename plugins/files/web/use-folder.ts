import { useCallback, useEffect, useState } from 'preact/hooks';
import type { DavClient } from './dav-client.ts';
import { DavRequestError } from './dav-client.ts';
import type { DavEntry } from './dav-multistatus.ts';

/** A folder listing as loaded from the server. */
export interface FolderState {
  folder: DavEntry | null;
  children: DavEntry[];
  loading: boolean;
  error: string | null;
  notFound: boolean;
  reload(): void;
}

/** Lists a folder with PROPFIND and reloads it on demand; a stale answer for another path is ignored. */
export function useFolder(dav: DavClient, path: string): FolderState {
  const [version, setVersion] = useState(0);
  const [state, setState] = useState<Omit<FolderState, 'reload'>>({
    folder: null,
    children: [],
    loading: true,
    error: null,
    notFound: false,
  });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    dav.list(path).then(
      ({ folder, children }) => live && setState({ folder, children, loading: false, error: null, notFound: false }),
      (err: Error) =>
        live &&
        setState({
          folder: null,
          children: [],
          loading: false,
          error: err.message,
          notFound: err instanceof DavRequestError && err.status === 404,
        }),
    );
    return () => {
      live = false;
    };
  }, [dav, path, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { ...state, reload };
}
