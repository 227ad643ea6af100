/** The implementation of `FilesApi` (public-api.ts): writes into a local user's own tree, and read-only folder shares. */
import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { InputError, type ShareRegistry } from '#core';
import { isValidName } from '#dav';
import { DiskCollection, resolveDiskPath } from './disk-nodes.ts';
import { userDir, type FilesDav } from './files-dav.ts';
import { mimeOf } from './file-store.ts';
import type { FilesApi, StoredFile } from './public-api.ts';
import { resourcePath } from './share-provider.ts';

const LIVE = new Set(['sending', 'pending', 'accepted']);

function badName(name: string): InputError {
  return new InputError(`"${name}" is not a valid file name`, [{ name: 'name', message: 'INVALID' }]);
}

/** ` (2)`, ` (3)`… before the extension. */
function variant(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

export function filesApi(dav: FilesDav, shares: ShareRegistry): FilesApi {
  const home = async (userId: string) => {
    const dir = userDir(dav.filesDir, userId);
    mkdirSync(dir, { recursive: true });
    const root = await DiskCollection.open(dav.store, dir, userId);
    if (!root) throw new Error(`no home folder for ${userId}`);
    return root;
  };
  const folder = async (userId: string, folderPath: string): Promise<DiskCollection> => {
    let node: DiskCollection = await home(userId);
    for (const seg of resourcePath(folderPath).split('/').filter(Boolean)) {
      let next = await node.child(seg);
      if (!next) {
        await node.createCollection(seg).catch(() => {}); // a concurrent call may have made it
        next = await node.child(seg);
      }
      if (!(next instanceof DiskCollection)) throw badName(seg);
      node = next;
    }
    return node;
  };
  return {
    async ensureFolder(userId, folderPath) {
      await folder(userId, folderPath);
      return resourcePath(folderPath);
    },
    async putFile(userId, folderPath, name, body): Promise<StoredFile> {
      if (!isValidName(name)) throw badName(name);
      const dir = await folder(userId, folderPath);
      for (let n = 1; n < 1000; n++) {
        const candidate = n === 1 ? name : variant(name, n);
        if (await dir.child(candidate)) continue;
        await dir.createFile(candidate, {
          body: Readable.from([body]),
          length: body.length,
          contentType: undefined,
          headers: {},
        });
        const p = `${resourcePath(folderPath)}/${candidate}`;
        return { path: p, name: candidate, size: body.length, mime: mimeOf(candidate) };
      }
      throw badName(name);
    },
    async shareFolderReadOnly(userId, folderPath, shareWith, name) {
      const p = resourcePath(folderPath);
      const node = await resolveDiskPath(await home(userId), p);
      if (!(node instanceof DiskCollection)) throw badName(p);
      const existing = (await shares.listOutgoingForResource('folder', p)).find(
        (s) =>
          s.ownerId === userId &&
          LIVE.has(s.state) &&
          [s.shareWith, `${s.shareWith}@${s.shareWithHost}`].some((a) => a.toLowerCase() === shareWith.toLowerCase()),
      );
      if (existing) return existing.id;
      const share = await shares.createOutgoing(userId, {
        resourceType: 'folder',
        resourceId: p,
        shareWith,
        permissions: ['read'],
        ...(name ? { name } : {}),
      });
      return share.id;
    },
    async unshareFolderExcept(userId, folderPath, keep) {
      const kept = new Set(keep.map((k) => k.toLowerCase()));
      const live = (await shares.listOutgoingForResource('folder', resourcePath(folderPath))).filter(
        (s) => s.ownerId === userId && LIVE.has(s.state),
      );
      let ended = 0;
      for (const s of live) {
        if ([s.shareWith, `${s.shareWith}@${s.shareWithHost}`].some((a) => kept.has(a.toLowerCase()))) continue;
        await shares.revokeOutgoing(userId, s.id);
        ended++;
      }
      return ended;
    },
  };
}
