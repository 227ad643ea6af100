import { Engine, loadConfig } from '#core';
import { filesPlugin } from '../../plugins/files/index.ts';

/**
 * One Meshwork server with the files plugin for `npm run bench:files`, in its own process (run from an esbuild
 * bundle, like `npm start`): creates `BENCH_USER` and prints `READY <origin> <session token>`.
 */
const engine = new Engine({ config: loadConfig(), plugins: [filesPlugin()] });
await engine.start();
const user = process.env.BENCH_USER as string;
await engine.accounts.createUser({ id: user, password: `${user}-bench-pw` });
process.stdout.write(`READY ${engine.identity.origin} ${await engine.accounts.createSession(user)}\n`);
process.once('SIGTERM', () => void engine.stop().finally(() => process.exit(0)));
