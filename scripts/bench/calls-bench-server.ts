import { Engine, loadConfig } from '#core';
import { callsPlugin } from '../../plugins/calls/index.ts';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { webStatic } from '../web-static.ts';

/**
 * One Meshwork server with chat and calls for `npm run bench:calls`, in its own process (so its CPU and memory
 * are its own): serves the built web app, creates BENCH_USERS (password `<id>-bench-pw`), prints `READY <origin>`.
 */
const engine = new Engine({
  config: loadConfig(),
  plugins: [chatPlugin(), callsPlugin()],
  fallback: webStatic({ distDir: process.env.BENCH_WEB_DIST }),
});
await engine.start();
for (const id of (process.env.BENCH_USERS ?? '').split(',').filter(Boolean)) {
  if (!(await engine.accounts.findUser(id)))
    await engine.accounts.createUser({ id, password: `${id}-bench-pw`, displayName: id });
}
process.stdout.write(`READY ${engine.identity.origin}\n`);
process.once('SIGTERM', () => void engine.stop().finally(() => process.exit(0)));
