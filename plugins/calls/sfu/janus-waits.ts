import { PeerError } from '#core';
import { CALL_ERRORS } from '../error-codes.ts';

/**
 * Waits at most `ms` for a request to Janus; janode's own requests wait for ever, so a request Janus never
 * answers would hold its caller (and the browser behind it) until the browser gave up. A late answer is handed
 * to `late` (to release what it created, e.g. a plugin handle nobody will use).
 */
export function bounded<T>(what: string, ms: number, p: Promise<T>, late?: (value: T) => void): Promise<T> {
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new PeerError(`Janus did not answer “${what}” within ${ms} ms`, undefined, CALL_ERRORS.SFU_TIMEOUT));
    }, ms);
  });
  const answer = p.then((v) => {
    if (timedOut) late?.(v);
    return v;
  });
  answer.catch(() => undefined); // a late failure after the timeout was already reported
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether a publication's media is flowing into Janus (it reported `webrtcup` for the publisher's handle). Janus
 * refuses to subscribe to a publisher whose connection is not up ("No such feed"), so subscriptions wait here.
 */
export class FeedReadiness {
  #state: 'waiting' | 'live' | 'ended' = 'waiting';
  readonly #waiters = new Set<(s: 'live' | 'ended') => void>();

  get live(): boolean {
    return this.#state === 'live';
  }

  /** The publisher's connection is up. */
  up(): void {
    this.#settle('live');
  }

  /** The publication is gone (closed, hung up, replaced). */
  end(): void {
    this.#settle('ended');
  }

  #settle(s: 'live' | 'ended'): void {
    if (this.#state !== 'waiting') return;
    this.#state = s;
    for (const w of this.#waiters) w(s);
    this.#waiters.clear();
  }

  /** Resolves when the media flows or the publication ended, or with 'waiting' after `ms`. */
  wait(ms: number): Promise<'waiting' | 'live' | 'ended'> {
    if (this.#state !== 'waiting') return Promise.resolve(this.#state);
    return new Promise((resolve) => {
      const done = (s: 'waiting' | 'live' | 'ended') => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve(s);
      };
      const timer = setTimeout(() => done('waiting'), ms);
      this.#waiters.add(done);
    });
  }
}
