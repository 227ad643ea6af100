import type { Kysely } from 'kysely';
import { AuthenticationError, ConflictError, InputError, NotFoundError } from '../errors.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { hashSecret, newSecret } from './secrets.ts';

/** A local user as the rest of the system sees it. */
export interface User {
  id: string;
  displayName: string;
  email: string | null;
}

const SESSION_TTL_MS = 30 * 86_400_000;
// Local identifiers become the left part of OCM addresses and URL path segments: keep them plain.
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function toUser(row: any): User {
  return { id: row.id, displayName: row.display_name, email: row.email };
}

/** Local accounts, password checks and session tokens. */
export class AccountService {
  readonly #db: Kysely<any>;
  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  /** Creates a local user; ids are letters, digits, `.`, `_`, `-`. */
  async createUser(input: { id: string; password: string; displayName?: string; email?: string }): Promise<User> {
    if (!USER_ID.test(input.id)) {
      throw new InputError('user id must be 1-64 letters, digits, ".", "_" or "-"', [
        { name: 'id', message: 'INVALID_FORMAT' },
      ]);
    }
    if (input.password.length < 8) {
      throw new InputError('password must be at least 8 characters', [{ name: 'password', message: 'TOO_SHORT' }]);
    }
    const existing = await this.#db.selectFrom('users').select('id').where('id', '=', input.id).executeTakeFirst();
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

  /** Finds a user by local id, or null. */
  async findUser(id: string): Promise<User | null> {
    const row = await this.#db
      .selectFrom('users')
      .select(['id', 'display_name', 'email'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** Like findUser but throws NotFoundError. */
  async getUser(id: string): Promise<User> {
    const user = await this.findUser(id);
    if (!user) throw new NotFoundError(`no such user "${id}"`, 'USER_NOT_FOUND');
    return user;
  }

  /** Checks a username/password pair; the same error for unknown user and wrong password. */
  async checkPassword(id: string, password: string): Promise<User> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    // Hash anyway for an unknown user so timing does not reveal which accounts exist.
    const ok = row ? await verifyPassword(password, row.password_hash) : (await hashPassword(password), false);
    if (!row || !ok) throw new AuthenticationError('invalid username or password', 'INVALID_CREDENTIALS');
    return toUser(row);
  }

  /** Issues a session bearer token for a user. */
  async createSession(userId: string): Promise<string> {
    const token = newSecret();
    const now = Date.now();
    await this.#db
      .insertInto('sessions')
      .values({ token_hash: hashSecret(token), user_id: userId, created_at: now, expires_at: now + SESSION_TTL_MS })
      .execute();
    return token;
  }

  /** Resolves a session token to its user, or null if unknown or expired. */
  async userForSession(token: string): Promise<User | null> {
    const row = await this.#db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.display_name', 'users.email', 'sessions.expires_at'])
      .where('sessions.token_hash', '=', hashSecret(token))
      .executeTakeFirst();
    if (!row || row.expires_at < Date.now()) return null;
    return toUser(row as { id: string; display_name: string; email: string | null });
  }

  /** Ends a session. */
  async deleteSession(token: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('token_hash', '=', hashSecret(token)).execute();
  }
}
