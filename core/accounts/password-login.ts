/**
 * Every password check of the server goes through here: the login API, HTTP Basic (API, WebDAV and every later DAV
 * protocol, through the core's request authentication) and the current password of a password change. Each check
 * is throttled (login-throttle.ts) by account and client address.
 *
 * Successful Basic credentials are cached (by a hash of the header) because sync clients send hundreds of requests
 * a minute and scrypt on each would dominate the CPU. An entry lives while it is used (a minute after its last use)
 * and at most 15 minutes after its check, so a client syncing all day pays one scrypt per quarter hour instead of one
 * per minute, and a header nobody sends any more is forgotten within a minute. A cache hit is re-validated against
 * the stored password hash and account state on every use (one indexed read), so a changed password, a disabled or
 * a deleted account stops working at once, on every node.
 */
import { createHash } from 'node:crypto';
import type { AccountService, User } from './account-service.ts';
import type { LoginThrottle } from './login-throttle.ts';

/** An entry unused this long is forgotten. */
const BASIC_IDLE_MS = 60_000;
/** And none outlives this, however often it is used (a full check again then). */
const BASIC_MAX_MS = 15 * 60_000;
const BASIC_CACHE_MAX = 1000;

/** Throttled password checks and HTTP Basic credentials. */
export class PasswordLogin {
  readonly #accounts: AccountService;
  readonly #throttle: LoginThrottle;
  readonly #basicCache = new Map<string, { userId: string; passwordHash: string; until: number; checkedAt: number }>();

  constructor(accounts: AccountService, throttle: LoginThrottle) {
    this.#accounts = accounts;
    this.#throttle = throttle;
  }

  /**
   * Checks a password, counted against the account and the client address. Throws LoginThrottledError (429) when
   * either must wait, AuthenticationError for a wrong pair, AccountDisabledError for a disabled account.
   */
  async verify(username: string, password: string, clientAddress: string): Promise<User> {
    return (await this.#verify(username, password, clientAddress)).user;
  }

  async #verify(username: string, password: string, clientAddress: string) {
    const attempt = await this.#throttle.reserve(username, clientAddress);
    let checked: Awaited<ReturnType<AccountService['checkPasswordHash']>>;
    try {
      checked = await this.#accounts.checkPasswordHash(username, password);
    } catch (err) {
      await attempt.failed();
      throw err;
    }
    await attempt.succeeded(checked.user.id);
    return checked;
  }

  /**
   * The user of an `Authorization: Basic` value, or null when it is malformed or wrong (401 for the caller).
   * Throttled like a login; throws LoginThrottledError and AccountDisabledError.
   */
  async basic(credentials: string, clientAddress: string): Promise<User | null> {
    const key = createHash('sha256').update(credentials).digest('base64url');
    const hit = this.#basicCache.get(key);
    const now = Date.now();
    if (hit && hit.until > now && now - hit.checkedAt < BASIC_MAX_MS) {
      const current = await this.#accounts.activeCredentials(hit.userId);
      this.#basicCache.delete(key);
      if (current?.passwordHash === hit.passwordHash) {
        // Used again: it lives another idle period, and moves to the end of the eviction order.
        this.#basicCache.set(key, { ...hit, until: now + BASIC_IDLE_MS });
        return current.user;
      }
    } else if (hit) this.#basicCache.delete(key);
    // Parallel requests of one client with the same credentials (a sync client's burst when the cached entry has
    // just expired) share one check: each would otherwise count as an attempt and the burst throttle itself.
    const flight = `${key}|${clientAddress}`;
    const running = this.#checking.get(flight);
    if (running) return running;
    const check = this.#checkBasic(key, credentials, clientAddress).finally(() => this.#checking.delete(flight));
    this.#checking.set(flight, check);
    return check;
  }

  readonly #checking = new Map<string, Promise<User | null>>();

  async #checkBasic(key: string, credentials: string, clientAddress: string): Promise<User | null> {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return null;
    let checked: { user: User; passwordHash: string };
    try {
      checked = await this.#verify(decoded.slice(0, colon), decoded.slice(colon + 1), clientAddress);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'INVALID_CREDENTIALS') return null;
      throw err;
    }
    if (this.#basicCache.size >= BASIC_CACHE_MAX) this.#basicCache.delete(this.#basicCache.keys().next().value!);
    const now = Date.now();
    this.#basicCache.set(key, {
      userId: checked.user.id,
      passwordHash: checked.passwordHash,
      until: now + BASIC_IDLE_MS,
      checkedAt: now,
    });
    return checked.user;
  }
}
