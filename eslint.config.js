// Lint rules for what the architecture promises (see ../README.md "Code health"):
// plugins reach the core only through `#core`, the DAV toolkit only through `#dav` and the web shell only through
// `#web-sdk`, and never import another plugin; the web app lists plugins in one file (web/src/plugins.ts); no cycles;
// files stay small unless a reason is written at their top (`/* eslint-disable max-lines -- why */`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';
import { readdirSync } from 'node:fs';

// One zone per plugin folder: it may not import any other plugin (but its dependencies' public-api.ts),
// nor the core past `core/index.ts`.
const pluginDirs = readdirSync(new URL('./plugins', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
// Plugin source files other than tests (`*.test.ts`) and test helpers (a `testing/` folder or a `testing.ts` file,
// at the plugin's top or in one of its folders, e.g. `plugins/calendars/federation/testing/`).
const PLUGIN_CODE = [
  './plugins/*/!(*.test|testing).{ts,tsx}',
  './plugins/*/!(testing)/!(*.test|testing).{ts,tsx}',
  './plugins/*/!(testing)/!(testing)/**/!(*.test|testing).{ts,tsx}',
];
const boundaryZones = [
  ...pluginDirs.map((name) => ({
    target: `./plugins/${name}`,
    from: './plugins',
    // A dependency's published API types (`public-api.ts`, used with `ctx.use`) are the one exception.
    except: [`./${name}`, ...pluginDirs.filter((o) => o !== name).map((o) => `./${o}/public-api.ts`)],
    message: "A plugin never imports another plugin (only a dependency's public-api.ts); talk through the core.",
  })),
  {
    target: './plugins',
    from: './core',
    except: ['./index.ts'],
    message: 'Plugins import the core only through its public entry, #core.',
  },
  // The plugin SDK (`sdk/`, `#sdk`): plugins reach it only through its entries; it sits on the core's public entry.
  {
    target: './plugins',
    from: './sdk',
    except: ['./index.ts', './testing/index.ts'],
    message: 'Plugins import the SDK only through its entries, #sdk and #sdk/testing.',
  },
  // A plugin's own code (not its tests and testing helpers) sees nothing of this repository but those entries: no
  // scripts, no test harness (the test kit is #sdk/testing), so it can move into its own package unchanged.
  ...['./scripts', './test'].map((from) => ({
    target: PLUGIN_CODE,
    from,
    message: 'Plugin code imports only #sdk/#core, #dav, #web-sdk and npm packages (tests may use #sdk/testing).',
  })),
  { target: './sdk', from: './core', except: ['./index.ts'], message: 'The SDK reaches the core only through #core.' },
  // Plugin packages (`packages/<name>`, enabled by MESHWORK_PLUGINS) are third-party code kept here: the SDK
  // entries only (#sdk, #sdk/testing; #web-sdk in their web part), never the core, a plugin or the shell.
  { target: './packages', from: './core', message: 'A plugin package imports the core only through #sdk.' },
  { target: './packages', from: './plugins', message: 'A plugin package never imports a built-in plugin.' },
  { target: './packages', from: './dav', message: 'A plugin package uses the SDK entries only.' },
  {
    target: './packages',
    from: './sdk',
    except: ['./index.ts', './testing/index.ts'],
    message: 'A plugin package imports the SDK only through its entries, #sdk and #sdk/testing.',
  },
  {
    target: './packages',
    from: './web',
    except: ['./sdk/index.ts'],
    message: "A plugin package's web part imports the shell only as '#web-sdk'.",
  },
  { target: './sdk', from: './plugins', message: 'The SDK never imports a plugin.' },
  { target: './core', from: './sdk', message: 'The core never imports the SDK.' },
  { target: './core', from: './plugins', message: 'The core never imports a plugin.' },
  { target: './core', from: './web', message: 'The core never imports the web app.' },
  // The DAV toolkit (`dav/`) is a protocol library beside the core: plugins reach it only through `#dav`, and it
  // knows neither the core nor any plugin (nor resource types).
  {
    target: './plugins',
    from: './dav',
    except: ['./index.ts'],
    message: 'Plugins import the DAV toolkit only through its public entry, #dav.',
  },
  { target: './dav', from: './core', message: 'The DAV toolkit never imports the core.' },
  { target: './dav', from: './plugins', message: 'The DAV toolkit never imports a plugin.' },
  { target: './dav', from: './web', message: 'The DAV toolkit never imports the web app.' },
  { target: './core', from: './dav', message: 'The core stays OCM-only and never imports the DAV toolkit.' },
  // The web SDK boundary: a plugin's web part sees the shell only through `#web-sdk` (web/sdk/index.ts) ...
  {
    target: './plugins/*/web/**',
    from: './web',
    except: ['./sdk/index.ts'],
    message: "A plugin's web part imports the shell only as '#web-sdk'.",
  },
  // ... and the shell and the SDK reach plugins only through the explicit list in web/src/plugins.ts.
  {
    target: ['./web/src/**/!(plugins.ts)', './web/sdk/**'],
    from: './plugins',
    message: 'The web app reaches plugins only through the explicit list in web/src/plugins.ts.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      'dist/**',
      'web/dist/**',
      '**/*.cjs',
      'test-artifacts/**',
      'test/fixtures/packages/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.node, ...globals.mocha } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.json', 'web/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: boundaryZones }],
      '@typescript-eslint/no-explicit-any': 'off',
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: [
      'web/**/*.{ts,tsx}',
      'plugins/*/web/**/*.{ts,tsx}',
      'plugins/*/client/**/*.ts',
      'packages/*/web/**/*.{ts,tsx}',
    ],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Spelled as the alias, so a plugin moved out of this repository keeps working.
    files: ['plugins/*/web/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./){3,}web/', message: "Import the shell as '#web-sdk'." }] },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', 'max-lines': 'off' },
  },
);
