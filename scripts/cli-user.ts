/**
 * `meshwork user …`: accounts on the configured data dir or database, whether or not the server runs. Commands that
 * end sessions (password, disable, delete) disconnect the users' live sockets on every node through Redis when
 * MESHWORK_REDIS_URL is set; otherwise the running server notices within 5 s (its session sweep).
 */
import { AccountService, type SessionsEnded } from '../core/accounts/account-service.ts';
import { newSecret } from '../core/accounts/secrets.ts';
import { loadConfig, type MeshworkConfig } from '#core';
import { openDatabase } from '../core/storage/database.ts';
import { migrate } from '../core/storage/migrations.ts';
import { coreMigrations } from '../core/storage/core-schema.ts';
import { endSessionsOverRedis } from '../core/realtime/remote-session-end.ts';
import { defaultPlugins } from './plugin-list.ts';

/** Parsed options of a `user` command. */
export interface UserOptions {
  password?: string;
  name?: string;
  email?: string;
  yes?: boolean;
}

/** Output streams, so tests and the entry point share the code. */
export interface Out {
  out(text: string): void;
  err(text: string): void;
}

async function withAccounts<T>(
  fn: (accounts: AccountService, ended: SessionsEnded[]) => Promise<T>,
  config: MeshworkConfig,
): Promise<T> {
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  const ended: SessionsEnded[] = [];
  try {
    await migrate(database.db, database.dialect, [
      { owner: 'core', migrations: coreMigrations },
      ...defaultPlugins().map((p) => ({ owner: p.id, migrations: p.migrations ?? [] })),
    ]);
    return await fn(new AccountService(database.db, { onSessionsEnded: (e) => ended.push(e) }), ended);
  } finally {
    await database.close();
  }
}

/** Tells running nodes to drop the sockets of ended sessions (Redis), or says when they will. */
async function disconnectLive(config: MeshworkConfig, ended: SessionsEnded[], io: Out): Promise<void> {
  if (!config.redisUrl) {
    io.out('live connections of a running server close within 5 seconds\n');
    return;
  }
  try {
    await endSessionsOverRedis(
      config.redisUrl,
      defaultPlugins().map((p) => p.id),
      ended,
    );
    io.out('live connections closed on every server node\n');
  } catch (err) {
    io.err(`could not reach Redis (${(err as Error).message}); live connections close within 5 seconds\n`);
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('')).join('\n');
}

const USAGE: Record<string, string> = {
  add: 'meshwork user add <id> --password <pw> [--name "<display name>"] [--email <email>]',
  password: 'meshwork user password <id> [--password <pw>]   (without --password: a generated one, printed once)',
  disable: 'meshwork user disable <id>',
  enable: 'meshwork user enable <id>',
  delete: 'meshwork user delete <id> --yes',
};

/** Runs `meshwork user <action> …`; returns the exit code. */
export async function userCommand(action: string | undefined, id: string | undefined, o: UserOptions, io: Out) {
  const config = loadConfig();
  if (action === 'list') {
    const users = await withAccounts((a) => a.listUsers(), config);
    const rows = [['ID', 'NAME', 'E-MAIL', 'STATUS']];
    for (const u of users) rows.push([u.id, u.displayName, u.email ?? '-', u.disabled ? 'disabled' : 'active']);
    io.out(`${table(rows)}\n`);
    return 0;
  }
  if (!action || !USAGE[action]) return -1;
  if (!id || (action === 'add' && !o.password)) {
    io.err(`usage: ${USAGE[action]}\n`);
    return 2;
  }
  switch (action) {
    case 'add': {
      const user = await withAccounts(
        (a) =>
          a.createUser({
            id,
            password: o.password as string,
            ...(o.name ? { displayName: o.name } : {}),
            ...(o.email ? { email: o.email } : {}),
          }),
        config,
      );
      io.out(`created user ${user.id} (${user.displayName})\n`);
      return 0;
    }
    case 'password': {
      const generated = o.password === undefined;
      const password = o.password ?? newSecret(15);
      const ended = await withAccounts(async (a, e) => (await a.setPassword(id, password), e), config);
      io.out(
        generated
          ? `new password for ${id} (shown once, not stored anywhere readable): ${password}\n`
          : `password of ${id} changed\n`,
      );
      io.out(`all sessions of ${id} ended\n`);
      await disconnectLive(config, ended, io);
      return 0;
    }
    case 'disable':
    case 'enable': {
      const ended = await withAccounts(async (a, e) => (await a.setDisabled(id, action === 'disable'), e), config);
      if (action === 'enable') {
        io.out(`${id} is enabled: they can log in again\n`);
        return 0;
      }
      io.out(`${id} is disabled: they cannot log in, and all their sessions ended\n`);
      await disconnectLive(config, ended, io);
      return 0;
    }
    case 'delete': {
      if (!o.yes) {
        io.err(`deleting ${id} cannot be undone; run again with --yes\n`);
        return 2;
      }
      const ended = await withAccounts(async (a, e) => (await a.markDeleted(id), e), config);
      io.out(
        `deleted ${id}: they cannot log in and all their sessions ended. The server revokes their outgoing shares ` +
          `and leaves their incoming ones (other servers are told) and moves their files to files-deleted/, ` +
          `within seconds while it runs, else when it next starts. The id ${id} is not given to anyone else.\n`,
      );
      await disconnectLive(config, ended, io);
      return 0;
    }
  }
  return -1;
}
