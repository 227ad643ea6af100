import { sql, type Kysely } from 'kysely';
import { isMeshworkError, MeshworkError, PreparedQuery, type ErrorCode } from '#core';
import type { ChatTables } from './tables.ts';

interface Job {
  fn: (trx: Kysely<ChatTables>) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

// Jobs per transaction. The whole batch, its commit and its callers' continuations run without giving the event
// loop back (better-sqlite3 answers in microtasks), so its size bounds how long sockets and timers wait.
const MAX_BATCH = 32;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Group commit for chat writes: jobs run one after another, in submission order, and the jobs that queued
 * up while a transaction was running share the next one, so under load many messages cost one commit. Each
 * batch starts after the loop's pending I/O (setImmediate), so the messages read in one pass of the loop share
 * it; batches are capped (MAX_BATCH), so a backlog never holds the loop for longer than one batch.
 * Submission order is also the order of the results, so callers that fan out after `submit` resolves do so
 * in commit order.
 *
 * A job must only use the transaction it is given (SQLite has one connection, held by it) and must check
 * before it writes: a domain error rejects that job alone and the batch goes on, so it must not leave
 * partial writes behind. Any other error rolls the whole batch back and rejects every job in it.
 */
export class CommitQueue {
  readonly #db: Kysely<ChatTables>;
  readonly #queue: Job[] = [];
  #running = false;

  constructor(db: Kysely<ChatTables>) {
    this.#db = db;
  }

  /**
   * Runs `fn` inside a (shared) transaction; resolves once that transaction has committed. `isolated` wraps
   * it in a savepoint, so that even an unexpected failure (e.g. a constraint broken by a peer's data) undoes
   * this job alone and is reported as a domain error (`code`), not as a failure of its batch.
   */
  submit<T>(fn: (trx: Kysely<ChatTables>) => Promise<T>, opts: { isolated?: ErrorCode } = {}): Promise<T> {
    const code = opts.isolated;
    const run = code ? (trx: Kysely<ChatTables>) => isolated(trx, fn, code) : fn;
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn: run, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#running) void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length) {
        // Before each batch, let the I/O already read run first: the actions it carries join this batch (one
        // commit for all the messages read in one pass of the loop), and a backlog never starves sockets.
        await yieldToLoop();
        const batch = this.#queue.splice(0, MAX_BATCH);
        const outcomes: Array<{ ok: boolean; v: unknown }> = [];
        try {
          await this.#db.transaction().execute(async (trx) => {
            for (const job of batch) {
              try {
                outcomes.push({ ok: true, v: await job.fn(trx) });
              } catch (err) {
                if (!isMeshworkError(err)) throw err;
                outcomes.push({ ok: false, v: err });
              }
            }
          });
        } catch (err) {
          for (const job of batch) job.reject(err);
          continue;
        }
        batch.forEach((job, i) => {
          const o = outcomes[i] as { ok: boolean; v: unknown };
          if (o.ok) job.resolve(o.v);
          else job.reject(o.v);
        });
      }
    } finally {
      this.#running = false;
    }
  }
}

// Every applied event push runs these (compiled once, see room-store.ts).
const SAVEPOINT = new PreparedQuery(0, () => sql`savepoint chat_job`);
const RELEASE = new PreparedQuery(0, () => sql`release savepoint chat_job`);
const ROLLBACK = new PreparedQuery(0, () => sql`rollback to savepoint chat_job`);

async function isolated<T>(
  trx: Kysely<ChatTables>,
  fn: (trx: Kysely<ChatTables>) => Promise<T>,
  code: ErrorCode,
): Promise<T> {
  await SAVEPOINT.execute(trx, []);
  try {
    const v = await fn(trx);
    await RELEASE.execute(trx, []);
    return v;
  } catch (err) {
    await ROLLBACK.execute(trx, []);
    await RELEASE.execute(trx, []);
    throw isMeshworkError(err) ? err : new MeshworkError(code, (err as Error).message);
  }
}
