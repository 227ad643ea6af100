import { Engine, loadConfig, ConfigError, type MeshworkConfig, type MeshworkPlugin } from '#core';
import { defaultPlugins } from './plugin-list.ts';
import { webStatic } from './web-static.ts';
import { loadPluginPackages } from '../sdk/loader/plugin-packages.ts';
import { runtimeWebPlugins } from '../sdk/loader/web-plugin-routes.ts';

/**
 * Starts one Meshwork server with the default plugins (or `builtIn` in their place) and those `MESHWORK_PLUGINS`
 * names (their web parts served for the app's navigation); a plugin that cannot be loaded or conflicts stops start-up
 * with a message naming it.
 */
export async function startServer(
  config: MeshworkConfig,
  opts: { cwd?: string; webDist?: string; builtIn?: MeshworkPlugin[] } = {},
): Promise<Engine> {
  const extra = await loadPluginPackages(config.variables.MESHWORK_PLUGINS, opts.cwd);
  const engine = new Engine({
    config,
    plugins: [...(opts.builtIn ?? defaultPlugins()), ...extra.plugins],
    fallback: [runtimeWebPlugins(extra.web), ...webStatic(opts.webDist ? { distDir: opts.webDist } : {})],
  });
  await engine.start();
  return engine;
}

/** Runs the server from the environment until SIGINT/SIGTERM (what `npm start` calls). */
export async function main(): Promise<void> {
  let config: MeshworkConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`meshwork: invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const engine = await startServer(config);
  console.log(
    `Meshwork listening on ${engine.identity.origin} (OCM host ${engine.identity.host}, data in ${config.databaseUrl ? 'PostgreSQL' : config.dataDir})`,
  );
  const shutdown = () => {
    engine.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** Entry point with a clear message and exit code when start-up fails. */
export function run(): void {
  main().catch((err) => {
    console.error('meshwork: failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

// Run directly (`node --import tsx scripts/server.ts`, or its bundle dist/server.mjs); a bundle of another entry that
// imports this file (a benchmark's server) has the same import.meta.url as its own argv[1] and must not start a second.
if (import.meta.url === `file://${process.argv[1]}` && /\/server\.(ts|mjs)$/.test(process.argv[1] ?? '')) run();
