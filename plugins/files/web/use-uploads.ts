import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Toaster } from '#web-sdk';
import type { DavClient, UploadHandle } from './dav-client.ts';
import type { TreeFile } from './folder-upload.ts';

/** One file being uploaded. */
export interface UploadItem {
  id: number;
  name: string;
  /** Folder (tree path) the upload was started in; `name` may hold subfolders below it. */
  folder: string;
  loaded: number;
  total: number;
  state: 'queued' | 'uploading' | 'done' | 'failed' | 'cancelled';
  error: string | null;
}

/** The upload queue. */
export interface Uploads {
  items: UploadItem[];
  add(files: TreeFile[], folder: string): void;
  cancel(id: number): void;
  clearFinished(): void;
}

const PARALLEL = 3;
let nextId = 1;

function join(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

/** Uploads files a few at a time with per-file progress; calls `onUploaded(folder)` after each success. */
export function useUploads(dav: DavClient, onUploaded: (folder: string) => void, toast: Toaster): Uploads {
  const [items, setItems] = useState<UploadItem[]>([]);
  const files = useRef(new Map<number, File>());
  const running = useRef(new Map<number, UploadHandle>());
  const queue = useRef<UploadItem[]>([]);
  const callback = useRef(onUploaded);
  callback.current = onUploaded;

  const patch = useCallback(
    (id: number, p: Partial<UploadItem>) => setItems((l) => l.map((i) => (i.id === id ? { ...i, ...p } : i))),
    [],
  );

  const pump = useCallback(() => {
    while (running.current.size < PARALLEL && queue.current.length) {
      const item = queue.current.shift() as UploadItem;
      const file = files.current.get(item.id);
      if (!file) continue;
      patch(item.id, { state: 'uploading' });
      const handle = dav.upload(join(item.folder, item.name), file, (loaded, total) =>
        patch(item.id, { loaded, total }),
      );
      running.current.set(item.id, handle);
      handle.done
        .then(
          () => {
            patch(item.id, { state: 'done', loaded: file.size, total: file.size });
            callback.current(item.folder);
          },
          (err: Error) => {
            const cancelled = err.message === 'Upload cancelled.';
            patch(item.id, { state: cancelled ? 'cancelled' : 'failed', error: err.message });
            if (!cancelled) toast.error(`Uploading “${item.name}” failed: ${err.message}`);
          },
        )
        .finally(() => {
          running.current.delete(item.id);
          files.current.delete(item.id);
          pump();
        });
    }
  }, [dav, patch, toast]);

  useEffect(
    () => () => {
      // Leaving the page cancels uploads still running (their requests would be orphaned otherwise).
      for (const h of running.current.values()) h.abort();
    },
    [],
  );

  const add = useCallback(
    (list: TreeFile[], folder: string) => {
      const added = list.map((f): UploadItem => ({
        id: nextId++,
        name: f.path,
        folder,
        loaded: 0,
        total: f.file.size,
        state: 'queued',
        error: null,
      }));
      added.forEach((item, i) => files.current.set(item.id, (list[i] as TreeFile).file));
      queue.current.push(...added);
      setItems((l) => [...l, ...added]);
      pump();
    },
    [pump],
  );

  const cancel = useCallback(
    (id: number) => {
      const h = running.current.get(id);
      if (h) return h.abort();
      queue.current = queue.current.filter((i) => i.id !== id);
      files.current.delete(id);
      patch(id, { state: 'cancelled' });
    },
    [patch],
  );

  const clearFinished = useCallback(
    () => setItems((l) => l.filter((i) => i.state === 'queued' || i.state === 'uploading')),
    [],
  );
  return { items, add, cancel, clearFinished };
}
