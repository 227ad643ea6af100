import type { MeshworkPlugin } from '#core';

/** The plugins a default server runs, in order. Explicit: nothing registers itself on import. */
export function defaultPlugins(): MeshworkPlugin[] {
  return [];
}
