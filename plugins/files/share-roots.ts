/** Where each outgoing share's resource lives in its owner's tree (table `files_share_roots`); it follows MOVEs. */
import type { Kysely } from 'kysely';
import { rebase, subtree } from './path-sql.ts';

/** One share root. */
export interface ShareRoot {
  providerId: string;
  owner: string;
  path: string;
  kind: 'file' | 'folder';
}

/** The share roots table. */
export class ShareRoots {
  readonly #db: Kysely<any>;

  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  /** Records where an outgoing share's resource lives. */
  async add(root: ShareRoot): Promise<void> {
    await this.#db
      .insertInto('files_share_roots')
      .values({ provider_id: root.providerId, owner_id: root.owner, path: root.path, kind: root.kind })
      .execute();
  }

  /** The current root of a share, or null once its resource is gone. */
  async get(providerId: string): Promise<ShareRoot | null> {
    const r = await this.#db
      .selectFrom('files_share_roots')
      .selectAll()
      .where('provider_id', '=', providerId)
      .executeTakeFirst();
    return r ? { providerId: r.provider_id, owner: r.owner_id, path: r.path, kind: r.kind } : null;
  }

  /** Roots at or below a path of an owner's tree. */
  async within(owner: string, path: string): Promise<ShareRoot[]> {
    const rows = await this.#db
      .selectFrom('files_share_roots')
      .selectAll()
      .where('owner_id', '=', owner)
      .where(subtree(path))
      .execute();
    return rows.map((r) => ({ providerId: r.provider_id, owner: r.owner_id, path: r.path, kind: r.kind }));
  }

  /** Forgets a share's root. */
  async remove(providerId: string): Promise<void> {
    await this.#db.deleteFrom('files_share_roots').where('provider_id', '=', providerId).execute();
  }

  /** MOVE: roots at or below `from` follow the resource to `to`. */
  async move(owner: string, from: string, to: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('files_share_roots')
        .select(['provider_id', 'path'])
        .where('owner_id', '=', owner)
        .where(subtree(from))
        .execute();
      for (const r of rows)
        await trx
          .updateTable('files_share_roots')
          .set({ path: rebase(r.path, from, to) })
          .where('provider_id', '=', r.provider_id)
          .execute();
    });
  }
}
