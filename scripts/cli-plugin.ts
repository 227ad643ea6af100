/**
 * `npx meshwork plugin new <name> [--dir <folder>]` writes a working plugin package (see plugin-template.ts) that
 * links this Meshwork as `node_modules/meshwork`, so its tests run at once; `npx meshwork plugin test [folder]`
 * runs a package's tests (mocha on TypeScript through this Meshwork's tsx).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SDK_VERSION } from '#core';
import { pluginTemplate } from './plugin-template.ts';
import type { Out } from './cli-user.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const NAME = /^[a-z][a-z0-9-]{1,31}$/;

/** Formats a generated file the way this repository is formatted (prettier is a dev dependency here). */
async function formatted(file: string, text: string): Promise<string> {
  if (!/\.(ts|tsx|json)$/.test(file)) return text;
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(path.join(root, 'package.json'))) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

/** Creates the package; returns its folder. */
export async function newPlugin(name: string, parent: string): Promise<string> {
  if (!NAME.test(name) || name.endsWith('-'))
    throw new Error(
      `"${name}" is not a plugin name: 2 to 32 lower-case letters, digits and dashes, starting with a letter`,
    );
  const dir = path.resolve(parent, name);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} exists and is not empty`);
  const [major, minor] = SDK_VERSION.split('.');
  for (const [file, text] of Object.entries(pluginTemplate(name, `^${major}.${minor}.0`))) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, await formatted(file, text));
  }
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(root.replace(/\/$/, ''), path.join(dir, 'node_modules', 'meshwork'), 'dir');
  return dir;
}

/** Runs a plugin package's tests; resolves with mocha's exit code. */
export function testPlugin(dir: string): Promise<number> {
  const tsx = pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const child = spawn(process.execPath, ['--import', tsx, mocha, '--timeout', '60000', '--exit', 'test/**/*.test.ts'], {
    cwd: path.resolve(dir),
    stdio: 'inherit',
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1))));
}

/** `plugin …` commands; -1 for an unknown action. */
export async function pluginCommand(
  action: string | undefined,
  arg: string | undefined,
  values: { dir?: string | undefined },
  io: Out,
): Promise<number> {
  if (action === 'new') {
    if (!arg) {
      io.err('usage: npx meshwork plugin new <name> [--dir <folder>]\n');
      return 2;
    }
    const dir = await newPlugin(arg, values.dir ?? process.cwd());
    io.out(
      `Created ${dir}\n\nNext:\n  cd ${dir} && npm test\n` + `  MESHWORK_PLUGINS=${dir} npm start   (in Meshwork)\n`,
    );
    return 0;
  }
  if (action === 'test') return testPlugin(arg ?? process.cwd());
  return -1;
}
