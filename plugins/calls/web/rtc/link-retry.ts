/**
 * When an SFU link starts again. Two things make it: a connection that failed, and one that has not come up
 * `connectMs` after the SFU had its description and candidates (an ICE stall that never reaches `failed`: Chrome can
 * sit in `checking`). That clock starts when the link's signaling is done (`watch`), not when the attempt starts: on
 * a loaded machine the SFU's answer and the candidates' round trips took 15 s and more, the link was restarted just
 * as it came up, and every restart (a new feed for each subscriber, when it is a publication) made the next slower.
 * A link that comes up is not restarted by a failure reported before (`connected` cancels the pending restart).
 */
export class LinkRetry {
  readonly #retryMs: number;
  readonly #connectMs: number;
  readonly #restart: () => void;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #watchdog: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(o: { restart: () => void; retryMs?: number; connectMs?: number }) {
    this.#restart = o.restart;
    this.#retryMs = o.retryMs ?? 2000;
    this.#connectMs = o.connectMs ?? 15_000;
  }

  /** The SFU has this attempt's description and first candidates: it must connect within `connectMs`. */
  watch(stillCurrent: () => boolean): void {
    this.#clearWatchdog();
    if (this.#stopped) return;
    this.#watchdog = setTimeout(() => {
      this.#watchdog = null;
      if (stillCurrent()) this.failed();
    }, this.#connectMs);
  }

  /** A new attempt begins: nothing of the previous one may restart it. */
  reset(): void {
    this.#clearWatchdog();
    this.#clearRetry();
  }

  /** The connection is up: a failure reported meanwhile (the watchdog's, say) no longer restarts it. */
  connected(): void {
    this.reset();
  }

  /** The attempt failed: it starts again in `retryMs`, once. */
  failed(): void {
    this.#clearWatchdog();
    if (this.#stopped || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      if (!this.#stopped) this.#restart();
    }, this.#retryMs);
  }

  /** Whether a restart is pending. */
  get pending(): boolean {
    return this.#retry !== null;
  }

  stop(): void {
    this.#stopped = true;
    this.reset();
  }

  #clearWatchdog(): void {
    if (this.#watchdog) clearTimeout(this.#watchdog);
    this.#watchdog = null;
  }

  #clearRetry(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
  }
}
