import type { MeshworkPlugin } from './plugin-types.ts';

/**
 * Orders plugins so each comes after the plugins it `dependsOn` (its dependencies' APIs exist when its
 * `setup` runs), keeping the given order otherwise. Refuses, naming the plugin, a missing dependency, a
 * repeated id and a dependency cycle: start-up stops rather than running half a feature.
 */
export function orderPlugins(plugins: readonly MeshworkPlugin[]): MeshworkPlugin[] {
  const byId = new Map<string, MeshworkPlugin>();
  for (const p of plugins) {
    if (byId.has(p.id)) throw new Error(`plugin ${p.id} is enabled twice`);
    byId.set(p.id, p);
  }
  for (const p of plugins) {
    for (const dep of p.dependsOn ?? []) {
      if (!byId.has(dep)) throw new Error(`plugin ${p.id} depends on plugin ${dep}, which is not enabled`);
    }
  }
  const ordered: MeshworkPlugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (p: MeshworkPlugin, path: string[]): void => {
    const s = state.get(p.id);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`plugins depend on each other in a cycle: ${[...path, p.id].join(' → ')}`);
    state.set(p.id, 'visiting');
    for (const dep of p.dependsOn ?? []) visit(byId.get(dep) as MeshworkPlugin, [...path, p.id]);
    state.set(p.id, 'done');
    ordered.push(p);
  };
  for (const p of plugins) visit(p, []);
  return ordered;
}

/** The APIs plugins publish for the plugins that declare a dependency on them. */
export class PluginApis {
  readonly #apis = new Map<string, unknown>();

  /** Publishes `pluginId`'s API (once). */
  provide(pluginId: string, api: unknown): void {
    if (this.#apis.has(pluginId)) throw new Error(`plugin ${pluginId} provided its API twice`);
    this.#apis.set(pluginId, api);
  }

  /** The API of `dependency`, for `user`, which must have declared it in `dependsOn`. */
  use<T>(user: MeshworkPlugin, dependency: string): T {
    if (!(user.dependsOn ?? []).includes(dependency))
      throw new Error(`plugin ${user.id} uses plugin ${dependency} without declaring it in dependsOn`);
    if (!this.#apis.has(dependency))
      throw new Error(`plugin ${dependency} provides no API (plugin ${user.id} asked for it)`);
    return this.#apis.get(dependency) as T;
  }
}
