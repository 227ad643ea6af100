/**
 * WebDAV locks in the database (table `files_locks`), the toolkit's LockBackend port. Every app node on one
 * PostgreSQL sees the same locks; granting a lock is one transaction that first takes a transaction-scoped advisory
 * lock on the tree, so two nodes can never both grant conflicting locks. On SQLite (one process) the transaction is
 * already exclusive. Expired locks are never returned and are swept when new ones are granted.
 */
import { sql, type Kysely } from 'kysely';
import type { FilesTables } from './tables.ts';
import type { DavLock, LockBackend } from '#dav';
import { selfAndAncestors, subtree } from './path-sql.ts';

type LockRow = FilesTables['files_locks'];

function toLock(r: LockRow): DavLock {
  return {
    token: r.token,
    space: r.space,
    path: r.path,
    depth: r.depth === '0' ? '0' : 'infinity',
    scope: r.scope === 'shared' ? 'shared' : 'exclusive',
    ownerXml: r.owner_xml,
    principal: r.principal,
    timeoutSeconds: Number(r.timeout_seconds),
    expiresAt: Number(r.expires_at),
  };
}

/** Locks stored in the files plugin's table. */
export class DbLockBackend implements LockBackend {
  readonly #db: Kysely<FilesTables>;
  readonly #postgres: boolean;

  constructor(db: Kysely<FilesTables>, dialect: 'sqlite' | 'postgres') {
    this.#db = db;
    this.#postgres = dialect === 'postgres';
  }

  #find(db: Kysely<FilesTables>, space: string, path: string, descendants: boolean): Promise<LockRow[]> {
    const ancestors = selfAndAncestors(path);
    return db
      .selectFrom('files_locks')
      .selectAll()
      .where('space', '=', space)
      .where('expires_at', '>', Date.now())
      .where((eb) => (descendants ? eb.or([eb('path', 'in', ancestors), subtree(path)]) : eb('path', 'in', ancestors)))
      .execute();
  }

  async find(space: string, path: string, descendants: boolean): Promise<DavLock[]> {
    return (await this.#find(this.#db, space, path, descendants)).map(toLock);
  }

  async byToken(token: string): Promise<DavLock | null> {
    const r = await this.#db
      .selectFrom('files_locks')
      .selectAll()
      .where('token', '=', token)
      .where('expires_at', '>', Date.now())
      .executeTakeFirst();
    return r ? toLock(r) : null;
  }

  async create(lock: DavLock, conflicting: (existing: DavLock[]) => DavLock[]): Promise<DavLock[]> {
    return this.#db.transaction().execute(async (trx) => {
      // One granter per tree at a time, across every node sharing this database.
      if (this.#postgres)
        await sql`select pg_advisory_xact_lock(hashtext(${`files_locks:${lock.space}`}))`.execute(trx);
      await trx.deleteFrom('files_locks').where('expires_at', '<=', Date.now()).execute();
      const clash = conflicting((await this.#find(trx, lock.space, lock.path, true)).map(toLock));
      if (clash.length) return clash;
      await trx
        .insertInto('files_locks')
        .values({
          token: lock.token,
          space: lock.space,
          path: lock.path,
          depth: lock.depth,
          scope: lock.scope,
          owner_xml: lock.ownerXml,
          principal: lock.principal,
          timeout_seconds: lock.timeoutSeconds,
          expires_at: lock.expiresAt,
        })
        .execute();
      return [];
    });
  }

  async refresh(token: string, timeoutSeconds: number, expiresAt: number): Promise<void> {
    await this.#db
      .updateTable('files_locks')
      .set({ timeout_seconds: timeoutSeconds, expires_at: expiresAt })
      .where('token', '=', token)
      .execute();
  }

  async remove(token: string): Promise<boolean> {
    const r = await this.#db.deleteFrom('files_locks').where('token', '=', token).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async removeTree(space: string, path: string): Promise<void> {
    await this.#db.deleteFrom('files_locks').where('space', '=', space).where(subtree(path)).execute();
  }

  async removePrincipal(principal: string): Promise<void> {
    await this.#db.deleteFrom('files_locks').where('principal', '=', principal).execute();
  }
}
