import { parseArgs } from 'node:util';
import { AccountService } from '../core/accounts/account-service.ts';
import { loadConfig, ConfigError, isMeshworkError } from '#core';
import { openDatabase } from '../core/storage/database.ts';
import { migrate } from '../core/storage/migrations.ts';
import { coreMigrations } from '../core/storage/core-schema.ts';
import { defaultPlugins } from './plugin-list.ts';

const HELP = `meshwork — administer a Meshwork server

Usage:
  npx meshwork user add <id> --password <pw> [--name "<display name>"] [--email <email>]
  npx meshwork user list
  npx meshwork --help

The data dir or database comes from the same settings as the server
(MESHWORK_DATA_DIR, MESHWORK_DATABASE_URL, MESHWORK_CONFIG); it works whether or not the server runs.
`;

async function withAccounts<T>(
  fn: (accounts: AccountService, db: ReturnType<typeof openDatabase>) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    await migrate(database.db, database.dialect, [
      { owner: 'core', migrations: coreMigrations },
      ...defaultPlugins().map((p) => ({ owner: p.id, migrations: p.migrations ?? [] })),
    ]);
    return await fn(new AccountService(database.db), database);
  } finally {
    await database.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      password: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, action, id] = positionals;
  if (values.help || !group) {
    process.stdout.write(HELP);
    return 0;
  }
  if (group === 'user' && action === 'add') {
    if (!id || !values.password) {
      process.stderr.write('usage: meshwork user add <id> --password <pw> [--name "<display name>"]\n');
      return 2;
    }
    const user = await withAccounts((a) =>
      a.createUser({
        id,
        password: values.password as string,
        ...(values.name ? { displayName: values.name } : {}),
        ...(values.email ? { email: values.email } : {}),
      }),
    );
    process.stdout.write(`created user ${user.id} (${user.displayName})\n`);
    return 0;
  }
  if (group === 'user' && action === 'list') {
    const rows = await withAccounts((_a, d) =>
      d.db.selectFrom('users').select(['id', 'display_name']).orderBy('id').execute(),
    );
    for (const r of rows) process.stdout.write(`${r.id}\t${r.display_name}\n`);
    return 0;
  }
  process.stderr.write(`unknown command: ${positionals.join(' ')}\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ConfigError) process.stderr.write(`meshwork: invalid configuration: ${err.message}\n`);
    else if (isMeshworkError(err)) process.stderr.write(`meshwork: ${err.message}\n`);
    else process.stderr.write(`meshwork: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
