/**
 * Dead properties (RFC 4918 §4): whatever a client PROPPATCHes that no extension claims is stored verbatim through a
 * DeadPropertyStore and returned by PROPFIND (before live properties, so a client's displayname wins). Stored
 * properties follow MOVE, are copied by COPY, and vanish with DELETE or when a new resource takes the name.
 */
import { DavError } from './errors.ts';
import type { DavExtension } from './server.ts';

/** Where dead properties live, keyed by (space, storage path). */
export interface DeadPropertyStore {
  /** Properties of several paths: path → (Clark name → inner XML). */
  get(space: string, paths: readonly string[]): Promise<Map<string, Map<string, string>>>;
  /** Applies sets (value) and removals (null) in document order, atomically. */
  patch(space: string, path: string, ops: ReadonlyArray<{ name: string; value: string | null }>): Promise<void>;
  /** Forgets a path and everything below it. */
  removeTree(space: string, path: string): Promise<void>;
  /** Moves a path's properties and everything below it (replacing what the target had; a source with none left, already carried by the backend, changes nothing). */
  moveTree(space: string, from: string, to: string): Promise<void>;
  /** Copies properties (deep: everything below too), replacing what the target had. */
  copyTree(space: string, from: string, to: string, deep: boolean): Promise<void>;
}

/** Largest stored value of one property (bytes of its XML). */
export const MAX_DEAD_PROPERTY_BYTES = 64 * 1024;

/** Creates the dead-properties extension on a store. */
export function deadPropertiesExtension(store: DeadPropertyStore): DavExtension {
  return {
    name: 'dead-properties',
    setup(server) {
      server.addPropertyProvider(
        {
          async propFind(batch, d) {
            // A protected property is never stored dead (PROPPATCH refuses it): a request that names only such
            // properties (a sync client's getetag, a report's calendar-data) needs no look-up.
            const want = batch.filter(
              (pf) => pf.request.kind !== 'prop' || !pf.request.names.every((n) => server.isProtected(n)),
            );
            if (want.length === 0) return;
            const stored = await store.get(
              d.mount.space,
              want.map((pf) => d.key(pf.path)),
            );
            for (const pf of want) for (const [name, value] of stored.get(d.key(pf.path)) ?? []) pf.handle(name, value);
          },
        },
        50,
      );
      server.addPropPatchHandler(
        {
          claims: () => true,
          async apply(d, _node, ops) {
            if (ops.some((o) => o.value !== null && Buffer.byteLength(o.value) > MAX_DEAD_PROPERTY_BYTES))
              throw new DavError(507, 'property values are limited to 64 KiB', 'DAV_PROP_TOO_LARGE');
            await store.patch(
              d.mount.space,
              d.key(),
              ops.map((o) => ({ name: o.name, value: o.value })),
            );
          },
        },
        1000,
      );
      server.on('afterCreate', (d, path) => store.removeTree(d.mount.space, d.key(path)));
      server.on('afterUnbind', (d, path) => store.removeTree(d.mount.space, d.key(path)));
      server.on('afterMove', (d, from, to) => store.moveTree(d.mount.space, d.key(from), d.key(to)));
      server.on('afterCopy', (d, from, to, deep) => store.copyTree(d.mount.space, d.key(from), d.key(to), deep));
    },
  };
}
