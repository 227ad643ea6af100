/**
 * Slows password guessing on every path that checks a password (login, HTTP Basic on the API and on WebDAV, the
 * current password of a password change). Three scopes, each with free attempts and then an exponential back-off:
 *
 * - account + client address: 5 free failures, then 1 s, 2 s, 4 s … up to 15 min between attempts. This is the
 *   one a guesser at one address meets; the same user at another address is not affected by it.
 * - client address (all accounts): 30 free, then up to 15 min. Stops one address spraying many accounts.
 * - account (all addresses): 20 free, then up to 5 min. Stops guessing spread over many addresses. It does not
 *   apply to an address the user has logged in from before with the right password (a "known client"), so such an
 *   attack cannot keep the user out from where they usually are, and from a new address they wait at most 5 min.
 *
 * A throttle never locks anyone out for good, and never touches sessions: bearer tokens keep working while the
 * password path of an account waits. Failures are forgotten after an hour (account+address) or a day of quiet.
 *
 * State lives in the database, so every app node shares one budget. Each attempt is counted *before* the password
 * is checked, by one atomic conditional upsert per scope (no read-modify-write): a burst of parallel guesses, on one
 * node or several, cannot all pass before the first failure is recorded. A correct password gives the attempt back.
 */
import { sql, type Kysely } from 'kysely';
import { LoginThrottledError } from './account-errors.ts';
import { throttleBucket } from './client-address.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Free failures, then base·2ⁿ up to max between attempts; failures forgotten after `forgetMs` without one. */
export interface ScopeLimit {
  free: number;
  baseMs: number;
  maxMs: number;
  forgetMs: number;
}

/** The three scopes' limits (see the file comment). */
export const LOGIN_LIMITS = {
  pair: { free: 5, baseMs: 1000, maxMs: 15 * MINUTE, forgetMs: HOUR },
  address: { free: 30, baseMs: 1000, maxMs: 15 * MINUTE, forgetMs: 24 * HOUR },
  account: { free: 20, baseMs: 1000, maxMs: 5 * MINUTE, forgetMs: 24 * HOUR },
} satisfies Record<string, ScopeLimit>;

const KNOWN_CLIENT_MS = 60 * 24 * HOUR;
const GC_EVERY_MS = 10 * MINUTE;

/** The wait required after `failures` recorded failures. */
export function waitAfter(limit: ScopeLimit, failures: number): number {
  if (failures < limit.free) return 0;
  return Math.min(limit.baseMs * 2 ** Math.min(failures - limit.free, 40), limit.maxMs);
}

/** `CASE` over the failure count giving waitAfter() in SQL: constants only, identical on SQLite and PostgreSQL. */
function waitSql(limit: ScopeLimit) {
  const steps: ReturnType<typeof sql>[] = [sql`WHEN login_throttle.failures < ${sql.lit(limit.free)} THEN 0`];
  for (let n = limit.free; waitAfter(limit, n) < limit.maxMs; n++)
    steps.push(sql`WHEN login_throttle.failures = ${sql.lit(n)} THEN ${sql.lit(waitAfter(limit, n))}`);
  return sql`(CASE ${sql.join(steps, sql` `)} ELSE ${sql.lit(limit.maxMs)} END)`;
}

function accountKey(account: string): string {
  // Only ids made of [A-Za-z0-9._-] can exist; anything else is folded, never stored verbatim (no NUL, bounded).
  return account
    .toLowerCase()
    .replace(/[^\x21-\x7e]/g, '?')
    .slice(0, 100);
}

interface Scope {
  key: string;
  limit: ScopeLimit;
}

/** One reserved attempt: give it back when the password was right; a failure's wait runs from when it is known. */
export interface LoginAttempt {
  succeeded(userId: string): Promise<void>;
  failed(): Promise<void>;
}

/** The database-backed throttle shared by every password check of every node. */
export class LoginThrottle {
  readonly #db: Kysely<any>;
  #lastGc = 0;

  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  /**
   * Counts one password attempt for `account` from `clientAddress` in every scope that applies, or throws
   * LoginThrottledError (nothing counted) when one of them must still wait.
   */
  async reserve(account: string, clientAddress: string): Promise<LoginAttempt> {
    const now = Date.now();
    this.#maybeCollect(now);
    const bucket = throttleBucket(clientAddress);
    const acct = accountKey(account);
    const scopes: Scope[] = [
      { key: `p:${bucket}|${acct}`, limit: LOGIN_LIMITS.pair },
      { key: `a:${bucket}`, limit: LOGIN_LIMITS.address },
    ];
    if (!(await this.#isKnown(acct, bucket, now))) scopes.push({ key: `u:${acct}`, limit: LOGIN_LIMITS.account });

    // Fast path: a waiting scope refuses without writing anything (a guesser hammering costs one read).
    const wait = await this.#remainingWait(scopes, now);
    if (wait > 0) throw new LoginThrottledError(wait / 1000);

    const reserved: Scope[] = [];
    for (const scope of scopes) {
      // The clock read when the attempt is counted: the back-off runs from then (a reading taken before the awaits
      // above could stamp the attempt earlier than one counted meanwhile, shortening the next wait).
      if (await this.#take(scope, Date.now())) {
        reserved.push(scope);
        continue;
      }
      // Another request (maybe on another node) used the last free attempt in between.
      await Promise.all(reserved.map((s) => this.#giveBack(s)));
      throw new LoginThrottledError(Math.max(await this.#remainingWait([scope], Date.now()), 1000) / 1000);
    }
    return {
      failed: async () => {
        await this.#db
          .updateTable('login_throttle')
          .set({ last_failure_at: Date.now() })
          .where(
            'scope_key',
            'in',
            reserved.map((s) => s.key),
          )
          .execute();
      },
      succeeded: async (userId) => {
        const done = Date.now();
        await this.#db.deleteFrom('login_throttle').where('scope_key', '=', reserved[0]!.key).execute();
        await Promise.all(reserved.slice(1).map((s) => this.#giveBack(s)));
        await this.#db
          .insertInto('login_known_clients')
          .values({ user_id: accountKey(userId), client: bucket, last_success_at: done })
          .onConflict((oc) => oc.columns(['user_id', 'client']).doUpdateSet({ last_success_at: done }))
          .execute();
      },
    };
  }

  async #isKnown(acct: string, bucket: string, now: number): Promise<boolean> {
    const row = await this.#db
      .selectFrom('login_known_clients')
      .select('last_success_at')
      .where('user_id', '=', acct)
      .where('client', '=', bucket)
      .executeTakeFirst();
    return !!row && Number(row.last_success_at) > now - KNOWN_CLIENT_MS;
  }

  /** The longest wait any of the scopes still imposes, in ms (0 = may try now). */
  async #remainingWait(scopes: Scope[], now: number): Promise<number> {
    const rows = await this.#db
      .selectFrom('login_throttle')
      .select(['scope_key', 'failures', 'last_failure_at'])
      .where(
        'scope_key',
        'in',
        scopes.map((s) => s.key),
      )
      .execute();
    let wait = 0;
    for (const row of rows) {
      const scope = scopes.find((s) => s.key === row.scope_key) as Scope;
      const last = Number(row.last_failure_at);
      const after = waitAfter(scope.limit, Number(row.failures));
      // Free attempts never wait, even when another request stamped a failure a moment "after" our clock reading.
      if (after === 0 || now - last >= scope.limit.forgetMs) continue;
      wait = Math.max(wait, last + after - now);
    }
    return wait;
  }

  /** Atomically counts one attempt in a scope unless it must wait; false when it must. */
  async #take(scope: Scope, now: number): Promise<boolean> {
    const forgotten = now - scope.limit.forgetMs;
    const { rows } = await sql<{ failures: number }>`
      INSERT INTO login_throttle (scope_key, failures, last_failure_at) VALUES (${scope.key}, 1, ${now})
      ON CONFLICT (scope_key) DO UPDATE SET
        failures = CASE WHEN login_throttle.last_failure_at <= ${forgotten} THEN 1 ELSE login_throttle.failures + 1 END,
        last_failure_at = CASE WHEN login_throttle.last_failure_at > ${now} THEN login_throttle.last_failure_at ELSE ${now} END
      WHERE login_throttle.failures < ${sql.lit(scope.limit.free)}
         OR login_throttle.last_failure_at <= ${forgotten}
         OR login_throttle.last_failure_at + ${waitSql(scope.limit)} <= ${now}
      RETURNING failures`.execute(this.#db);
    return rows.length === 1;
  }

  async #giveBack(scope: Scope): Promise<void> {
    await this.#db
      .updateTable('login_throttle')
      .set({ failures: sql`CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END` })
      .where('scope_key', '=', scope.key)
      .execute();
  }

  /** Forgets old failures and old known clients now and then (any node may do it; it is idempotent). */
  #maybeCollect(now: number): void {
    if (now - this.#lastGc < GC_EVERY_MS) return;
    this.#lastGc = now;
    const longest = Math.max(...Object.values(LOGIN_LIMITS).map((l) => l.forgetMs));
    void Promise.all([
      this.#db
        .deleteFrom('login_throttle')
        .where('last_failure_at', '<', now - longest)
        .execute(),
      this.#db
        .deleteFrom('login_known_clients')
        .where('last_success_at', '<', now - KNOWN_CLIENT_MS)
        .execute(),
    ]).catch(() => {});
  }
}
