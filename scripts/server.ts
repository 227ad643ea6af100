import { Engine, loadConfig, ConfigError, type MeshworkConfig } from '#core';
import { defaultPlugins } from './plugin-list.ts';
import { webStatic } from './web-static.ts';

/** Starts one Meshwork server with the default plugins; exits with a clear message on bad config. */
export async function startServer(config: MeshworkConfig): Promise<Engine> {
  const engine = new Engine({ config, plugins: defaultPlugins(), fallback: webStatic() });
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

if (import.meta.url === `file://${process.argv[1]}`) run();
