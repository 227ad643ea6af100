/**
 * Where each outgoing share's resource lives in its owner's tree (table `files_share_roots`), and which file-system
 * object it is (its identity: device, inode, birth time). The path follows MOVEs; the identity lets every access
 * check that the path still names the shared resource and not a newcomer that took its name.
 */
import type { Kysely } from 'kysely';
import type { FilesTables } from './tables.ts';
import { rebase, subtree } from './path-sql.ts';

/** One share root. */
export interface ShareRoot {
  providerId: string;
  owner: string;
  path: string;
  kind: 'file' | 'folder';
  /** Identity of the shared object; null for roots recorded before identities were kept. */
  fileId: string | null;
  /** Identity of a body about to replace a shared file (accepted too while the replacement is in flight). */
  nextFileId: string | null;
}

function toRoot(r: FilesTables['files_share_roots']): ShareRoot {
  return {
    providerId: r.provider_id,
    owner: r.owner_id,
    path: r.path,
    kind: r.kind === 'file' ? 'file' : 'folder',
    fileId: r.file_id ?? null,
    nextFileId: r.next_file_id ?? null,
  };
}

/** The share roots table. */
export class ShareRoots {
  readonly #db: Kysely<FilesTables>;

  constructor(db: Kysely<FilesTables>) {
    this.#db = db;
  }

  /** Records where an outgoing share's resource lives, and what it is. */
  async add(root: Omit<ShareRoot, 'nextFileId'>): Promise<void> {
    await this.#db
      .insertInto('files_share_roots')
      .values({
        provider_id: root.providerId,
        owner_id: root.owner,
        path: root.path,
        kind: root.kind,
        file_id: root.fileId,
      })
      .execute();
  }

  /** The current root of a share, or null once its resource is gone. */
  async get(providerId: string): Promise<ShareRoot | null> {
    const r = await this.#db
      .selectFrom('files_share_roots')
      .selectAll()
      .where('provider_id', '=', providerId)
      .executeTakeFirst();
    return r ? toRoot(r) : null;
  }

  /** Every share root (for the periodic check). */
  async all(): Promise<ShareRoot[]> {
    return (await this.#db.selectFrom('files_share_roots').selectAll().execute()).map(toRoot);
  }

  /** Roots at or below a path of an owner's tree. */
  async within(owner: string, path: string): Promise<ShareRoot[]> {
    const rows = await this.#db
      .selectFrom('files_share_roots')
      .selectAll()
      .where('owner_id', '=', owner)
      .where(subtree(path))
      .execute();
    return rows.map(toRoot);
  }

  /** Records the identity of a root that had none (roots from before identities were kept). */
  async adopt(providerId: string, fileId: string): Promise<void> {
    await this.#db
      .updateTable('files_share_roots')
      .set({ file_id: fileId })
      .where('provider_id', '=', providerId)
      .where('file_id', 'is', null)
      .execute();
  }

  /** True when some share root is this object. */
  async isShared(fileId: string): Promise<boolean> {
    const r = await this.#db
      .selectFrom('files_share_roots')
      .select('provider_id')
      .where('file_id', '=', fileId)
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  }

  /** A shared file's body is about to be replaced by the object `next` (a PUT renames a new file into place). */
  async replacing(fileId: string, next: string): Promise<void> {
    await this.#db.updateTable('files_share_roots').set({ next_file_id: next }).where('file_id', '=', fileId).execute();
  }

  /** The replacement landed: the shared file is now the object `next`. */
  async replaced(fileId: string, next: string): Promise<void> {
    await this.#db
      .updateTable('files_share_roots')
      .set({ file_id: next, next_file_id: null })
      .where('file_id', '=', fileId)
      .execute();
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
