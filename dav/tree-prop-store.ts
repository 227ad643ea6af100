/**
 * A database DeadPropertyStore for trees shaped `/<owner>/<collection>/<member>` whose collections are rows of a
 * table (calendars, address books): each property row names the collection by its id, with a foreign key that
 * cascades, so properties go with their collection however it is removed (DAV, an app's API, federation, an
 * account's deletion), and a collection made later under the same name starts clean. A row without a collection
 * belongs to the owner's home. The tables are the backend's (its migration); only their shape is fixed here:
 * `props(owner_id, collection_id NULL → collections.id ON DELETE CASCADE, member NULL, name, value)`, member null for
 * the collection or home itself, and `collections(id, owner_id, uri)`. With a second foreign key
 * `(collection_id, member) → members(collection, uri) ON DELETE CASCADE` a member's properties go with it too,
 * however it is deleted (null members are not checked).
 */
import type { Kysely } from 'kysely';
import type { DeadPropertyStore } from './dead-props.ts';
import { DavError, forbidden, notFound } from './errors.ts';

/** At most this many dead properties on one resource, and this many bytes of their values together. */
export const MAX_DEAD_PROPERTIES_PER_RESOURCE = 200;
export const MAX_DEAD_PROPERTY_BYTES_PER_RESOURCE = 1 << 20;

/** The backend's table names. */
export interface TreePropTables {
  /** The property rows (shape above). */
  props: string;
  /** The collections (`id`, `owner_id`, `uri`). */
  collections: string;
  /**
   * Called inside the transaction that changed a collection's (member null) or a member's properties: the backend
   * bumps the collection's change counter there (and logs the member as changed), so caches keyed by the counter
   * (`ResponseCache`, `ListingCache`) and sync clients see the change, on every app node.
   */
  onChange?: (trx: Kysely<any>, collectionId: string, member: string | null) => Promise<void>;
}

/** A storage path taken apart: the home (collection null), a collection (member ''), or a member. */
interface Target {
  owner: string;
  collection: string | null;
  member: string;
}

function parse(path: string): Target | null {
  const segs = path.split('/').filter((s) => s !== '');
  if (segs.length === 0 || segs.length > 3) return null;
  return { owner: segs[0]!, collection: segs[1] ?? null, member: segs[2] ?? '' };
}

function keyOf(owner: string, collection: string | null, member: string): string {
  return `/${owner}${collection === null ? '' : `/${collection}`}${member === '' ? '' : `/${member}`}`;
}

const strip = (p: string): string => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);

/** The stored member: null for the collection or home itself. */
const stored = (member: string): string | null => (member === '' ? null : member);

type Row = { owner_id: string; collection_id: string | null; member: string | null; name: string; value: string };

/** A query builder narrowed to one member ('' = the collection or home itself). */
function onMember<Q extends { where(...a: any[]): Q }>(q: Q, member: string): Q {
  return member === '' ? q.where('member', 'is', null) : q.where('member', '=', member);
}

/** Dead properties of a home / collection / member tree, in the backend's own tables. */
export class TreeDeadPropertyStore implements DeadPropertyStore {
  readonly #db: Kysely<any>;
  readonly #t: TreePropTables;

  constructor(db: Kysely<any>, tables: TreePropTables) {
    this.#db = db;
    this.#t = tables;
  }

  async get(_space: string, paths: readonly string[]): Promise<Map<string, Map<string, string>>> {
    const out = new Map<string, Map<string, string>>();
    const wanted = new Map<string, string>(); // normalised key → the caller's key
    const targets: Target[] = [];
    for (const p of paths) {
      const t = parse(p);
      if (!t) continue;
      targets.push(t);
      wanted.set(keyOf(t.owner, t.collection, t.member), p);
    }
    if (targets.length === 0) return out;
    const owners = [...new Set(targets.map((t) => t.owner))];
    const collections = [...new Set(targets.flatMap((t) => (t.collection === null ? [] : [t.collection])))];
    const members = [...new Set(targets.map((t) => t.member))];
    const homes = targets.some((t) => t.collection === null);
    let q = this.#db
      .selectFrom(`${this.#t.props} as p`)
      .leftJoin(`${this.#t.collections} as c`, 'c.id', 'p.collection_id')
      .select([
        'p.owner_id as owner',
        'c.uri as collection',
        'p.member as member',
        'p.name as name',
        'p.value as value',
      ])
      .where('p.owner_id', 'in', owners)
      .where((eb) => {
        const parts = [];
        if (homes) parts.push(eb('p.collection_id', 'is', null));
        if (collections.length) parts.push(eb('c.uri', 'in', collections));
        return eb.or(parts);
      });
    // A Depth 1 listing names every member; a handful is worth a narrower query.
    const named = members.filter((m) => m !== '');
    if (members.length <= 200)
      q = q.where((eb) =>
        eb.or([
          ...(named.length ? [eb('p.member', 'in', named)] : []),
          ...(named.length < members.length ? [eb('p.member', 'is', null)] : []),
        ]),
      );
    for (const r of await q.execute()) {
      const asked = wanted.get(keyOf(r.owner, r.collection ?? null, r.member ?? ''));
      if (asked === undefined) continue;
      let m = out.get(asked);
      if (!m) out.set(asked, (m = new Map()));
      m.set(r.name, r.value);
    }
    return out;
  }

  /** The id of a target's collection (null for the home); undefined when the collection does not exist. */
  async #collectionId(db: Kysely<any>, t: Target): Promise<string | null | undefined> {
    if (t.collection === null) return null;
    const row = await db
      .selectFrom(this.#t.collections)
      .select('id')
      .where('owner_id', '=', t.owner)
      .where('uri', '=', t.collection)
      .executeTakeFirst();
    return row ? (row.id as string) : undefined;
  }

  #at(db: Kysely<any>, owner: string, id: string | null) {
    const base = db.deleteFrom(this.#t.props).where('owner_id', '=', owner);
    return id === null ? base.where('collection_id', 'is', null) : base.where('collection_id', '=', id);
  }

  async patch(_space: string, path: string, ops: ReadonlyArray<{ name: string; value: string | null }>) {
    const t = parse(strip(path));
    if (!t) throw forbidden('properties cannot be stored here', 'cannot-modify-protected-property');
    await this.#db.transaction().execute(async (trx) => {
      const id = await this.#collectionId(trx, t);
      if (id === undefined) throw notFound();
      for (const op of ops) {
        await onMember(this.#at(trx, t.owner, id), t.member)
          .where('name', '=', op.name)
          .execute();
        if (op.value !== null)
          await trx
            .insertInto(this.#t.props)
            .values({ owner_id: t.owner, collection_id: id, member: stored(t.member), name: op.name, value: op.value })
            .execute();
      }
      // A client may not grow one resource without bound, one PROPPATCH at a time (the whole patch is undone).
      const all = await onMember(
        trx
          .selectFrom(this.#t.props)
          .select('value')
          .where('owner_id', '=', t.owner)
          .where('collection_id', id === null ? 'is' : '=', id),
        t.member,
      ).execute();
      const bytes = all.reduce((n, r) => n + Buffer.byteLength(String(r.value)), 0);
      if (all.length > MAX_DEAD_PROPERTIES_PER_RESOURCE || bytes > MAX_DEAD_PROPERTY_BYTES_PER_RESOURCE)
        throw new DavError(
          507,
          `a resource keeps at most ${MAX_DEAD_PROPERTIES_PER_RESOURCE} properties of together 1 MiB`,
          'DAV_PROP_TOO_LARGE',
        );
      if (id !== null) await this.#t.onChange?.(trx, id, stored(t.member));
    });
  }

  async removeTree(_space: string, path: string): Promise<void> {
    const t = parse(strip(path));
    if (!t || t.collection === null) return; // homes are never removed through DAV
    await this.#db.transaction().execute(async (trx) => {
      const id = await this.#collectionId(trx, t);
      if (id === undefined) return; // gone, and its rows with it (cascade)
      const q = this.#at(trx, t.owner, id);
      await (t.member === '' ? q : onMember(q, t.member)).execute();
    });
  }

  /** Forgets everything of an owner (an account's deletion; its collections' rows also go with them). */
  async removeOwner(owner: string): Promise<void> {
    await this.#db.deleteFrom(this.#t.props).where('owner_id', '=', owner).execute();
  }

  async moveTree(space: string, from: string, to: string): Promise<void> {
    await this.#transfer(from, to, true, true);
    void space;
  }

  async copyTree(_space: string, from: string, to: string, deep: boolean): Promise<void> {
    await this.#transfer(from, to, deep, false);
  }

  /** Copies (or moves) a member's or a collection's rows onto another target, replacing what it had. */
  async #transfer(fromPath: string, toPath: string, deep: boolean, move: boolean): Promise<void> {
    const from = parse(strip(fromPath));
    const to = parse(strip(toPath));
    if (!from || !to || from.collection === null || to.collection === null) return;
    if ((from.member === '') !== (to.member === '')) return;
    await this.#db.transaction().execute(async (trx) => {
      const fromId = await this.#collectionId(trx, from);
      const toId = await this.#collectionId(trx, to);
      if (!fromId || !toId) return;
      const whole = from.member === '';
      let q = trx
        .selectFrom(this.#t.props)
        .selectAll()
        .where('owner_id', '=', from.owner)
        .where('collection_id', '=', fromId);
      q = whole ? (deep ? q : onMember(q, '')) : onMember(q, from.member);
      const rows = (await q.execute()) as Row[];
      // A move whose source has no rows left was carried already (the backend's own move, or a copy before the
      // source went): the target keeps what it has. A MOVE deletes an overwritten target before, so nothing stale stays.
      if (move && rows.length === 0) return;
      const target = this.#at(trx, to.owner, toId);
      await (whole ? target : onMember(target, to.member)).execute();
      for (const r of rows)
        await trx
          .insertInto(this.#t.props)
          .values({ ...r, owner_id: to.owner, collection_id: toId, member: whole ? r.member : stored(to.member) })
          .execute();
      if (move && rows.length) {
        const src = this.#at(trx, from.owner, fromId);
        await (whole ? src : onMember(src, from.member)).execute();
      }
      await this.#t.onChange?.(trx, toId, whole ? null : stored(to.member));
    });
  }
}
