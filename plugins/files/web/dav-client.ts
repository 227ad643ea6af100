import { errorMessageOf, parseMultistatus, type DavEntry } from './dav-multistatus.ts';

const PROPFIND_BODY =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/><d:getlastmodified/>' +
  '<d:getcontenttype/><d:getetag/><d:current-user-privilege-set/></d:prop></d:propfind>';

const STATUS_TEXT: Record<number, string> = {
  401: 'Your session has ended. Please log in again.',
  403: 'You do not have permission to do that here.',
  404: 'This item no longer exists.',
  405: 'That is not possible here.',
  409: 'The folder it belongs to no longer exists.',
  412: 'An item with that name already exists.',
  413: 'The file is too large for the server.',
  423: 'The item is locked by someone else.',
  507: 'There is not enough storage space left.',
};

/** A failed WebDAV call with its HTTP status and a message fit to show. */
export class DavRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'DavRequestError';
    this.status = status;
  }
}

function sentence(s: string): string {
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Builds the error for a WebDAV answer: the server's message when it gave one, else one for the status. */
export function davError(status: number, body: string): DavRequestError {
  if (status === 0) return new DavRequestError(0, 'Cannot reach the server. Check your connection and try again.');
  // For these the server's words are protocol talk ("Overwrite is F"); ours say the same for people.
  const plain = status === 412 || status === 423 || status === 507 ? STATUS_TEXT[status] : undefined;
  const m = plain ? null : errorMessageOf(body);
  return new DavRequestError(
    status,
    m ? sentence(m) : (plain ?? STATUS_TEXT[status] ?? `The server answered with an error (HTTP ${status}).`),
  );
}

const RASTER = new Set(['image/webp', 'image/png', 'image/jpeg', 'image/gif', 'image/avif']);

/** A preview from the server: an image, or the start of a text. */
export type Preview = { kind: 'image'; blob: Blob } | { kind: 'text'; text: string };

/** A handle on an upload in progress. */
export interface UploadHandle {
  done: Promise<void>;
  abort(): void;
}

/** A WebDAV client for one user's tree (`/dav/files/<user>`), authenticated with the session's bearer token. */
export class DavClient {
  /** Encoded URL path of the tree's root, no trailing slash. */
  readonly base: string;
  readonly #auth: () => Record<string, string>;
  readonly #onUnauthorized: () => void;

  /** `onUnauthorized` runs when the server no longer accepts the session (the shell then asks to log in again). */
  constructor(userId: string, auth: () => Record<string, string>, onUnauthorized: () => void = () => {}) {
    this.base = `/dav/files/${encodeURIComponent(userId)}`;
    // Marks the requests as the app's own, not a DAV client's: servers (sabre, Nextcloud) then answer 401 without
    // `WWW-Authenticate: Basic`, which would make the browser pop up its password prompt.
    this.#auth = () => ({ ...auth(), 'x-requested-with': 'XMLHttpRequest' });
    this.#onUnauthorized = onUnauthorized;
  }

  /** URL path of a tree path; folders get a trailing slash. */
  url(path: string, folder = false): string {
    const body = path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
    return `${this.base}/${body}${folder && body ? '/' : ''}`;
  }

  async #send(
    method: string,
    url: string,
    init: { headers?: Record<string, string>; body?: BodyInit } = {},
  ): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { ...this.#auth(), ...(init.headers ?? {}) },
        ...(init.body !== undefined ? { body: init.body } : {}),
      });
    } catch {
      throw davError(0, '');
    }
    if (res.status === 401) this.#onUnauthorized();
    if (!res.ok) throw davError(res.status, await res.text().catch(() => ''));
    return res;
  }

  /** Lists a folder (PROPFIND depth 1): the folder itself and its children, folders first, by name. */
  async list(path: string): Promise<{ folder: DavEntry | null; children: DavEntry[] }> {
    const res = await this.#send('PROPFIND', this.url(path, true), {
      headers: { depth: '1', 'content-type': 'application/xml; charset=utf-8' },
      body: PROPFIND_BODY,
    });
    const entries = parseMultistatus(await res.text(), this.base);
    const self = `/${path.split('/').filter(Boolean).join('/')}`;
    const folder = entries.find((e) => e.path === self) ?? null;
    const children = entries
      .filter((e) => e.path !== self)
      .sort(
        (a, b) =>
          Number(b.isFolder) - Number(a.isFolder) ||
          a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' }),
      );
    return { folder, children };
  }

  /** Downloads a file's bytes (GET). */
  async download(path: string): Promise<Blob> {
    return (await this.#send('GET', this.url(path))).blob();
  }

  /** Creates a folder (MKCOL). */
  async createFolder(path: string): Promise<void> {
    await this.#send('MKCOL', this.url(path, true));
  }

  /** Creates a folder unless it exists already (an existing one answers 405): for folder uploads. */
  async ensureFolder(path: string): Promise<void> {
    try {
      await this.createFolder(path);
    } catch (err) {
      if (!(err instanceof DavRequestError && err.status === 405)) throw err;
    }
  }

  /**
   * A preview made by the server that holds the file (`?preview=<size>`): an image, the first kilobytes of a text,
   * or null when the file has none (415) or the answer is not a kind the page shows.
   */
  async preview(path: string, size: number, signal?: AbortSignal): Promise<Preview | null> {
    let res: Response;
    try {
      res = await fetch(`${this.url(path)}?preview=${size}`, { headers: this.#auth(), ...(signal ? { signal } : {}) });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      return null;
    }
    if (!res.ok) return null;
    const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    // Only raster types are drawn, whatever an owner's server answers (an older peer may send the file itself).
    if (RASTER.has(type)) return { kind: 'image', blob: await res.blob() };
    if (type === 'text/plain') return { kind: 'text', text: await res.text() };
    return null;
  }

  /** Renames or moves an item (MOVE), never replacing an existing one. */
  async move(from: string, to: string, folder: boolean): Promise<void> {
    const destination = new URL(this.url(to, folder), location.origin).href;
    await this.#send('MOVE', this.url(from, folder), { headers: { destination, overwrite: 'F' } });
  }

  /** Deletes a file or a folder with everything in it (DELETE). */
  async remove(path: string, folder: boolean): Promise<void> {
    await this.#send('DELETE', this.url(path, folder));
  }

  /** Uploads a file (PUT) with XMLHttpRequest, which reports upload progress (fetch cannot, in every browser). */
  upload(path: string, file: File, onProgress: (loaded: number, total: number) => void): UploadHandle {
    const xhr = new XMLHttpRequest();
    const done = new Promise<void>((resolve, reject) => {
      xhr.open('PUT', this.url(path));
      for (const [k, v] of Object.entries(this.#auth())) xhr.setRequestHeader(k, v);
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onload = () => {
        if (xhr.status === 401) this.#onUnauthorized();
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(davError(xhr.status, xhr.responseText));
      };
      xhr.onerror = () => reject(davError(0, ''));
      xhr.onabort = () => reject(new DavRequestError(0, 'Upload cancelled.'));
      xhr.send(file);
    });
    return { done, abort: () => xhr.abort() };
  }
}
