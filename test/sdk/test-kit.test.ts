import assert from 'node:assert/strict';
import { accept, eventually, revoke, share, startFederation, type Federation } from '#sdk/testing';
import { notePlugin } from '../fixtures/note-plugin.ts';

describe('sdk test kit: federations of in-process servers', function () {
  this.timeout(60_000);
  let fed: Federation;
  before(async () => {
    fed = await startFederation({ servers: 3, plugins: () => [notePlugin()], users: ['alice', 'bob', 'carol'] });
  });
  after(async () => fed?.close());

  async function note(title: string): Promise<string> {
    const [a] = fed.servers;
    const res = await a!.api('alice', 'POST', '/api/v1/note/notes', { title, body: title });
    assert.equal(res.status, 201);
    return res.body.id;
  }

  it('starts three servers with users logged in, and runs share, accept, revoke between two', async () => {
    const [a, b] = fed.servers as [(typeof fed.servers)[0], (typeof fed.servers)[0]];
    assert.equal(new Set(fed.servers.map((s) => s.host)).size, 3);
    const pair = await share(a, 'alice', { resourceType: 'note', resourceId: await note('Plan') }, b, 'bob');
    await accept(pair, b, 'bob', a, 'alice');
    const read = await b.api('bob', 'GET', `/api/v1/note/shared/${pair.incoming.id}`);
    assert.equal(read.status, 200);
    await revoke(pair, a, 'alice', b, 'bob');
  });

  it('takes a server down and brings it back: a share queued meanwhile arrives', async () => {
    const [a, , c] = fed.servers as [(typeof fed.servers)[0], unknown, (typeof fed.servers)[0]];
    await c.down();
    assert.equal(c.running, false);
    const created = await a.api('alice', 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: await note('While down'),
      shareWith: c.address('carol'),
    });
    assert.equal(created.status, 202, 'queued for a server that is down');
    await c.up();
    await eventually(
      async () =>
        (await c.api('carol', 'GET', '/api/v1/shares/incoming')).body.some(
          (s: { providerId: string }) => s.providerId === created.body.providerId,
        ),
      20_000,
      'the queued share to arrive after the restart',
    );
  });
});
