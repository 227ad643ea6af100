import { NotImplementedError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { MeshworkPlugin, PluginHooks, ResourceTypeSpec } from './plugin-types.ts';

/** A set-up plugin: its declaration and the hooks its setup returned. */
export interface LoadedPlugin {
  plugin: MeshworkPlugin;
  hooks: PluginHooks;
}

/** Finds the plugin owning a resource type and runs its hooks; a failing notification hook is logged, not fatal. */
export class PluginHost {
  readonly #byType = new Map<string, LoadedPlugin>();
  readonly #loaded: LoadedPlugin[] = [];
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  add(loaded: LoadedPlugin): void {
    for (const rt of loaded.plugin.resourceTypes) {
      if (this.#byType.has(rt.name)) throw new Error(`resource type ${rt.name} is claimed by two plugins`);
      this.#byType.set(rt.name, loaded);
    }
    this.#loaded.push(loaded);
  }

  /** All resource types, for discovery. */
  resourceTypes(): ResourceTypeSpec[] {
    return this.#loaded.flatMap((l) => l.plugin.resourceTypes);
  }

  /** The resource type's spec, or null if no plugin serves it. */
  spec(resourceType: string): ResourceTypeSpec | null {
    return this.#byType.get(resourceType)?.plugin.resourceTypes.find((r) => r.name === resourceType) ?? null;
  }

  /** The hooks for a resource type; 501 when unknown. */
  hooks(resourceType: string): PluginHooks {
    const l = this.#byType.get(resourceType);
    if (!l)
      throw new NotImplementedError(
        `resource type "${resourceType}" is not supported here`,
        'RESOURCE_TYPE_NOT_SUPPORTED',
      );
    return l.hooks;
  }

  /** Runs a side-effect hook, logging instead of throwing: the share state change has already happened. */
  async notify<K extends keyof PluginHooks>(
    resourceType: string,
    hook: K,
    ...args: Parameters<NonNullable<PluginHooks[K]>>
  ): Promise<void> {
    const l = this.#byType.get(resourceType);
    const fn = l?.hooks[hook] as ((...a: unknown[]) => Promise<unknown>) | undefined;
    if (!fn) return;
    try {
      await fn(...args);
    } catch (err) {
      this.#log.error({ err, resourceType, hook }, 'plugin hook failed');
    }
  }

  async dispose(): Promise<void> {
    for (const l of this.#loaded) await l.hooks.dispose?.().catch(() => {});
  }
}
