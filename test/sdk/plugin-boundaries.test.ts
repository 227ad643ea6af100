import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => readFileSync(new URL(`../fixtures/lint/${name}`, import.meta.url), 'utf8');

/** Lints `code` with the project's configuration as if it were `filePath` (relative to the repository). */
async function lintAs(code: string, filePath: string) {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return result!.messages;
}

describe('plugin SDK surface (lint)', function () {
  this.timeout(60_000);

  it('reports each import of a plugin that reaches past #sdk/#core, #dav and #web-sdk', async () => {
    const messages = await lintAs(fixture('plugin-reaching-past.ts.txt'), 'plugins/files/sdk-surface-probe.ts');
    const boundary = messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths');
    const lines = boundary.map((m) => m.line).sort((x, y) => x - y);
    // core internals, sdk internals, the test harness, scripts, another plugin, dav internals
    assert.deepEqual(lines, [3, 4, 5, 6, 7, 8], JSON.stringify(boundary, null, 1));
    assert.ok(boundary.some((m) => /only through its public entry, #core/.test(m.message)));
    assert.ok(boundary.some((m) => /#sdk and #sdk\/testing/.test(m.message)));
  });

  it('accepts a plugin that imports only the SDK surface and a dependency’s public-api.ts', async () => {
    const messages = await lintAs(fixture('plugin-within-bounds.ts.txt'), 'plugins/calls/sdk-surface-probe.ts');
    assert.deepEqual(messages, []);
  });

  it('lets plugin tests use the test harness and the test kit', async () => {
    const code =
      "import { startFederation } from '#sdk/testing';\nimport { eventually } from '../../test/harness/test-server.ts';\nexport const x = [startFederation, eventually];\n";
    const messages = await lintAs(code, 'plugins/files/sdk-surface-probe.test.ts');
    assert.deepEqual(messages, []);
  });
});
