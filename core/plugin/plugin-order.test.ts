import assert from 'node:assert/strict';
import { orderPlugins, PluginApis } from './plugin-order.ts';
import type { MeshworkPlugin } from './plugin-types.ts';

const plugin = (id: string, dependsOn?: string[]): MeshworkPlugin => ({
  id,
  resourceTypes: [],
  ...(dependsOn ? { dependsOn } : {}),
  setup: async () => ({}),
});

describe('plugin dependencies', () => {
  it('sets a plugin up after the plugins it depends on, keeping the given order otherwise', () => {
    const ids = orderPlugins([plugin('calls', ['chat']), plugin('files'), plugin('chat')]).map((p) => p.id);
    assert.deepEqual(ids, ['chat', 'calls', 'files']);
  });

  it('refuses a dependency that is not enabled, naming both plugins', () => {
    assert.throws(
      () => orderPlugins([plugin('calls', ['chat'])]),
      /plugin calls depends on plugin chat, which is not enabled/,
    );
  });

  it('refuses a cycle and an id enabled twice', () => {
    assert.throws(() => orderPlugins([plugin('a', ['b']), plugin('b', ['a'])]), /cycle: a → b → a/);
    assert.throws(() => orderPlugins([plugin('a'), plugin('a')]), /plugin a is enabled twice/);
  });

  it('hands a provided API only to a plugin that declared the dependency', () => {
    const apis = new PluginApis();
    const api = { rooms: () => 1 };
    apis.provide('chat', api);
    assert.equal(apis.use(plugin('calls', ['chat']), 'chat'), api);
    assert.throws(() => apis.use(plugin('deck'), 'chat'), /plugin deck uses plugin chat without declaring it/);
    assert.throws(() => apis.use(plugin('x', ['files']), 'files'), /plugin files provides no API/);
    assert.throws(() => apis.provide('chat', {}), /provided its API twice/);
  });
});
