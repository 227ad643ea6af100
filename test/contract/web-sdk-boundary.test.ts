// The web SDK boundary is a lint rule (eslint.config.js): this proves it refuses what it must and allows `#web-sdk`,
// by linting small sources as if they were files at the given paths (nothing is written to disk).
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function importErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: `${root}/${file}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'import-x/no-restricted-paths' || m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('web SDK boundary (lint)', function () {
  this.timeout(60_000);

  it("lets a plugin's web part import the shell as '#web-sdk'", async () => {
    const errors = await importErrors(
      'plugins/chat/web/boundary-probe.ts',
      "import { hashHref } from '#web-sdk';\nexport const x = hashHref('chat');\n",
    );
    assert.deepEqual(errors, []);
  });

  it("refuses a plugin's web part reaching into web/src by a relative path", async () => {
    const errors = await importErrors(
      'plugins/chat/web/boundary-probe.ts',
      "import { hashHref } from '../../../web/src/shell/hash-route.ts';\nexport const x = hashHref('chat');\n",
    );
    assert.ok(
      errors.some((m) => /imports the shell only as '#web-sdk'/.test(m)),
      errors.join('\n'),
    );
  });

  it('refuses the SDK spelled as a relative path, so plugins can move out of the repository', async () => {
    const errors = await importErrors(
      'plugins/files/web/boundary-probe.ts',
      "import { ModalDialog } from '../../../web/sdk/index.ts';\nexport const x = ModalDialog;\n",
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /'#web-sdk'/);
  });

  it('refuses a shell file importing a plugin, but allows the explicit plugin list', async () => {
    const source =
      "import { chatWebPlugin } from '../../../plugins/chat/web/index.tsx';\nexport const x = chatWebPlugin;\n";
    const fromShell = await importErrors('web/src/shell/boundary-probe.ts', source);
    assert.equal(fromShell.length, 1);
    assert.match(fromShell[0]!, /explicit list in web\/src\/plugins.ts/);
    const fromList = await importErrors(
      'web/src/plugins.ts',
      "import { chatWebPlugin } from '../../plugins/chat/web/index.tsx';\nexport const x = chatWebPlugin;\n",
    );
    assert.deepEqual(fromList, []);
  });
});
