/**
 * The files of a new plugin package (`npx meshwork plugin new <name>`): one shareable resource type with a
 * protocol schema, a notification, a migration, a web page, tests on the test kit and the conformance suite, and a
 * README. Every file is plain text keyed by its path; `<name>` is kebab-case.
 */

/** `kanban-board` → `kanbanBoard`, `KanbanBoard`, `kanban_board`, `KANBAN_BOARD`. */
function names(name: string) {
  const camel = name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return {
    camel,
    pascal: camel.charAt(0).toUpperCase() + camel.slice(1),
    snake: name.replace(/-/g, '_'),
    upper: name.replace(/-/g, '_').toUpperCase(),
    title: name
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' '),
  };
}

/** The files to write, relative to the package folder. */
export function pluginTemplate(name: string, sdkRange: string): Record<string, string> {
  const n = names(name);
  const files: Record<string, string> = {};
  files['package.json'] = `${JSON.stringify(
    {
      name: `meshwork-plugin-${name}`,
      version: '0.1.0',
      private: true,
      type: 'module',
      description: `${n.title}: a Meshwork plugin`,
      meshwork: { server: './src/index.ts', web: './web/index.tsx', sdk: sdkRange },
      imports: { '#sdk': 'meshwork/sdk', '#sdk/testing': 'meshwork/sdk/testing', '#web-sdk': 'meshwork/web-sdk' },
      scripts: { test: 'node node_modules/meshwork/scripts/meshwork.mjs plugin test .' },
      peerDependencies: { meshwork: '*' },
    },
    null,
    2,
  )}\n`;

  files['src/protocol.ts'] =
    `// What ${name} shares carry and the notification it sends: declared once, validated at run time (a peer is
// untrusted: a bad object is a 400 naming the field), and written up by \`npm run docs:registration\`.
import { defineNotification, defineShareProtocol } from '#sdk';

/** The protocol object in \`protocol.${name}\` of a share. */
export interface ${n.pascal}Protocol {
  /** The item's id on the owner's server. */
  uri: string;
  /** The share's secret: the Bearer credential for reading the item. */
  sharedSecret: string;
  permissions?: string[];
}

export const ${n.camel}Protocol = defineShareProtocol<${n.pascal}Protocol>({
  name: '${name}',
  version: '1.0',
  description: 'Where the shared item lives on the owner server, and the secret to read it with.',
  schema: {
    type: 'object',
    required: ['uri', 'sharedSecret'],
    properties: {
      uri: { type: 'string', minLength: 1, maxLength: 200 },
      sharedSecret: { type: 'string', minLength: 16, maxLength: 200 },
      permissions: { type: 'array', items: { enum: ['read', 'write', 'share'] } },
    },
  },
});

/** Sent by the owner's server to each recipient's server when the item changes. */
export const ${n.camel}Updated = defineNotification<{ title: string }>({
  type: '${n.upper}_UPDATED',
  description: 'The shared item changed; the recipient shows the new title.',
  direction: 'owner-to-recipient',
  schema: {
    type: 'object',
    required: ['title'],
    properties: { title: { type: 'string', minLength: 1, maxLength: 200 } },
  },
});
`;

  files['src/migrations.ts'] = `import type { SchemaMigration } from '#sdk';

/**
 * The plugin's tables and their row types, declared once: \`definePlugin<Tables>\` types \`ctx.db\` by them. Every
 * table is named \`${n.snake}_*\`: the server refuses a query or migration that touches any other table.
 */
export interface Tables {
  ${n.snake}_items: { id: string; owner_id: string; title: string };
  /** What recipients' servers were told about shared items (the last known title). */
  ${n.snake}_received: { share_id: string; title: string };
}

/** Creates the tables above. Never edit a released migration: add the next one. */
export const migrations: SchemaMigration[] = [
  {
    name: '0001-${name}-items',
    async up({ db }) {
      await db.schema
        .createTable('${n.snake}_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .execute();
      // What recipients' servers told us about shared items (the last known title).
      await db.schema
        .createTable('${n.snake}_received')
        .addColumn('share_id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .execute();
    },
  },
];
`;

  files['src/index.ts'] =
    `// ${n.title}: a Meshwork plugin. Users create items, share them with users on other servers, who read them with
// the share's secret; the owner's changes reach recipients as a ${n.upper}_UPDATED notification through the outbox.
import { randomUUID } from 'node:crypto';
import { definePlugin, InputError, NotFoundError, type MeshworkPlugin } from '#sdk';
import { migrations, type Tables } from './migrations.ts';
import { ${n.camel}Protocol, ${n.camel}Updated } from './protocol.ts';

export const RESOURCE_TYPE = '${name}';
/** Where the owner's server serves shared items to recipients' servers. */
const CONTENT = '/plugins/${name}/items';

/** The plugin factory: MESHWORK_PLUGINS loads the default export. */
export default function ${n.camel}Plugin(): MeshworkPlugin<Tables> {
  return definePlugin<Tables>({
    id: '${name}',
    sdk: '${sdkRange}',
    version: '0.1.0',
    resourceTypes: [
      { name: RESOURCE_TYPE, shareTypes: ['user'], protocols: { '${name}': \`\${CONTENT}/\`, '${name}-receive': {} } },
    ],
    notificationTypes: [${n.camel}Updated.type],
    wire: { protocols: [${n.camel}Protocol], notifications: [${n.camel}Updated] },
    serverPrefixes: ['/plugins/${name}'],
    migrations,
    async setup(ctx) {
      const { db, api } = ctx;
      const title = (body: unknown): string => {
        const t = (body as { title?: unknown } | undefined)?.title;
        if (typeof t !== 'string' || !t.trim() || t.length > 200)
          throw new InputError('a title of 1 to 200 characters is required', [{ name: 'title', message: 'INVALID' }]);
        return t.trim();
      };
      const own = async (userId: string, id: string) => {
        const item = await db
          .selectFrom('${n.snake}_items')
          .selectAll()
          .where('id', '=', id)
          .where('owner_id', '=', userId)
          .executeTakeFirst();
        if (!item) throw new NotFoundError('no such item', 'RESOURCE_NOT_FOUND');
        return item;
      };

      // The client API, at /api/v1/${name}, behind login.
      api.get('/items', async (req, res) => {
        res.json(await db.selectFrom('${n.snake}_items').selectAll().where('owner_id', '=', req.user!.id).execute());
      });
      api.post('/items', async (req, res) => {
        const item = { id: randomUUID(), owner_id: req.user!.id, title: title(req.body) };
        await db.insertInto('${n.snake}_items').values(item).execute();
        res.status(201).json(item);
      });
      api.patch('/items/:id', async (req, res) => {
        const item = await own(req.user!.id, String(req.params.id));
        const next = title(req.body);
        await db.updateTable('${n.snake}_items').set({ title: next }).where('id', '=', item.id).execute();
        // Durable: the outbox retries until each recipient's server has it.
        for (const s of await ctx.shares.listOutgoingForResource(RESOURCE_TYPE, item.id)) {
          if (s.state !== 'accepted') continue;
          await ctx.notify(s.shareWithHost, {
            notificationType: ${n.camel}Updated.type,
            resourceType: RESOURCE_TYPE,
            providerId: s.providerId,
            notification: { title: next },
          });
        }
        res.json({ ...item, title: next });
      });
      // Recipient side: the last title the owner told us about.
      api.get('/received/:shareId', async (req, res) => {
        const share = await ctx.shares.getIncoming(String(req.params.shareId));
        if (!share || share.recipientId !== req.user!.id) throw new NotFoundError('no such share');
        const row = await db.selectFrom('${n.snake}_received').selectAll().where('share_id', '=', share.id).executeTakeFirst();
        res.json({ title: row?.title ?? share.name });
      });

      // Owner side: a recipient's server reads an item with the share's secret (or an exchanged token).
      ctx.mount(\`\${CONTENT}/:id\`, async (req, res) => {
        const auth = req.headers.authorization ?? '';
        const access = /^bearer /i.test(auth) ? await ctx.shares.verifyAccess(auth.slice(7).trim(), RESOURCE_TYPE) : null;
        if (!access || access.share.resourceId !== req.params.id)
          return void res.status(401).json({ code: 'UNAUTHENTICATED', message: 'invalid share credential' });
        const item = await db.selectFrom('${n.snake}_items').selectAll().where('id', '=', access.share.resourceId).executeTakeFirst();
        if (!item) return void res.status(404).json({ code: 'RESOURCE_NOT_FOUND', message: 'the item is gone' });
        res.json({ title: item.title });
      });

      return {
        async prepareOutgoingShare(draft) {
          const item = await own(draft.owner.id, draft.resourceId);
          const arm: Record<string, unknown> = { uri: item.id, sharedSecret: draft.sharedSecret, permissions: draft.permissions };
          if (draft.mustExchangeToken) arm.requirements = ['must-exchange-token'];
          return { name: item.title, protocol: { name: 'multi', '${name}': arm } };
        },
        async validateIncomingShare(share) {
          ${n.camel}Protocol.parse(share.protocol.protocols['${name}']);
        },
        async onNotification(n) {
          if (n.notificationType !== ${n.camel}Updated.type || !n.incoming)
            throw new InputError(\`unsupported notification \${n.notificationType}\`);
          const { title: next } = ${n.camel}Updated.parse(n.notification);
          const shareId = n.incoming.id;
          await db.deleteFrom('${n.snake}_received').where('share_id', '=', shareId).execute();
          await db.insertInto('${n.snake}_received').values({ share_id: shareId, title: next }).execute();
          return { received: true };
        },
        async onIncomingRemoved(share) {
          await db.deleteFrom('${n.snake}_received').where('share_id', '=', share.id).execute();
        },
      };
    },
  });
}
`;

  files['web/index.tsx'] = `// The web part: a page in the app's navigation. Import the shell only through #web-sdk.
import { useEffect, useState } from 'preact/hooks';
import { useApi, type PluginPageProps, type WebPlugin } from '#web-sdk';
import './${name}.css';

interface Item {
  id: string;
  title: string;
}

function ${n.pascal}Page(_props: PluginPageProps) {
  const api = useApi();
  const [items, setItems] = useState<Item[] | null>(null);
  useEffect(() => {
    void api.request<Item[]>('GET', '/${name}/items').then(setItems, () => setItems([]));
  }, [api]);
  return (
    <section class="page ${name}-page">
      <h1>${n.title}</h1>
      {items === null ? <p>Loading…</p> : items.length === 0 ? <p>Nothing here yet.</p> : (
        <ul>{items.map((i) => <li key={i.id}>{i.title}</li>)}</ul>
      )}
    </section>
  );
}

export const webPlugin: WebPlugin = { id: '${name}', title: '${n.title}', route: '${name}', Page: ${n.pascal}Page };
export default webPlugin;
`;

  files[`web/${name}.css`] =
    `/* The page's own style, bundled and linked by the server; prefix classes with the plugin id. */
.${name}-page ul {
  padding-left: 1.25rem;
}
`;
  Object.assign(files, testFiles(name, n));
  return files;
}

function testFiles(name: string, n: ReturnType<typeof names>): Record<string, string> {
  return {
    'test/federation.test.ts': `import assert from 'node:assert/strict';
import { accept, eventually, revoke, share, startFederation, type Federation, type FederationServer } from '#sdk/testing';
import ${n.camel}Plugin from '../src/index.ts';

describe('${name}: sharing between two servers', function () {
  this.timeout(60_000);
  let fed: Federation;
  let a: FederationServer;
  let b: FederationServer;
  before(async () => {
    fed = await startFederation({ servers: 2, plugins: () => [${n.camel}Plugin()] });
    [a, b] = fed.servers as [FederationServer, FederationServer];
  });
  after(async () => fed?.close());

  it('shares an item, tells the recipient about a change, and ends with the revocation', async () => {
    const created = await a.api('alice', 'POST', '/api/v1/${name}/items', { title: 'First' });
    assert.equal(created.status, 201);
    const pair = await share(a, 'alice', { resourceType: '${name}', resourceId: created.body.id }, b, 'bob');
    await accept(pair, b, 'bob', a, 'alice');
    await a.api('alice', 'PATCH', \`/api/v1/${name}/items/\${created.body.id}\`, { title: 'Second' });
    await eventually(
      async () => (await b.api('bob', 'GET', \`/api/v1/${name}/received/\${pair.incoming.id}\`)).body.title === 'Second',
      10_000,
      'the ${n.upper}_UPDATED notification',
    );
    await revoke(pair, a, 'alice', b, 'bob');
  });

  it('refuses a bad title with a 400 in plain words', async () => {
    const res = await a.api('alice', 'POST', '/api/v1/${name}/items', { title: '' });
    assert.equal(res.status, 400);
  });
});
`,
    'test/conformance.test.ts': `// The conformance suite every resource-type plugin passes (see the Meshwork guide, docs/plugins.md).
import { runConformance } from '#sdk/testing';
import ${n.camel}Plugin from '../src/index.ts';

runConformance(() => [${n.camel}Plugin()], {
  resourceType: '${name}',
  protocol: '${name}',
  async createResource(server, userId) {
    const res = await server.api(userId, 'POST', '/api/v1/${name}/items', { title: 'Conformance' });
    if (res.status !== 201) throw new Error(\`create: \${res.status}\`);
    return res.body.id as string;
  },
  async access({ owner, incoming }) {
    const arm = incoming.protocol.protocols['${name}'] ?? {};
    const res = await fetch(\`\${owner.origin}/plugins/${name}/items/\${String(arm.uri)}\`, {
      headers: { authorization: \`Bearer \${String(arm.sharedSecret)}\` },
    });
    return res.status;
  },
});
`,
    'README.md': `# ${n.title} — a Meshwork plugin

One shareable resource type, \`${name}\`: users create items (\`/api/v1/${name}/items\`), share them with users on
other Meshwork (or OCM) servers, and recipients' servers read them with the share's secret at
\`/plugins/${name}/items/<id>\`. A change reaches recipients as \`${n.upper}_UPDATED\` through the outbox.

| File | Holds |
| --- | --- |
| \`src/index.ts\` | the plugin: manifest (id, SDK range, resource type, notification, mount prefix), API, hooks |
| \`src/protocol.ts\` | the share protocol object and the notification, with JSON schemas (validated at run time) |
| \`src/migrations.ts\` | the plugin's tables (named \`${n.snake}_*\`, the only ones it may touch) and their row types |
| \`web/index.tsx\`, \`web/${name}.css\` | the page in the web app's navigation, and its style |
| \`test/\` | a two-server test on the SDK test kit and the conformance suite |

Run it: \`MESHWORK_PLUGINS=/path/to/${name} npm start\` in Meshwork. Test it: \`npm test\` here.
Write the resource type up for the OCM share-payload registry: \`npm run docs:registration -- /path/to/${name}\` in
Meshwork. Guide: Meshwork's docs/plugins.md.
`,
  };
}
