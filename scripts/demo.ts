import path from 'node:path';
import { Engine, loadConfig } from '#core';
import { defaultPlugins } from './plugin-list.ts';
import { webStatic } from './web-static.ts';

/**
 * `npm run demo`: two federated Meshwork servers on loopback (ports 8080 and 8081 unless
 * MESHWORK_DEMO_PORTS="a,b"), each with two users, data under ./data/demo-<n>.
 */
const [portA, portB] = (process.env.MESHWORK_DEMO_PORTS ?? '8080,8081').split(',').map((p) => Number(p.trim()));
const servers = [
  {
    port: portA as number,
    users: [
      ['alice', 'Alice Liddell'],
      ['carol', 'Carol Danvers'],
    ],
  },
  {
    port: portB as number,
    users: [
      ['bob', 'Bob Marley'],
      ['dave', 'Dave Grohl'],
    ],
  },
];

async function main(): Promise<void> {
  const engines: Engine[] = [];
  for (const [i, s] of servers.entries()) {
    const config = loadConfig({
      ...process.env,
      MESHWORK_PORT: String(s.port),
      MESHWORK_PUBLIC_URL: `http://localhost:${s.port}`,
      MESHWORK_DATA_DIR: path.resolve(process.env.MESHWORK_DATA_DIR ?? './data', `demo-${i + 1}`),
      MESHWORK_ALLOW_INSECURE_PEERS: '1',
      MESHWORK_PROVIDER_NAME: `Meshwork demo ${i + 1}`,
      MESHWORK_LOG_LEVEL: process.env.MESHWORK_LOG_LEVEL ?? 'warn',
      MESHWORK_DATABASE_URL: '',
    });
    const engine = new Engine({ config, plugins: defaultPlugins(), fallback: webStatic() });
    await engine.start();
    for (const [id, name] of s.users) {
      if (!(await engine.accounts.findUser(id as string)))
        await engine.accounts.createUser({ id: id as string, password: `${id}-demo-pw`, displayName: name as string });
    }
    engines.push(engine);
  }
  console.log('\nMeshwork demo: two federated servers are running.\n');
  for (const [i, s] of servers.entries()) {
    const e = engines[i] as Engine;
    console.log(`Server ${i + 1}: ${e.identity.origin}  (OCM host ${e.identity.host})`);
    for (const [id] of s.users) console.log(`  user ${id}  password ${id}-demo-pw  address ${e.address(id as string)}`);
  }
  console.log(
    `\nTry: log in as alice on server 1 and share with bob@${engines[1]?.identity.host}. Ctrl-C stops both.\n`,
  );
  const stop = () => void Promise.all(engines.map((e) => e.stop())).finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error('demo failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
