/**
 * Previews kept on disk, named by the content they show: a hash of (owner's space, the file's strong ETag, size
 * bucket, kind). A changed file has a new ETag, so its old previews are simply never asked for again and age out.
 * The cache is capped in bytes; past the cap the oldest entries go first. Entries are written to a temporary name
 * and renamed into place, so a reader (on any app node sharing the data directory) never sees half a preview.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** One cached preview. */
export interface CachedPreview {
  body: Buffer;
  type: string;
}

const EXT: Record<string, string> = { 'image/webp': 'webp', 'text/plain; charset=utf-8': 'txt' };
const TYPE: Record<string, string> = { webp: 'image/webp', txt: 'text/plain; charset=utf-8' };

/** The disk cache of previews. */
export class PreviewCache {
  readonly dir: string;
  readonly #maxBytes: number;
  #bytes = -1;
  #trimming: Promise<void> | null = null;

  constructor(dir: string, maxBytes: number) {
    this.dir = dir;
    this.#maxBytes = maxBytes;
  }

  /** The cache key of a preview. */
  static key(space: string, etag: string, box: number, kind: string): string {
    return createHash('sha256').update(`v1\0${space}\0${etag}\0${box}\0${kind}`).digest('hex');
  }

  #file(key: string, ext: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.${ext}`);
  }

  /** The cached preview of a key, or null. */
  async get(key: string): Promise<CachedPreview | null> {
    for (const ext of Object.keys(TYPE)) {
      try {
        return { body: await fs.readFile(this.#file(key, ext)), type: TYPE[ext] as string };
      } catch {
        // not cached in this format
      }
    }
    return null;
  }

  /** Stores a preview; then trims the cache when it has grown past its cap. */
  async put(key: string, preview: CachedPreview): Promise<void> {
    const ext = EXT[preview.type];
    if (!ext) throw new Error(`no cache format for ${preview.type}`);
    const target = this.#file(key, ext);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(this.dir, `.${randomUUID()}.tmp`);
    await fs.writeFile(tmp, preview.body);
    await fs.rename(tmp, target);
    if (this.#bytes < 0) this.#bytes = (await this.#entries()).reduce((n, e) => n + e.size, 0);
    else this.#bytes += preview.body.length;
    if (this.#bytes > this.#maxBytes) await this.trim();
  }

  /** Removes the oldest entries until the cache holds at most 80% of its cap. */
  trim(): Promise<void> {
    this.#trimming ??= (async () => {
      try {
        const entries = (await this.#entries()).sort((a, b) => a.mtimeMs - b.mtimeMs);
        let total = entries.reduce((n, e) => n + e.size, 0);
        for (const e of entries) {
          if (total <= this.#maxBytes * 0.8) break;
          await fs.rm(e.full, { force: true });
          total -= e.size;
        }
        this.#bytes = total;
      } finally {
        this.#trimming = null;
      }
    })();
    return this.#trimming;
  }

  async #entries(): Promise<Array<{ full: string; size: number; mtimeMs: number }>> {
    const out: Array<{ full: string; size: number; mtimeMs: number }> = [];
    let dirs: string[];
    try {
      dirs = await fs.readdir(this.dir);
    } catch {
      return out;
    }
    for (const d of dirs) {
      if (d.startsWith('.')) continue;
      let names: string[];
      try {
        names = await fs.readdir(path.join(this.dir, d));
      } catch {
        continue;
      }
      for (const n of names) {
        const full = path.join(this.dir, d, n);
        try {
          const st = await fs.lstat(full);
          if (st.isFile()) out.push({ full, size: st.size, mtimeMs: st.mtimeMs });
        } catch {
          // removed meanwhile (another node trimming)
        }
      }
    }
    return out;
  }
}
