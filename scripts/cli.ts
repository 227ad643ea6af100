import { parseArgs } from 'node:util';
import { ConfigError, isMeshworkError } from '#core';
import { userCommand, type Out } from './cli-user.ts';
import { pluginCommand } from './cli-plugin.ts';

const HELP = `meshwork — administer a Meshwork server

Usage:
  npx meshwork user add <id> --password <pw> [--name "<display name>"] [--email <email>]
  npx meshwork user list
  npx meshwork user password <id> [--password <pw>]   set a password, or without --password reset it to a
                                                      generated one (printed once); all their sessions end
  npx meshwork user disable <id>                      cannot log in (password, Basic or sessions); sessions end
  npx meshwork user enable <id>
  npx meshwork user delete <id> --yes                 sessions end, outgoing shares revoked, incoming shares
                                                      left (other servers told), files moved to files-deleted/;
                                                      the id is never reused
  npx meshwork plugin new <name> [--dir <folder>]    a new plugin package (server, web page, migration,
                                                      protocol schema, tests) that passes its own tests
  npx meshwork plugin test [<folder>]                 runs a plugin package's tests
  npx meshwork --help

The data dir or database comes from the same settings as the server
(MESHWORK_DATA_DIR, MESHWORK_DATABASE_URL, MESHWORK_CONFIG); it works whether or not the server runs.
With MESHWORK_REDIS_URL set, ended sessions lose their live connections on every node at once;
otherwise within 5 seconds.
`;

const io: Out = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      password: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      yes: { type: 'boolean' },
      dir: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, action, id] = positionals;
  if (values.help || !group) {
    io.out(HELP);
    return 0;
  }
  if (group === 'user') {
    const code = await userCommand(action, id, values, io);
    if (code >= 0) return code;
  }
  if (group === 'plugin') {
    const code = await pluginCommand(action, id, values, io);
    if (code >= 0) return code;
  }
  io.err(`unknown command: ${positionals.join(' ')}\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ConfigError) io.err(`meshwork: invalid configuration: ${err.message}\n`);
    else if (isMeshworkError(err)) io.err(`meshwork: ${err.message}\n`);
    else io.err(`meshwork: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
