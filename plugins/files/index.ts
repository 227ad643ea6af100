/**
 * The files plugin: per-user WebDAV trees at `/dav/files/<user>/`, OCM sharing of files and folders (the owner serves
 * `/dav/ocm/<providerId>/`, the recipient sees accepted shares under `Shared with me/`), and owner-side resharing.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { definePlugin, InputError, type MeshworkPlugin } from '#core';
import { setAsideDeletedUsersFiles } from './account-cleanup.ts';
import type { DavServices } from './dav-context.ts';
import { davAuthenticator } from './dav-auth.ts';
import { LockManager } from './lock-manager.ts';
import { filesMigrations } from './migrations.ts';
import { OCM_DAV_PATH, ocmDavHandler } from './ocm-dav.ts';
import { handleReshareRequest, REQUEST_RESHARE, reshareRoute } from './reshare.ts';
import { prepareFileShare } from './share-provider.ts';
import { TreeStore } from './tree-store.ts';
import { userDavHandler } from './user-dav.ts';

const MAX_XML_BYTES = 1 << 20;

/** Creates the files plugin. */
export function filesPlugin(): MeshworkPlugin {
  const protocols = { webdav: OCM_DAV_PATH, 'webdav-receive': { uri: 'relative' } };
  return definePlugin({
    id: 'files',
    resourceTypes: [
      // OCM lets a sender assume every peer accepts file/user/webdav, even one that lists no resource types.
      { name: 'file', shareTypes: ['user'], protocols, assumable: true },
      { name: 'folder', shareTypes: ['user'], protocols },
    ],
    migrations: filesMigrations,
    async setup(ctx) {
      const filesDir = path.join(ctx.config.dataDir, 'files');
      const uploadDir = path.join(ctx.config.dataDir, 'files-tmp');
      mkdirSync(filesDir, { recursive: true });
      // Parts left by uploads interrupted by a crash are garbage: never renamed into place.
      rmSync(uploadDir, { recursive: true, force: true });
      mkdirSync(uploadDir, { recursive: true });
      const tree = new TreeStore(ctx.db);
      const svc: DavServices = { locks: new LockManager(), tree, maxXmlBytes: MAX_XML_BYTES, uploadDir };
      const auth = davAuthenticator(ctx);
      const userDav = userDavHandler(ctx, svc, filesDir, auth);
      const ocmDav = ocmDavHandler(ctx, svc, tree, filesDir);
      ctx.mount('/dav/files', (req, res) => void userDav(req, res));
      ctx.mount(OCM_DAV_PATH.replace(/\/$/, ''), (req, res) => void ocmDav(req, res));
      reshareRoute(ctx, ctx.api);
      setAsideDeletedUsersFiles(ctx, filesDir);
      return {
        prepareOutgoingShare: (draft) => prepareFileShare(draft, tree, filesDir),
        // Locks taken through a share die with it, so they never block the owner afterwards.
        async onOutgoingRemoved(share) {
          svc.locks.removePrincipal(`ocm:${share.providerId}`);
        },
        async onOutgoingDeclined(share) {
          svc.locks.removePrincipal(`ocm:${share.providerId}`);
        },
        async onNotification(n) {
          if (n.notificationType === REQUEST_RESHARE) return handleReshareRequest(ctx, tree, n);
          throw new InputError(
            `notification type ${n.notificationType} is not supported for files`,
            [{ name: 'notificationType', message: 'UNSUPPORTED' }],
            'NOTIFICATION_NOT_SUPPORTED',
          );
        },
      };
    },
  });
}
