import type { Kysely } from 'kysely';

type Work = (trx: Kysely<any>) => Promise<unknown>;
interface Pending {
  work: Work;
  single: boolean;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

// A bound on one batch: a long transaction holds SQLite's only connection that long.
const MAX_BATCH = 64;

/**
 * Group commit: small transactions that arrive while one is being committed (or in the same tick) are run
 * together in one database transaction, so concurrent shares pay one BEGIN/COMMIT (and one write of each
 * touched page to the log) between them instead of one each. Every caller is answered only after the
 * transaction holding its work committed, so nothing is acknowledged that a crash could lose.
 *
 * A piece of work must be safe to run again after a rollback (only database writes, no other side effects):
 * when a batch fails, which may be one item's fault (a constraint, or PostgreSQL aborting the whole
 * transaction on one error), every item of it is run again in its own transaction and answers for itself.
 */
export class GroupCommit {
  readonly #db: Kysely<any>;
  #queue: Pending[] = [];
  #running = false;
  #idle: Array<() => void> = [];

  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  /**
   * Runs `work` in a transaction, possibly shared with other callers' work; resolves after the commit. `single`:
   * the work writes with one statement, so when nobody else's work is waiting it runs as that statement's own
   * commit (no BEGIN and COMMIT around it).
   */
  run<T>(work: (trx: Kysely<any>) => Promise<T>, opts: { single?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, single: opts.single === true, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#running) {
        this.#running = true;
        // One turn of the event loop, so work arriving in the same tick joins the first batch.
        setImmediate(() => void this.#drain());
      }
    });
  }

  /**
   * Resolves once nothing is queued or committing: work nobody awaits (a delivered share's bookkeeping) is done
   * before the database is closed.
   */
  settled(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        await this.#commit(batch);
      }
    } finally {
      this.#running = false;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const item = batch[0] as Pending;
      return item.single ? this.#autocommit(item) : this.#alone(item);
    }
    const results: unknown[] = [];
    try {
      await this.#db.transaction().execute(async (trx) => {
        for (const item of batch) results.push(await item.work(trx));
      });
    } catch {
      await Promise.all(batch.map((item) => this.#alone(item)));
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]));
  }

  async #autocommit(item: Pending): Promise<void> {
    try {
      item.resolve(await item.work(this.#db));
    } catch (err) {
      item.reject(err);
    }
  }

  async #alone(item: Pending): Promise<void> {
    try {
      item.resolve(await this.#db.transaction().execute((trx) => item.work(trx)));
    } catch (err) {
      item.reject(err);
    }
  }
}
