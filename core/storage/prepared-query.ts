import type { Compilable, CompiledQuery, Kysely, KyselyPlugin, QueryResult, RawBuilder } from 'kysely';

/**
 * A hot query built and compiled once per database engine, then run with new values. Kysely builds an immutable
 * operation tree and compiles it to SQL on every call: for a wide INSERT that costs more CPU than SQLite spends
 * running it (about 50 µs against 60 µs), on every share. The statement is built once with a marker in place of
 * each value; the markers' positions among the compiled parameters give where each call's values go. Same SQL text
 * every time, so SQLite's prepared statement cache (storage/database.ts) and PostgreSQL see one statement.
 *
 * Only for statements whose shape does not depend on the values (no optional columns, no lists of varying length):
 * a caller with several shapes keeps one PreparedQuery per shape. An undefined value is bound as NULL.
 *
 * Plugins use it through `#core` for the one-row reads every DAV request runs (a calendar or address book by owner
 * and URI, an object by collection and URI) and the statements every chat message runs. The builder may also return a
 * raw `sql` template (compiled through the handle it runs on). On a handle with Kysely plugins (a plugin's table
 * scope) the statement is compiled through that handle, once per engine and set of plugin instances (a handle's
 * transactions carry the same instances, so they share it): the scope check runs at that compile, and running a
 * compiled query does not compile it again, so the check still covers every statement this runs.
 */
export class PreparedQuery<R> {
  readonly #build: (db: Kysely<any>, ...values: string[]) => Compilable<R> | RawBuilder<R>;
  readonly #arity: number;
  // Per engine (a database's Kysely handle and its transactions share one adapter object) and, on a handle with
  // plugins, per plugin instance under it in order (a transaction copies its handle's plugin list, not the plugins).
  readonly #compiled = new WeakMap<object, Compiled<R>>();

  constructor(arity: number, build: (db: Kysely<any>, ...values: string[]) => Compilable<R> | RawBuilder<R>) {
    this.#arity = arity;
    this.#build = build;
  }

  /** Runs the statement with `values` (in the builder's argument order) on `db`, which may be a transaction. */
  execute(db: Kysely<any>, values: readonly unknown[]): Promise<QueryResult<R>> {
    if (values.length !== this.#arity) throw new Error(`prepared query takes ${this.#arity} values`);
    const executor = db.getExecutor();
    // A handle's plugins (a plugin's table scope) run when it compiles: what one compiled stays theirs.
    const entry = this.#entry(executor.adapter, executor.plugins);
    if (!entry.compiled) entry.compiled = this.#compile(db);
    const compiled = entry.compiled;
    // An undefined value is stored as NULL (a builder would have left the column out, to the same effect here).
    const parameters = compiled.slots.map((s) => (typeof s === 'number' ? (values[s] ?? null) : s.value));
    return db.executeQuery<R>({ ...compiled.query, parameters });
  }

  #entry(adapter: object, plugins: readonly KyselyPlugin[]): Compiled<R> {
    let entry: Compiled<R> | undefined = this.#compiled.get(adapter);
    if (!entry) this.#compiled.set(adapter, (entry = { next: new WeakMap() }));
    for (const plugin of plugins) {
      let next: Compiled<R> | undefined = entry.next.get(plugin);
      if (!next) entry.next.set(plugin, (next = { next: new WeakMap() }));
      entry = next;
    }
    return entry;
  }

  /** The first row, or undefined. */
  async first(db: Kysely<any>, values: readonly unknown[]): Promise<R | undefined> {
    return (await this.execute(db, values)).rows[0];
  }

  #compile(db: Kysely<any>): { query: CompiledQuery<R>; slots: Slot[] } {
    const markers = Array.from({ length: this.#arity }, (_, i) => `${MARK}${i}${MARK}`);
    const built = this.#build(db, ...markers);
    const query = isRaw(built) ? built.compile(db) : built.compile();
    const seen = new Set<number>();
    const slots = query.parameters.map((p): Slot => {
      const i = typeof p === 'string' ? markers.indexOf(p) : -1;
      if (i < 0) return { value: p };
      seen.add(i);
      return i;
    });
    if (seen.size !== this.#arity) throw new Error('a prepared query must use every value it is given as a parameter');
    return { query, slots };
  }
}

/** What was compiled for one engine and set of plugins, and the entries of longer plugin lists under it. */
interface Compiled<R> {
  compiled?: { query: CompiledQuery<R>; slots: Slot[] };
  next: WeakMap<object, Compiled<R>>;
}

/** A raw `sql` template compiles through a handle; a query builder through its own. */
function isRaw<R>(b: Compilable<R> | RawBuilder<R>): b is RawBuilder<R> {
  return 'isRawBuilder' in b && b.isRawBuilder === true;
}

/** A compiled parameter: the index of a caller's value, or a constant the builder wrote. */
type Slot = number | { value: unknown };

// Cannot occur in a real value: a NUL on each side of a private-use character.
const MARK = '\u0000\uE000';
