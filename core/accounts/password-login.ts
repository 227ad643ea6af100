/**
 * Every password check of the server goes through here: the login API, HTTP Basic (API, WebDAV and every later DAV
 * protocol, through the core's request authentication) and the current password of a password change. Each check
 * is throttled (login-throttle.ts) by account and client address.
 *
 * Successful Basic credentials are cached briefly (by a hash of the header) because sync clients send hundreds of
 * requests a minute and scrypt on each would dominate the CPU. A cache hit is re-validated against the stored
 * password hash and account state on every use (one indexed read), so a changed password, a disabled or a deleted
 * account stops working at once, on every node.
 */
import { createHash } from 'node:crypto';
import type { AccountService, User } from './account-service.ts';
import type { LoginThrottle } from './login-throttle.ts';

const BASIC_CACHE_MS = 60_000;
const BASIC_CACHE_MAX = 1000;

/** Throttled password checks and HTTP Basic credentials. */
export class PasswordLogin {
  readonly #accounts: AccountService;
  readonly #throttle: LoginThrottle;
  readonly #basicCache = new Map<string, { userId: string; passwordHash: string; until: number }>();

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
    if (hit && hit.until > Date.now()) {
      const current = await this.#accounts.activeCredentials(hit.userId);
      if (current?.passwordHash === hit.passwordHash) return current.user;
      this.#basicCache.delete(key);
    }
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
    this.#basicCache.set(key, {
      userId: checked.user.id,
      passwordHash: checked.passwordHash,
      until: Date.now() + BASIC_CACHE_MS,
    });
    return checked.user;
  }
}
