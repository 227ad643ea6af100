/** Dead properties of the files trees (table `files_props`), the toolkit's DeadPropertyStore port. */
import type { Kysely } from 'kysely';
import type { FilesTables } from './tables.ts';
import type { DeadPropertyStore } from '#dav';
import { rebase, subtree } from './path-sql.ts';

/** Dead properties keyed by (owner, tree path). */
export class PropStore implements DeadPropertyStore {
  readonly #db: Kysely<FilesTables>;

  constructor(db: Kysely<FilesTables>) {
    this.#db = db;
  }

  async get(owner: string, paths: readonly string[]): Promise<Map<string, Map<string, string>>> {
    const out = new Map<string, Map<string, string>>();
    for (let i = 0; i < paths.length; i += 500) {
      const rows = await this.#db
        .selectFrom('files_props')
        .select(['path', 'name', 'value'])
        .where('owner_id', '=', owner)
        .where('path', 'in', paths.slice(i, i + 500))
        .execute();
      for (const r of rows) {
        let m = out.get(r.path);
        if (!m) out.set(r.path, (m = new Map()));
        m.set(r.name, r.value);
      }
    }
    return out;
  }

  async patch(owner: string, path: string, ops: ReadonlyArray<{ name: string; value: string | null }>): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      for (const op of ops) {
        await trx
          .deleteFrom('files_props')
          .where('owner_id', '=', owner)
          .where('path', '=', path)
          .where('name', '=', op.name)
          .execute();
        if (op.value !== null)
          await trx
            .insertInto('files_props')
            .values({ owner_id: owner, path, name: op.name, value: op.value })
            .execute();
      }
    });
  }

  async removeTree(owner: string, path: string): Promise<void> {
    await this.#db.deleteFrom('files_props').where('owner_id', '=', owner).where(subtree(path)).execute();
  }

  async moveTree(owner: string, from: string, to: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('files_props').where('owner_id', '=', owner).where(subtree(to)).execute();
      const rows = await trx
        .selectFrom('files_props')
        .select('path')
        .distinct()
        .where('owner_id', '=', owner)
        .where(subtree(from))
        .execute();
      for (const r of rows) {
        await trx
          .updateTable('files_props')
          .set({ path: rebase(r.path, from, to) })
          .where('owner_id', '=', owner)
          .where('path', '=', r.path)
          .execute();
      }
    });
  }

  async copyTree(owner: string, from: string, to: string, deep: boolean): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('files_props').where('owner_id', '=', owner).where(subtree(to)).execute();
      let q = trx.selectFrom('files_props').select(['path', 'name', 'value']).where('owner_id', '=', owner);
      q = deep ? q.where(subtree(from)) : q.where('path', '=', from);
      for (const r of await q.execute()) {
        await trx
          .insertInto('files_props')
          .values({ owner_id: owner, path: rebase(r.path, from, to), name: r.name, value: r.value })
          .execute();
      }
    });
  }
}
