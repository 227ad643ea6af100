/**
 * Runs tasks one at a time per key, in the order they were submitted. Chat uses one key per room so
 * that sequence allocation, storage and the socket fan-out of one room happen in seq order, and a
 * user's actions keep the order they were sent in.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Queues `fn` behind the key's running task; the order is fixed when `run` is called. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}
