import { MeshworkError } from '../errors.ts';

const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 10;

/**
 * Slows password guessing: after 10 failed logins for one username from one address within 15
 * minutes, further attempts get 429 until the window passes. In memory, per node: a throttle, not
 * an account lock (a lock would let anyone lock anyone out).
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  #key(ip: string, username: string): string {
    return `${ip}\u0000${username.toLowerCase()}`;
  }

  /** Throws 429 when this (address, username) has failed too often recently. */
  check(ip: string, username: string): void {
    const now = Date.now();
    const list = (this.#failures.get(this.#key(ip, username)) ?? []).filter((t) => now - t < WINDOW_MS);
    if (list.length >= MAX_FAILURES) {
      throw new MeshworkError('TOO_MANY_ATTEMPTS', 'too many failed logins; try again later', 429);
    }
  }

  /** Records a failed attempt. */
  fail(ip: string, username: string): void {
    const key = this.#key(ip, username);
    const now = Date.now();
    const list = (this.#failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    list.push(now);
    this.#failures.set(key, list);
    if (this.#failures.size > 10_000) {
      for (const [k, v] of this.#failures) if (v.every((t) => now - t >= WINDOW_MS)) this.#failures.delete(k);
    }
  }

  /** Forgets failures after a successful login. */
  succeed(ip: string, username: string): void {
    this.#failures.delete(this.#key(ip, username));
  }
}
