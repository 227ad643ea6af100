/**
 * Member bytes by strong ETag. A database collection's ETag is a hash of exactly the stored bytes (`etagOf`), so an
 * entry can never be stale: a changed member has another ETag. With a listing of the collection kept at the counter
 * the request read (`ListingCache`), a multiget of an unchanged collection is answered without reading a row. Filled
 * by writes (the bytes just stored) and by reads; bounded by bytes, least recently used first.
 */
export class ContentCache {
  readonly #entries = new Map<string, Buffer>();
  #bytes = 0;

  constructor(
    private readonly maxBytes = 16 << 20,
    private readonly maxEntryBytes = 256 << 10,
  ) {}

  /** The bytes whose ETag is `etag`, or undefined. */
  get(etag: string): Buffer | undefined {
    const hit = this.#entries.get(etag);
    if (hit) {
      this.#entries.delete(etag);
      this.#entries.set(etag, hit);
    }
    return hit;
  }

  /** Keeps `bytes` under their ETag (the caller's: a hash of exactly these bytes). */
  set(etag: string, bytes: Buffer): void {
    if (bytes.length > this.maxEntryBytes || this.#entries.has(etag)) return;
    while (this.#entries.size && this.#bytes + bytes.length > this.maxBytes) {
      const [oldest, b] = this.#entries.entries().next().value as [string, Buffer];
      this.#entries.delete(oldest);
      this.#bytes -= b.length;
    }
    this.#entries.set(etag, bytes);
    this.#bytes += bytes.length;
  }
}
