/**
 * A bounded queue for preview jobs: at most `concurrency` run at once, at most `maxWaiting` wait, and a job asked for
 * again while it is queued or running is shared rather than done twice (a folder of photos opened by several people).
 * When the queue is full the caller is told at once (503 with Retry-After) instead of piling up work: previews are
 * a convenience and must never slow down other users' requests.
 */
import { DavError } from '#dav';
import { FILES_ERRORS } from '../error-codes.ts';

/** The queue's bounds. */
export interface QueueLimits {
  concurrency: number;
  maxWaiting: number;
}

/** Runs keyed jobs with bounded concurrency and a bounded backlog. */
export class PreviewQueue<T> {
  readonly #limits: QueueLimits;
  readonly #jobs = new Map<string, Promise<T>>();
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(limits: QueueLimits) {
    this.#limits = limits;
  }

  /** Jobs running now and waiting. */
  get size(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  /** Runs `job` under `key` (or joins the same key's job); throws 503 PREVIEW_BUSY when the backlog is full. */
  run(key: string, job: () => Promise<T>): Promise<T> {
    const existing = this.#jobs.get(key);
    if (existing) return existing;
    if (this.#running >= this.#limits.concurrency && this.#waiting.length >= this.#limits.maxWaiting) {
      const err = new DavError(503, 'too many previews are being made; try again shortly', FILES_ERRORS.PREVIEW_BUSY);
      return Promise.reject(err);
    }
    const p = this.#slot()
      .then(job)
      .finally(() => {
        this.#jobs.delete(key);
        this.#running--;
        this.#waiting.shift()?.();
      });
    this.#jobs.set(key, p);
    return p;
  }

  #slot(): Promise<void> {
    if (this.#running < this.#limits.concurrency) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.#waiting.push(() => {
        this.#running++;
        resolve();
      }),
    );
  }
}
