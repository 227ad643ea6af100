/**
 * The files plugin's DAV server: the toolkit's core, locks in the database, dead properties in the database, and
 * the share-roots extension that keeps outgoing shares attached to the resources they name. One server serves both
 * mounts (a user's own tree and the trees reached through shares).
 */
import path from 'node:path';
import type { PluginContext } from '#core';
import { createDavServer, deadPropertiesExtension, locksExtension, type DavExtension, type DavServer } from '#dav';
import { DbLockBackend } from './db-lock-backend.ts';
import type { DiskStore } from './disk-nodes.ts';
import { PropStore } from './prop-store.ts';
import { ShareRoots } from './share-roots.ts';

/** Methods that change something (refused on read-only shares, also by the recipient's proxy). */
export const WRITE_METHODS = new Set(['PUT', 'DELETE', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK']);

/** Largest accepted XML request body. */
const MAX_XML_BYTES = 1 << 20;

/** Everything the files mounts share. */
export interface FilesDav {
  server: DavServer;
  store: DiskStore;
  filesDir: string;
  locks: DbLockBackend;
  roots: ShareRoots;
}

/** Directory of a user's tree. */
export function userDir(filesDir: string, userId: string): string {
  return path.join(filesDir, userId);
}

/** Outgoing shares follow their resource when it is moved, and lose it when it is deleted or replaced. */
function shareRootsExtension(roots: ShareRoots): DavExtension {
  return {
    name: 'files-share-roots',
    setup(server) {
      server.on('afterMove', (d, from, to) => roots.move(d.mount.space, d.key(from), d.key(to)));
      server.on('afterUnbind', async (d, p) => {
        for (const r of await roots.within(d.mount.space, d.key(p))) await roots.remove(r.providerId);
      });
    },
  };
}

/** Builds the DAV server and stores of the files plugin. */
export function createFilesDav(
  ctx: Pick<PluginContext, 'db' | 'dialect' | 'logger'>,
  filesDir: string,
  uploadDir: string,
): FilesDav {
  const locks = new DbLockBackend(ctx.db, ctx.dialect);
  const roots = new ShareRoots(ctx.db);
  const server = createDavServer({
    logger: ctx.logger,
    maxXmlBytes: MAX_XML_BYTES,
    extensions: [locksExtension(locks), deadPropertiesExtension(new PropStore(ctx.db)), shareRootsExtension(roots)],
  });
  return { server, store: { uploadDir }, filesDir, locks, roots };
}
