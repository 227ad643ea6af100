/**
 * The files plugin's DAV server: the toolkit's core, locks in the database, dead properties in the database, and
 * the share binding that keeps outgoing shares attached to the resources they name. One server serves both
 * mounts (a user's own tree and the trees reached through shares).
 */
import path from 'node:path';
import type { PluginContext } from '#core';
import type { FilesTables } from './tables.ts';
import { createDavServer, deadPropertiesExtension, locksExtension, type DavServer } from '#dav';
import { DbLockBackend } from './db-lock-backend.ts';
import type { DiskStore } from './disk-nodes.ts';
import { PropStore } from './prop-store.ts';
import { homeOpener, ShareBinding } from './share-binding.ts';
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
  binding: ShareBinding;
}

/** Directory of a user's tree. */
export function userDir(filesDir: string, userId: string): string {
  return path.join(filesDir, userId);
}

/** Builds the DAV server and stores of the files plugin. */
export function createFilesDav(
  ctx: Pick<PluginContext<FilesTables>, 'db' | 'dialect' | 'logger' | 'shares'>,
  filesDir: string,
  uploadDir: string,
): FilesDav {
  const locks = new DbLockBackend(ctx.db, ctx.dialect);
  const roots = new ShareRoots(ctx.db);
  const store: DiskStore = { uploadDir };
  const binding = new ShareBinding(
    ctx,
    roots,
    homeOpener(store, (owner) => userDir(filesDir, owner)),
  );
  Object.assign(store, binding.diskHooks());
  const server = createDavServer({
    logger: ctx.logger,
    maxXmlBytes: MAX_XML_BYTES,
    extensions: [locksExtension(locks), deadPropertiesExtension(new PropStore(ctx.db)), binding.extension()],
  });
  return { server, store, filesDir, locks, roots, binding };
}
