import type { Kysely } from 'kysely';
import { PreparedQuery } from '../storage/prepared-query.ts';
import { hashSecret, newSecret } from './secrets.ts';

// Every authenticated request runs it (storage/prepared-query.ts: built and compiled once).
const FIND_LIVE = new PreparedQuery<any>(1, (db, tokenHash) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.display_name', 'users.email', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('users.disabled_at', 'is', null)
    .where('users.deleted_at', 'is', null),
);

// One session's liveness: every socket's events re-check their session (core/realtime/session-sockets.ts), so this
// runs for every few chat messages; built by Kysely on each call it cost more than the rest of the message's handling
// on a busy server (5–7 % of a chat server's CPU in `npm run bench:chat`), compiled once it is one SQLite lookup.
const ALIVE_ONE = new PreparedQuery<{ token_hash: string }>(2, (db, tokenHash, now) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select('sessions.token_hash')
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .where('users.deleted_at', 'is', null),
);

/** Why a user's sessions ended; sockets opened with them are disconnected at once. */
export type SessionEndReason = 'logout' | 'expired' | 'password-changed' | 'disabled' | 'deleted';

/**
 * Sessions that ended: the listed ones (`tokenHashes`), or every session of the user except `exceptTokenHash`.
 * Hashes only: the raw token never leaves the request that carried it.
 */
export interface SessionsEnded {
  userId: string;
  tokenHashes?: string[];
  exceptTokenHash?: string;
  reason: SessionEndReason;
}

/** A live session as the auth layer sees it. */
export interface SessionRecord {
  userId: string;
  tokenHash: string;
  expiresAt: number;
}

/** Default session lifetime: 30 days. */
export const SESSION_TTL_MS = 30 * 86_400_000;

/** Session tokens: stored as SHA-256 hashes, valid while unexpired and the account is active. */
export class SessionStore {
  readonly #db: Kysely<any>;
  readonly #ended: (e: SessionsEnded) => void;

  constructor(db: Kysely<any>, onEnded: (e: SessionsEnded) => void) {
    this.#db = db;
    this.#ended = onEnded;
  }

  /** Issues a session bearer token. */
  async create(userId: string, ttlMs = SESSION_TTL_MS): Promise<string> {
    const token = newSecret();
    const now = Date.now();
    await this.#db
      .insertInto('sessions')
      .values({ token_hash: hashSecret(token), user_id: userId, created_at: now, expires_at: now + ttlMs })
      .execute();
    return token;
  }

  /** The live session of a token (unexpired, account neither disabled nor deleted), or null. */
  async find(token: string): Promise<(SessionRecord & { row: Record<string, unknown> }) | null> {
    if (!token || token.length > 200) return null;
    const tokenHash = hashSecret(token);
    const row = (await FIND_LIVE.execute(this.#db, [tokenHash])).rows[0] as Record<string, unknown> | undefined;
    if (!row || Number(row.expires_at) <= Date.now()) return null;
    return { userId: row.id as string, tokenHash, expiresAt: Number(row.expires_at), row };
  }

  /** Which of these token hashes still belong to live sessions (one query per 500). */
  async alive(tokenHashes: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    const now = Date.now();
    if (tokenHashes.length === 1) {
      for (const r of (await ALIVE_ONE.execute(this.#db, [tokenHashes[0], now])).rows) out.add(r.token_hash);
      return out;
    }
    for (let i = 0; i < tokenHashes.length; i += 500) {
      const rows = await this.#db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select('sessions.token_hash')
        .where('sessions.token_hash', 'in', tokenHashes.slice(i, i + 500))
        .where('sessions.expires_at', '>', now)
        .where('users.disabled_at', 'is', null)
        .where('users.deleted_at', 'is', null)
        .execute();
      for (const r of rows) out.add(r.token_hash as string);
    }
    return out;
  }

  /** Ends one session (logout). */
  async end(token: string): Promise<void> {
    const tokenHash = hashSecret(token);
    const row = await this.#db
      .selectFrom('sessions')
      .select('user_id')
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    await this.#db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    if (row) this.#ended({ userId: row.user_id as string, tokenHashes: [tokenHash], reason: 'logout' });
  }

  /** Ends every session of a user, or every one but `exceptTokenHash`. */
  async endAll(userId: string, reason: SessionEndReason, exceptTokenHash?: string): Promise<void> {
    let q = this.#db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptTokenHash) q = q.where('token_hash', '!=', exceptTokenHash);
    await q.execute();
    this.#ended({ userId, reason, ...(exceptTokenHash ? { exceptTokenHash } : {}) });
  }

  /** Removes expired sessions (their sockets are already gone: each one is timed to its session's expiry). */
  async purgeExpired(): Promise<number> {
    const r = await this.#db.deleteFrom('sessions').where('expires_at', '<=', Date.now()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
