import { useEffect, useState } from 'preact/hooks';
import type { DavClient, Preview } from './dav-client.ts';
import type { DavEntry } from './dav-multistatus.ts';

/** A preview ready to show: an object URL for images (revoked when it leaves the cache), or text. */
export type ShownPreview = { kind: 'image'; url: string } | { kind: 'text'; text: string };

const KEEP = 300;
const PARALLEL = 4;
const THUMB_TYPES = /^(image\/(jpeg|png|gif|webp|avif|tiff)|application\/pdf)$/;

/** True for files whose list row shows a thumbnail (pictures and PDFs; the server decides by content anyway). */
export function hasThumbnail(e: DavEntry): boolean {
  return !e.isFolder && !!e.contentType && THUMB_TYPES.test(e.contentType);
}

interface Job {
  key: string;
  wanters: Array<() => boolean>;
  run: () => Promise<void>;
  skip: () => void;
}

/**
 * Loads previews a few at a time and keeps the last few hundred (keyed by path, ETag and size), so scrolling back
 * through a long list shows thumbnails at once. A request nobody waits for any more is dropped before it starts.
 */
export class PreviewLoader {
  readonly #dav: DavClient;
  readonly #cache = new Map<string, Promise<ShownPreview | null>>();
  readonly #urls = new Map<string, string>();
  readonly #waiting: Job[] = [];
  readonly #queued = new Map<string, Job>();
  #running = 0;

  constructor(dav: DavClient) {
    this.#dav = dav;
  }

  /** The preview of an entry at a size; `wanted()` is asked again right before the request starts. */
  load(e: DavEntry, size: number, wanted: () => boolean = () => true): Promise<ShownPreview | null> {
    const key = `${e.path}\0${e.etag ?? ''}\0${size}`;
    const hit = this.#cache.get(key);
    this.#queued.get(key)?.wanters.push(wanted);
    if (hit) {
      this.#cache.delete(key); // most recently used last
      this.#cache.set(key, hit);
      return hit;
    }
    const p = new Promise<Preview | null>((resolve, reject) => {
      const job: Job = {
        key,
        wanters: [wanted],
        run: () => this.#dav.preview(e.path, size).then(resolve, reject),
        // Nobody waits any more: settle without a request, and forget it so a later look asks again.
        skip: () => {
          this.#cache.delete(key);
          resolve(null);
        },
      };
      this.#queued.set(key, job);
      this.#waiting.push(job);
      this.#pump();
    }).then(
      (pv): ShownPreview | null => {
        if (!pv) return null;
        if (pv.kind === 'text') return pv;
        const url = URL.createObjectURL(pv.blob);
        this.#urls.set(key, url);
        return { kind: 'image', url };
      },
      () => {
        this.#cache.delete(key); // a failure is not remembered: the next look tries again
        return null;
      },
    );
    this.#cache.set(key, p);
    this.#evict();
    return p;
  }

  #pump(): void {
    while (this.#running < PARALLEL && this.#waiting.length) {
      const job = this.#waiting.shift() as Job;
      this.#queued.delete(job.key);
      if (!job.wanters.some((w) => w())) {
        job.skip();
        continue;
      }
      this.#running++;
      void job.run().finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }

  #evict(): void {
    while (this.#cache.size > KEEP) {
      const oldest = this.#cache.keys().next().value as string;
      this.#cache.delete(oldest);
      const url = this.#urls.get(oldest);
      if (url) URL.revokeObjectURL(url);
      this.#urls.delete(oldest);
    }
  }

  /** Forgets everything (the page closes). */
  dispose(): void {
    for (const url of this.#urls.values()) URL.revokeObjectURL(url);
    this.#urls.clear();
    this.#cache.clear();
    this.#waiting.length = 0;
    this.#queued.clear();
  }
}

/** The preview of an entry, loaded through a loader while the component is mounted. */
export function usePreview(loader: PreviewLoader, e: DavEntry | null, size: number): ShownPreview | null | 'loading' {
  const [state, setState] = useState<ShownPreview | null | 'loading'>('loading');
  useEffect(() => {
    if (!e) return setState(null);
    let live = true;
    setState('loading');
    loader.load(e, size, () => live).then((p) => live && setState(p));
    return () => {
      live = false;
    };
  }, [loader, e?.path, e?.etag, size]);
  return state;
}
