import type { Kysely } from 'kysely';
import { AuthenticationError, ConflictError, InputError, NotFoundError } from '../errors.ts';
import { AccountDisabledError } from './account-errors.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { PreparedQuery } from '../storage/prepared-query.ts';
import { SessionStore, type SessionEndReason, type SessionRecord, type SessionsEnded } from './session-store.ts';

/** Every Basic-authenticated request (DAV clients) checks the account row: built and compiled once. */
const ACTIVE_CREDENTIALS = new PreparedQuery<any>(1, (db, id) =>
  db
    .selectFrom('users')
    .select(['id', 'display_name', 'email', 'password_hash'])
    .where('id', '=', id)
    .where('disabled_at', 'is', null)
    .where('deleted_at', 'is', null),
);

/** A local user as the rest of the system sees it. */
export interface User {
  id: string;
  displayName: string;
  email: string | null;
}

/** A user as the operator's listing shows it. */
export interface UserListing extends User {
  disabled: boolean;
}

// Local identifiers become the left part of OCM addresses and URL path segments: keep them plain.
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 1024;
// Every share received looks its recipient up (storage/prepared-query.ts: built and compiled once).
const FIND_USER = new PreparedQuery<any>(1, (db, id) =>
  db.selectFrom('users').select(['id', 'display_name', 'email']).where('id', '=', id).where('deleted_at', 'is', null),
);

function toUser(row: any): User {
  return { id: row.id, displayName: row.display_name, email: row.email };
}

/** Checks a new password's length; the message names the rule. */
export function checkNewPassword(password: unknown, field = 'password'): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD)
    throw new InputError(`password must be at least ${MIN_PASSWORD} characters`, [
      { name: field, message: 'TOO_SHORT' },
    ]);
  if (password.length > MAX_PASSWORD)
    throw new InputError(`password must be at most ${MAX_PASSWORD} characters`, [{ name: field, message: 'TOO_LONG' }]);
  return password;
}

/**
 * Local accounts: creation, password checks (unthrottled primitive: callers go through PasswordLogin), state
 * (active, disabled, deleted tombstone) and their sessions. Every change that ends sessions is reported to
 * `onSessionsEnded`, which the engine turns into socket disconnects on every node.
 */
export class AccountService {
  readonly #db: Kysely<any>;
  readonly sessions: SessionStore;

  constructor(db: Kysely<any>, opts: { onSessionsEnded?: (e: SessionsEnded) => void } = {}) {
    this.#db = db;
    this.sessions = new SessionStore(db, (e) => opts.onSessionsEnded?.(e));
  }

  /** Creates a local user; ids are letters, digits, `.`, `_`, `-`; a deleted account's id is never reused. */
  async createUser(input: { id: string; password: string; displayName?: string; email?: string }): Promise<User> {
    if (!USER_ID.test(input.id)) {
      throw new InputError('user id must be 1-64 letters, digits, ".", "_" or "-"', [
        { name: 'id', message: 'INVALID_FORMAT' },
      ]);
    }
    checkNewPassword(input.password);
    const existing = await this.#db
      .selectFrom('users')
      .select(['id', 'deleted_at'])
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (existing?.deleted_at != null)
      throw new ConflictError(
        `user id "${input.id}" belonged to a deleted account and is not reused (other servers may still address it)`,
        'USER_ID_RETIRED',
      );
    if (existing) throw new ConflictError(`user "${input.id}" already exists`, 'USER_EXISTS');
    const row = {
      id: input.id,
      display_name: input.displayName?.trim() || input.id,
      email: input.email ?? null,
      password_hash: await hashPassword(input.password),
      created_at: Date.now(),
    };
    await this.#db.insertInto('users').values(row).execute();
    return toUser(row);
  }

  /** Finds a user (active or disabled) by local id, or null; deleted accounts do not exist. */
  async findUser(id: string): Promise<User | null> {
    if (typeof id !== 'string' || !USER_ID.test(id)) return null;
    const row = (await FIND_USER.execute(this.#db, [id])).rows[0];
    return row ? toUser(row) : null;
  }

  /** Like findUser but throws NotFoundError. */
  async getUser(id: string): Promise<User> {
    const user = await this.findUser(id);
    if (!user) throw new NotFoundError(`no such user "${id}"`, 'USER_NOT_FOUND');
    return user;
  }

  /** Every account that is not deleted, by id. */
  async listUsers(): Promise<UserListing[]> {
    const rows = await this.#db
      .selectFrom('users')
      .select(['id', 'display_name', 'email', 'disabled_at'])
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...toUser(r), disabled: r.disabled_at != null }));
  }

  /**
   * Checks a username/password pair: the same error for an unknown user and a wrong password (and the same time:
   * an unknown user still costs a hash). A disabled account with the right password gets AccountDisabledError.
   */
  async checkPassword(id: string, password: string): Promise<User> {
    return (await this.checkPasswordHash(id, password)).user;
  }

  /** checkPassword, also returning the stored hash the password matched (a cache of the check keys on it). */
  async checkPasswordHash(id: string, password: string): Promise<{ user: User; passwordHash: string }> {
    const row = USER_ID.test(id)
      ? await this.#db
          .selectFrom('users')
          .selectAll()
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst()
      : undefined;
    const ok = row ? await verifyPassword(password, row.password_hash) : (await hashPassword(password), false);
    if (!row || !ok) throw new AuthenticationError('invalid username or password', 'INVALID_CREDENTIALS');
    if (row.disabled_at != null) throw new AccountDisabledError();
    return { user: toUser(row), passwordHash: row.password_hash };
  }

  /** An active account with its stored password hash, or null (disabled, deleted, unknown): cached Basic checks compare it. */
  async activeCredentials(id: string): Promise<{ user: User; passwordHash: string } | null> {
    const row = (await ACTIVE_CREDENTIALS.execute(this.#db, [id])).rows[0];
    return row ? { user: toUser(row), passwordHash: row.password_hash as string } : null;
  }

  /** Sets a new password and ends the user's sessions (all, or all but the one making the change). */
  async setPassword(id: string, password: string, keepTokenHash?: string): Promise<void> {
    checkNewPassword(password);
    await this.getUser(id);
    await this.#db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password) })
      .where('id', '=', id)
      .execute();
    await this.sessions.endAll(id, 'password-changed', keepTokenHash);
  }

  /** Disables (cannot log in; sessions end) or enables an account. */
  async setDisabled(id: string, disabled: boolean): Promise<void> {
    await this.getUser(id);
    await this.#db
      .updateTable('users')
      .set({ disabled_at: disabled ? Date.now() : null })
      .where('id', '=', id)
      .execute();
    if (disabled) await this.sessions.endAll(id, 'disabled');
  }

  /**
   * Deletes an account: it can no longer log in or be found, its sessions end, and its id is retired. The engine's
   * AccountHousekeeping then revokes its outgoing shares, leaves its incoming ones and tells plugins (any node; also
   * when the deletion came from the CLI while no server ran).
   */
  async markDeleted(id: string): Promise<void> {
    await this.getUser(id);
    await this.#db
      .updateTable('users')
      .set({ deleted_at: Date.now(), disabled_at: Date.now(), email: null, password_hash: '!deleted' })
      .where('id', '=', id)
      .execute();
    await this.sessions.endAll(id, 'deleted');
  }

  /** Ids of deleted accounts whose removal the server has not finished. */
  async pendingRemovals(): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('users')
      .select('id')
      .where('deleted_at', 'is not', null)
      .where('purged_at', 'is', null)
      .execute();
    return rows.map((r) => r.id as string);
  }

  /** Claims a pending removal for this node for `leaseMs` (one node works on it at a time); false if taken. */
  async claimRemoval(id: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const r = await this.#db
      .updateTable('users')
      .set({ purge_claimed_at: now })
      .where('id', '=', id)
      .where('deleted_at', 'is not', null)
      .where('purged_at', 'is', null)
      .where((eb) => eb.or([eb('purge_claimed_at', 'is', null), eb('purge_claimed_at', '<', now - leaseMs)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Records that a deleted account's removal is complete. */
  async finishRemoval(id: string): Promise<void> {
    await this.#db.updateTable('users').set({ purged_at: Date.now() }).where('id', '=', id).execute();
  }

  /** Issues a session bearer token for a user. */
  createSession(userId: string, ttlMs?: number): Promise<string> {
    return this.sessions.create(userId, ttlMs);
  }

  /** The live session of a token with its user, or null if unknown, expired or the account is not active. */
  async sessionFor(token: string): Promise<{ user: User; session: SessionRecord } | null> {
    const found = await this.sessions.find(token);
    if (!found) return null;
    const { row, ...session } = found;
    return { user: toUser(row), session };
  }

  /** Resolves a session token to its user, or null. */
  async userForSession(token: string): Promise<User | null> {
    return (await this.sessionFor(token))?.user ?? null;
  }

  /** Ends a session (logout). */
  deleteSession(token: string): Promise<void> {
    return this.sessions.end(token);
  }
}

export type { SessionEndReason, SessionsEnded, SessionRecord };
