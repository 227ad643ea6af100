import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has embedded defaults: port 8080 on 127.0.0.1, SQLite in ./data, public URL on localhost', () => {
    const c = loadConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.publicUrl, 'http://localhost:8080');
    assert.equal(c.databaseUrl, null);
    assert.equal(c.dataDir, path.resolve('./data'));
    assert.equal(c.allowInsecurePeers, false);
    assert.deepEqual(c.criteria, []);
  });

  const bad: Array<[Record<string, string>, string]> = [
    [{ MESHWORK_PORT: 'eighty' }, 'MESHWORK_PORT'],
    [{ MESHWORK_PORT: '70000' }, 'MESHWORK_PORT'],
    [{ MESHWORK_PUBLIC_URL: 'ftp://x' }, 'MESHWORK_PUBLIC_URL'],
    [{ MESHWORK_PUBLIC_URL: 'https://x.example/sub' }, 'MESHWORK_PUBLIC_URL'],
    [{ MESHWORK_DATABASE_URL: 'mysql://x' }, 'MESHWORK_DATABASE_URL'],
    [{ MESHWORK_ALLOW_INSECURE_PEERS: 'maybe' }, 'MESHWORK_ALLOW_INSECURE_PEERS'],
    [{ MESHWORK_CRITERIA: 'must-dance' }, 'MESHWORK_CRITERIA'],
    [{ MESHWORK_LOG_LEVEL: 'loud' }, 'MESHWORK_LOG_LEVEL'],
    [{ MESHWORK_REDIS_URL: 'http://x' }, 'MESHWORK_REDIS_URL'],
  ];
  for (const [env, variable] of bad) {
    it(`names ${variable} when ${JSON.stringify(env)} is invalid`, () => {
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => err instanceof ConfigError && err.variable === variable && err.message.startsWith(variable),
      );
    });
  }

  it('reads a JSON config file, with environment variables taking precedence', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mw-cfg-')), 'meshwork.json');
    writeFileSync(
      file,
      JSON.stringify({ MESHWORK_PORT: 9090, MESHWORK_CRITERIA: ['must-invite'], MESHWORK_PROVIDER_NAME: 'From file' }),
    );
    const c = loadConfig({ MESHWORK_CONFIG: file, MESHWORK_PROVIDER_NAME: 'From env' });
    assert.equal(c.port, 9090);
    assert.deepEqual(c.criteria, ['must-invite']);
    assert.equal(c.providerName, 'From env');
    writeFileSync(file, JSON.stringify({ PORT: 1 }));
    assert.throws(() => loadConfig({ MESHWORK_CONFIG: file }), { variable: 'MESHWORK_CONFIG' });
  });

  it('says a negative port must be between 0 and 65535', () => {
    assert.throws(() => loadConfig({ MESHWORK_PORT: '-1' }), {
      variable: 'MESHWORK_PORT',
      message: 'MESHWORK_PORT: must be between 0 and 65535, got -1',
    });
  });

  it('warns about MESHWORK_* variables nothing reads, in the environment and in the config file', () => {
    assert.deepEqual(loadConfig({ MESHWORK_PORT: '0' }).warnings, []);
    const c = loadConfig({ MESHWORK_PROT: '9000', MESHWORK_LOGLEVEL: 'debug', HOME: '/root' });
    assert.deepEqual(c.warnings, ['unknown environment variables ignored: MESHWORK_LOGLEVEL, MESHWORK_PROT']);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mw-cfg-')), 'meshwork.json');
    writeFileSync(file, JSON.stringify({ MESHWORK_PORT: 9090, MESHWORK_DATABSE_URL: 'postgres://x' }));
    assert.deepEqual(loadConfig({ MESHWORK_CONFIG: file }).warnings, [
      `unknown key in ${file} ignored: MESHWORK_DATABSE_URL`,
    ]);
  });
});
