/**
 * A Meshwork app node in its own process, for tests that must kill a node abruptly (kill -9): configured
 * from the environment like a real server, with the test note plugin; prints `ready <origin>` once listening.
 */
import { Engine, loadConfig } from '#core';
import { notePlugin } from '../fixtures/note-plugin.ts';

const engine = new Engine({ config: loadConfig(process.env), plugins: [notePlugin()] });
await engine.start();
process.stdout.write(`ready ${engine.identity.origin}\n`);
