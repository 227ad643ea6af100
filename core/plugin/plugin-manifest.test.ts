import assert from 'node:assert/strict';
import { checkExactMount, checkManifests, checkMount, PluginManifestError, SDK_VERSION } from './plugin-manifest.ts';
import { satisfies } from './semver-range.ts';
import type { MeshworkPlugin } from './plugin-types.ts';

const plugin = (id: string, extra: Partial<MeshworkPlugin> = {}): MeshworkPlugin => ({
  id,
  resourceTypes: [],
  setup: async () => ({}),
  ...extra,
});
const rt = (name: string) => ({ name, shareTypes: ['user'], protocols: {} });

function refuses(plugins: MeshworkPlugin[], pluginId: string, text: RegExp): void {
  assert.throws(
    () => checkManifests(plugins),
    (err: unknown) =>
      err instanceof PluginManifestError &&
      err.pluginId === pluginId &&
      err.message.startsWith(`plugin ${pluginId}: `) &&
      text.test(err.message),
  );
}

describe('plugin manifests', () => {
  it('accepts plugins that claim distinct ids, types, notifications and mount paths within the SDK range', () => {
    checkManifests([
      plugin('deck', { sdk: '^1.0.0', resourceTypes: [rt('deck')], serverPrefixes: ['/plugins/deck'] }),
      plugin('notes', { sdk: '>=1.0.0 <2', notificationTypes: ['NOTE_UPDATED'], serverPrefixes: ['/plugins/notes'] }),
    ]);
  });

  it('refuses a repeated id, resource type or notification type, naming the later plugin and the owner', () => {
    refuses([plugin('deck'), plugin('deck')], 'deck', /enabled twice/);
    refuses(
      [plugin('a', { resourceTypes: [rt('x')] }), plugin('b', { resourceTypes: [rt('x')] })],
      'b',
      /"x".*plugin a/,
    );
    refuses(
      [plugin('a', { notificationTypes: ['X_Y'] }), plugin('b', { notificationTypes: ['X_Y'] })],
      'b',
      /notification type "X_Y".*plugin a/,
    );
  });

  it("refuses mount paths that overlap another plugin's or the core's routes, and ids the core's API uses", () => {
    refuses(
      [plugin('a', { serverPrefixes: ['/plugins/a'] }), plugin('b', { serverPrefixes: ['/plugins/a/sub'] })],
      'b',
      /overlaps \/plugins\/a of plugin a/,
    );
    refuses([plugin('a', { serverPrefixes: ['/ocm/things'] })], 'a', /core's own routes \(\/ocm\)/);
    refuses([plugin('a', { serverPrefixes: ['relative'] })], 'a', /not an absolute path/);
    refuses([plugin('shares', { sdk: '^1.0.0' })], 'shares', /\/api\/v1\/shares/);
  });

  it('refuses a plugin written for another SDK version, or with an unreadable range', () => {
    refuses([plugin('old', { sdk: '^0.9.0' })], 'old', new RegExp(`needs plugin SDK \\^0.9.0.*SDK ${SDK_VERSION}`));
    refuses([plugin('future', { sdk: '>=2' })], 'future', /needs plugin SDK/);
    refuses([plugin('odd', { sdk: 'one point oh' })], 'odd', /not a version range/);
  });

  it('checks each mount: inside the declared prefixes, clear of the core and of other plugins', () => {
    const deck = plugin('deck', { serverPrefixes: ['/plugins/deck'] });
    checkMount(deck, '/plugins/deck/s2s', []);
    assert.throws(() => checkMount(deck, '/plugins/decks', []), /outside its declared serverPrefixes/);
    assert.throws(() => checkMount(plugin('x'), '/.well-known/ocm', []), /core's own routes/);
    assert.throws(() => checkMount(plugin('x'), '/dav/files/a', [['/dav/files', 'files']]), /plugin files/);
    checkMount(plugin('x'), '/.well-known/caldav', [['/dav/files', 'files']]);
  });

  it('lets a plugin answer exactly / or /dav beside other mounts, never a core route or a path another plugin took', () => {
    checkExactMount(plugin('calendars'), '/', [['/dav', 'contacts']]);
    checkExactMount(plugin('calendars'), '/dav', [['/dav', 'calendars']]);
    assert.throws(() => checkExactMount(plugin('x'), '/dav', [['/dav', 'calendars']]), /plugin calendars answers/);
    assert.throws(() => checkExactMount(plugin('x'), '/api/v1', []), /core's own routes/);
    assert.throws(() => checkExactMount(plugin('x'), 'dav', []), /not an absolute path/);
    const deck = plugin('deck', { serverPrefixes: ['/plugins/deck'] });
    assert.throws(() => checkExactMount(deck, '/', []), /outside its declared serverPrefixes/);
  });
});

describe('semver ranges', () => {
  const cases: Array<[string, string, boolean]> = [
    ['1.0.0', '^1.0.0', true],
    ['1.4.2', '^1.2', true],
    ['2.0.0', '^1.0.0', false],
    ['0.3.1', '^0.3.0', true],
    ['0.4.0', '^0.3.0', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.0.0', '>=1.0.0 <2.0.0', true],
    ['2.0.0', '>=1.0.0 <2.0.0', false],
    ['1.5.0', '1.x', true],
    ['3.0.0', '^1 || ^3', true],
    ['1.0.0', '*', true],
    ['1.0.0', '1.0.1', false],
  ];
  for (const [v, range, ok] of cases)
    it(`${v} ${ok ? 'satisfies' : 'does not satisfy'} ${range}`, () => assert.equal(satisfies(v, range), ok));
});
