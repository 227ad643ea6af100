import { MeshworkError } from '../errors.ts';
import type { MeshworkPlugin } from './plugin-types.ts';
import { satisfies } from './semver-range.ts';

/**
 * The plugin SDK's version (`#sdk`). A plugin declares the range it is written for (`sdk: '^1.0.0'`); additions
 * raise the minor version, an incompatible change the major one.
 */
export const SDK_VERSION = '1.1.0';

/** A plugin's declaration is refused at start-up; the message names the plugin and what conflicts. */
export class PluginManifestError extends MeshworkError {
  readonly pluginId: string;
  constructor(pluginId: string, message: string) {
    super('PLUGIN_MANIFEST_INVALID', `plugin ${pluginId}: ${message}`);
    this.pluginId = pluginId;
  }
}

/** Path prefixes the core itself answers (and the web app's own routes); no plugin may mount on or below them. */
export const CORE_PREFIXES = [
  '/api',
  '/ocm',
  '/ocm-provider',
  '/.well-known/ocm',
  '/.well-known/jwks.json',
  '/socket.io',
  '/invite',
  '/invites',
  '/invite-accepted',
  '/assets',
  '/web-plugins',
];

/** Segments of `/api/v1/` the core uses: a plugin's API lives at `/api/v1/<id>`, so no plugin may be called that. */
const CORE_API_SEGMENTS = ['auth', 'contacts', 'invite', 'invites', 'me', 'notifications', 'shares', 'token', 'wayf'];

const PREFIX = /^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

function normalise(prefix: string): string {
  return prefix.replace(/\/+$/, '');
}

/** Whether `path` is `prefix` or lies below it. */
function within(path: string, prefix: string): boolean {
  const x = normalise(path);
  const y = normalise(prefix);
  return x === y || x.startsWith(`${y}/`);
}

/** Whether two path prefixes overlap (one is the other or lies below it). */
export function prefixesOverlap(a: string, b: string): boolean {
  const x = normalise(a);
  const y = normalise(b);
  return within(x, y) || within(y, x);
}

/**
 * Checks every enabled plugin's declaration against the core and each other, before anything runs: a repeated id,
 * an id the core's API uses, a resource type, notification type or mount prefix claimed twice or overlapping the
 * core's routes, a malformed declaration, and an SDK range that excludes this server's `SDK_VERSION`.
 */
export function checkManifests(plugins: readonly MeshworkPlugin[], sdkVersion = SDK_VERSION): void {
  const ids = new Map<string, MeshworkPlugin>();
  const types = new Map<string, string>();
  const notifications = new Map<string, string>();
  const prefixes: Array<[string, string]> = [];
  for (const p of plugins) {
    const id = typeof p?.id === 'string' ? p.id : '(no id)';
    if (typeof p !== 'object' || p === null || typeof p.setup !== 'function')
      throw new PluginManifestError(id, 'is not a plugin (an object with id, resourceTypes and setup)');
    if (ids.has(id)) throw new PluginManifestError(id, 'is enabled twice (two plugins have this id)');
    ids.set(id, p);
    // Plugins built on the SDK (they declare `sdk`) may not take a name the core's API uses; the built-in ones are
    // reviewed with the core (the contacts plugin deliberately extends /api/v1/contacts).
    if (p.sdk !== undefined && CORE_API_SEGMENTS.includes(id))
      throw new PluginManifestError(id, `its id is taken by the core's own API (/api/v1/${id})`);
    if (p.sdk !== undefined) {
      let ok: boolean;
      try {
        ok = satisfies(sdkVersion, p.sdk);
      } catch (err) {
        throw new PluginManifestError(id, `sdk "${p.sdk}" is not a version range (${(err as Error).message})`);
      }
      if (!ok)
        throw new PluginManifestError(id, `needs plugin SDK ${p.sdk}, but this Meshwork provides SDK ${sdkVersion}`);
    }
    if (!Array.isArray(p.resourceTypes)) throw new PluginManifestError(id, 'resourceTypes must be a list');
    for (const rt of p.resourceTypes) {
      const owner = types.get(rt.name);
      if (owner) throw new PluginManifestError(id, `resource type "${rt.name}" is already served by plugin ${owner}`);
      types.set(rt.name, id);
    }
    for (const n of p.notificationTypes ?? []) {
      const owner = notifications.get(n);
      if (owner) throw new PluginManifestError(id, `notification type "${n}" is already handled by plugin ${owner}`);
      notifications.set(n, id);
    }
    for (const w of p.wire?.notifications ?? []) {
      if (!(p.notificationTypes ?? []).includes(w.type))
        throw new PluginManifestError(id, `declares notification ${w.type} but does not list it in notificationTypes`);
    }
    for (const prefix of p.serverPrefixes ?? []) {
      if (!PREFIX.test(prefix)) throw new PluginManifestError(id, `mount path "${prefix}" is not an absolute path`);
      const core = CORE_PREFIXES.find((c) => prefixesOverlap(prefix, c));
      if (core) throw new PluginManifestError(id, `mount path ${prefix} overlaps the core's own routes (${core})`);
      const other = prefixes.find(([q]) => prefixesOverlap(prefix, q));
      if (other) throw new PluginManifestError(id, `mount path ${prefix} overlaps ${other[0]} of plugin ${other[1]}`);
      prefixes.push([prefix, id]);
    }
  }
}

/**
 * Checks one `ctx.mount(path)` call as it happens: inside the plugin's declared prefixes (when it declared any),
 * clear of the core's routes and of every other plugin's mounts so far.
 */
export function checkMount(plugin: MeshworkPlugin, path: string, mounted: ReadonlyArray<[string, string]>): void {
  const core = CORE_PREFIXES.find((c) => prefixesOverlap(path, c));
  if (core) throw new PluginManifestError(plugin.id, `mounts ${path}, which overlaps the core's own routes (${core})`);
  if (plugin.serverPrefixes && !plugin.serverPrefixes.some((p) => within(path, p)))
    throw new PluginManifestError(plugin.id, `mounts ${path} outside its declared serverPrefixes`);
  const other = mounted.find(([p, owner]) => owner !== plugin.id && prefixesOverlap(path, p));
  if (other)
    throw new PluginManifestError(plugin.id, `mounts ${path}, which overlaps ${other[0]} of plugin ${other[1]}`);
}

/**
 * Checks one `ctx.mountExact(path)` call: `/` or an absolute path that is not one of the core's routes, inside the
 * plugin's declared prefixes (when it declared any), and not taken exactly by another plugin.
 */
export function checkExactMount(plugin: MeshworkPlugin, path: string, taken: ReadonlyArray<[string, string]>): void {
  if (path !== '/' && !PREFIX.test(path))
    throw new PluginManifestError(plugin.id, `exact mount path "${path}" is not an absolute path`);
  const core = path === '/' ? undefined : CORE_PREFIXES.find((c) => within(path, c));
  if (core) throw new PluginManifestError(plugin.id, `mounts ${path}, which is one of the core's own routes (${core})`);
  if (plugin.serverPrefixes && !plugin.serverPrefixes.some((p) => within(path, p)))
    throw new PluginManifestError(plugin.id, `mounts ${path} outside its declared serverPrefixes`);
  const other = taken.find(([p, owner]) => owner !== plugin.id && p === path);
  if (other) throw new PluginManifestError(plugin.id, `mounts ${path}, which plugin ${other[1]} answers already`);
}
