import { Engine, loadConfig } from '#core';
import { notePlugin } from '../../test/fixtures/note-plugin.ts';

/**
 * One Meshwork server for benchmarks, in its own process: prints `READY <origin>` when listening.
 * It runs the note resource type from the test fixtures so shares have a real plugin behind them.
 */
const engine = new Engine({ config: loadConfig(), plugins: [notePlugin()] });
await engine.start();
for (const id of (process.env.BENCH_USERS ?? '').split(',').filter(Boolean)) {
  if (!(await engine.accounts.findUser(id)))
    await engine.accounts.createUser({ id, password: `${id}-bench-pw`, displayName: id });
}
process.stdout.write(`READY ${engine.identity.origin}\n`);
process.on('message', (m) => {
  if (m === 'rss') process.send?.({ rss: process.memoryUsage().rss, cpu: process.cpuUsage() });
});
process.once('SIGTERM', () => void engine.stop().finally(() => process.exit(0)));
