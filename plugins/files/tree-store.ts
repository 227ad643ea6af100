/**
 * Database state that follows tree paths: dead properties (PROPPATCH) and the roots of outgoing shares. Both must
 * move with MOVE, be copied with COPY (properties only) and vanish with DELETE, in one place.
 */
import { sql, type Kysely } from 'kysely';

/** Rows whose path is `path` itself or lies below it (no LIKE, so `%` and `_` in names are harmless). */
function subtree(path: string) {
  const prefix = path === '/' ? '/' : `${path}/`;
  const len = Array.from(prefix).length;
  return sql<boolean>`(path = ${path} or substr(path, 1, ${len}) = ${prefix})`;
}

function rebase(p: string, from: string, to: string): string {
  return p === from ? to : `${to === '/' ? '' : to}${p.slice(from === '/' ? 0 : from.length)}`;
}

/** Dead properties and share roots keyed by (owner, tree path). */
export class TreeStore {
  constructor(private readonly db: Kysely<any>) {}

  /** Dead properties of several paths: path → (clark name → inner XML). */
  async props(owner: string, paths: string[]): Promise<Map<string, Map<string, string>>> {
    const out = new Map<string, Map<string, string>>();
    for (let i = 0; i < paths.length; i += 500) {
      const chunk = paths.slice(i, i + 500);
      const rows = await this.db
        .selectFrom('files_props')
        .select(['path', 'name', 'value'])
        .where('owner_id', '=', owner)
        .where('path', 'in', chunk)
        .execute();
      for (const r of rows) {
        let m = out.get(r.path);
        if (!m) out.set(r.path, (m = new Map()));
        m.set(r.name, r.value);
      }
    }
    return out;
  }

  /** Applies a PROPPATCH atomically: sets then removals, in document order. */
  async patch(owner: string, path: string, ops: Array<{ name: string; value: string | null }>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
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

  /** Forgets everything at and below a path (DELETE, or a MOVE/COPY target being replaced). */
  async removeTree(owner: string, path: string): Promise<void> {
    await this.db.deleteFrom('files_props').where('owner_id', '=', owner).where(subtree(path)).execute();
    await this.db.deleteFrom('files_share_roots').where('owner_id', '=', owner).where(subtree(path)).execute();
  }

  /** MOVE: properties and share roots follow the resource. */
  async moveTree(owner: string, from: string, to: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('files_props').where('owner_id', '=', owner).where(subtree(to)).execute();
      for (const table of ['files_props', 'files_share_roots'] as const) {
        const rows = await trx
          .selectFrom(table)
          .select('path')
          .distinct()
          .where('owner_id', '=', owner)
          .where(subtree(from))
          .execute();
        for (const r of rows) {
          await trx
            .updateTable(table)
            .set({ path: rebase(r.path, from, to) })
            .where('owner_id', '=', owner)
            .where('path', '=', r.path)
            .execute();
        }
      }
    });
  }

  /** COPY: dead properties are copied (depth 0 copies only the resource's own). */
  async copyProps(owner: string, from: string, to: string, deep: boolean): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
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

  /** Records where an outgoing share's resource lives in its owner's tree. */
  async addShareRoot(providerId: string, owner: string, path: string, kind: 'file' | 'folder'): Promise<void> {
    await this.db
      .insertInto('files_share_roots')
      .values({ provider_id: providerId, owner_id: owner, path, kind })
      .execute();
  }

  /** The current root of a share (it follows MOVEs by the owner), or null once deleted. */
  async shareRoot(providerId: string): Promise<{ owner: string; path: string; kind: 'file' | 'folder' } | null> {
    const r = await this.db
      .selectFrom('files_share_roots')
      .selectAll()
      .where('provider_id', '=', providerId)
      .executeTakeFirst();
    return r ? { owner: r.owner_id, path: r.path, kind: r.kind } : null;
  }
}
