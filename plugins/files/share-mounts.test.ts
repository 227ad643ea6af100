import assert from 'node:assert/strict';
import type { IncomingShare, PluginContext } from '#core';
import { DavError } from '#dav';
import { listMounts, remoteTarget } from './share-mounts.ts';

function incoming(over: Partial<IncomingShare> & { webdav?: Record<string, unknown> }): IncomingShare {
  const { webdav, ...rest } = over;
  return {
    id: 'i1',
    senderHost: 'owner.example:8443',
    providerId: 'p1',
    recipientId: 'bob',
    resourceType: 'folder',
    shareType: 'user',
    name: 'Docs',
    description: null,
    owner: 'alice@owner.example:8443',
    sender: 'alice@owner.example:8443',
    ownerDisplayName: null,
    senderDisplayName: null,
    protocol: {
      name: 'multi',
      protocols: { webdav: webdav ?? { uri: 'p1', sharedSecret: 's3cret', permissions: ['read'] } },
    },
    permissions: ['read'],
    state: 'accepted',
    expiration: null,
    createdAt: 1,
    updatedAt: 1,
    ...rest,
  };
}

const ctx = (shares: IncomingShare[]) =>
  ({
    shares: { listIncoming: async () => shares, accessCredential: async () => 'tok' },
    remote: {
      discover: async () => ({
        origin: 'https://owner.example:8443',
        resourceTypes: [{ name: 'folder', shareTypes: ['user'], protocols: { webdav: '/remote/dav/ocm/' } }],
      }),
    },
  }) as unknown as Pick<PluginContext, 'shares' | 'remote'>;

describe('files: Shared with me entries and owner URLs', () => {
  it('lists accepted file/folder shares with safe, unique names (oldest keeps the plain name)', async () => {
    const mounts = await listMounts(
      ctx([
        incoming({ id: 'a', createdAt: 1 }),
        incoming({ id: 'b', createdAt: 2 }),
        incoming({ id: 'c', createdAt: 3, resourceType: 'file', name: 'a/b.txt' }),
        incoming({ id: 'd', createdAt: 4, resourceType: 'file', name: 'a_b.txt' }),
        incoming({ id: 'e', state: 'pending' }),
        incoming({ id: 'f', resourceType: 'calendar' }),
        incoming({ id: 'g', name: '..', createdAt: 5 }),
      ]),
      'bob',
    );
    assert.deepEqual(
      mounts.map((m) => [m.share.id, m.name, m.collection]),
      [
        ['a', 'Docs', true],
        ['b', 'Docs (2)', true],
        ['c', 'a_b.txt', false],
        ['d', 'a_b (2).txt', false],
        ['g', 'shared folder', true],
      ],
    );
  });

  it('builds the owner URL from a relative uri and discovery, or an absolute uri on the sender', async () => {
    const rel = await remoteTarget(ctx([]), incoming({}));
    assert.deepEqual(rel, { base: 'https://owner.example:8443/remote/dav/ocm/p1', authorization: 'Bearer tok' });
    const abs = await remoteTarget(
      ctx([]),
      incoming({ webdav: { uri: 'https://owner.example:8443/dav/ocm/p1/', sharedSecret: 'x' } }),
    );
    assert.equal(abs.base, 'https://owner.example:8443/dav/ocm/p1');
    const legacy = await remoteTarget(ctx([]), incoming({ webdav: { sharedSecret: 'legacy' } }));
    assert.equal(legacy.authorization, `Basic ${Buffer.from('legacy:').toString('base64')}`);
  });

  it('never sends the credential to a host other than the sender', async () => {
    await assert.rejects(
      remoteTarget(ctx([]), incoming({ webdav: { uri: 'https://evil.example/steal', sharedSecret: 'x' } })),
      (err: unknown) => err instanceof DavError && err.code === 'SHARE_URI_FOREIGN',
    );
  });
});
