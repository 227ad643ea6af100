/**
 * Spaces out pushes to one server: a push that follows the previous one by less than `gapMs` waits for
 * the rest of the gap, and whatever was committed meanwhile travels in it. Idle streams never wait; busy
 * ones send fewer, fuller requests (a signed HTTP round trip costs far more than an event).
 */
export class Pacer {
  readonly #gapMs: number;
  readonly #last = new Map<string, number>();

  constructor(gapMs: number) {
    this.#gapMs = gapMs;
  }

  /** Resolves when a push to `key` may go; call right before building it. */
  async wait(key: string): Promise<void> {
    const since = performance.now() - (this.#last.get(key) ?? -Infinity);
    if (since < this.#gapMs) await new Promise((r) => setTimeout(r, this.#gapMs - since));
    this.#last.set(key, performance.now());
  }
}
