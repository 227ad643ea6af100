/**
 * The files plugin: per-user WebDAV trees at `/dav/files/<user>/`, OCM sharing of files and folders (the owner serves
 * `/dav/ocm/<providerId>/`, the recipient sees accepted shares under `Shared with me/`), and owner-side resharing.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { definePlugin, InputError, type MeshworkPlugin } from '#core';
import { DAV_READ_METHODS } from '#dav';
import { setAsideDeletedUsersFiles } from './account-cleanup.ts';
import { searchRoute } from './api/search-route.ts';
import { sharedItemsRoute } from './api/shared-items-route.ts';
import { sharedWithMeRoute } from './api/shared-with-me-route.ts';
import { davAuthenticator } from './dav-auth.ts';
import { createFilesDav } from './files-dav.ts';
import { filesApi } from './files-api.ts';
import type { FilesTables } from './tables.ts';
import { filesMigrations } from './migrations.ts';
import { OCM_DAV_PATH, ocmDavHandler } from './ocm-dav.ts';
import { PREVIEW_DEFAULTS, Previews, type PreviewOptions } from './previews/previews.ts';
import { handleReshareRequest, REQUEST_RESHARE, reshareRoute } from './reshare.ts';
import { prepareFileShare } from './share-provider.ts';
import type { FilesApi } from './public-api.ts';
import { userDavHandler } from './user-dav.ts';

/** An upload part nobody wrote to for this long belongs to no live upload. */
const STALE_PART_MS = 60 * 60_000;

/**
 * Parts left by uploads interrupted by a crash are garbage (never renamed into place). Several app nodes may share
 * the data directory, so only parts idle for an hour go: a live upload keeps writing to its part.
 */
function removeStaleParts(uploadDir: string): void {
  for (const name of readdirSync(uploadDir)) {
    const full = path.join(uploadDir, name);
    try {
      if (Date.now() - statSync(full).mtimeMs > STALE_PART_MS) rmSync(full, { recursive: true, force: true });
    } catch {
      // another node removed it first
    }
  }
}

/** Options of the files plugin (defaults suit a server; tests tighten them). */
export interface FilesPluginOptions {
  /** Preview limits and tools; the cache lives in `<dataDir>/files-previews` unless `cacheDir` is given. */
  previews?: Partial<PreviewOptions>;
}

/** Creates the files plugin. */
export function filesPlugin(options: FilesPluginOptions = {}): MeshworkPlugin {
  const protocols = { webdav: OCM_DAV_PATH, 'webdav-receive': { uri: 'relative' } };
  return definePlugin<FilesTables>({
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
      mkdirSync(uploadDir, { recursive: true });
      removeStaleParts(uploadDir);
      const dav = createFilesDav(ctx, filesDir, uploadDir);
      const previews = new Previews({
        ...PREVIEW_DEFAULTS,
        cacheDir: path.join(ctx.config.dataDir, 'files-previews'),
        ...options.previews,
      });
      const userDav = userDavHandler(ctx, dav, davAuthenticator(ctx), previews);
      const ocmDav = ocmDavHandler(ctx, dav, previews);
      ctx.hotMount('/dav/files', DAV_READ_METHODS, (req, res) => void userDav(req, res));
      ctx.hotMount(OCM_DAV_PATH.replace(/\/$/, ''), DAV_READ_METHODS, (req, res) => void ocmDav(req, res));
      reshareRoute(ctx, ctx.api);
      setAsideDeletedUsersFiles(ctx, filesDir);
      sharedItemsRoute(ctx, ctx.api, dav.roots);
      searchRoute(ctx.api, filesDir);
      sharedWithMeRoute(ctx, ctx.api);
      dav.binding.start();
      ctx.provide<FilesApi>(filesApi(dav, ctx.shares));
      return {
        prepareOutgoingShare: (draft) => prepareFileShare(draft, dav),
        // Locks taken through a share die with it, so they never block the owner afterwards.
        async onOutgoingRemoved(share) {
          await dav.locks.removePrincipal(`ocm:${share.providerId}`);
          await dav.roots.remove(share.providerId);
        },
        async onOutgoingDeclined(share) {
          await dav.locks.removePrincipal(`ocm:${share.providerId}`);
        },
        async dispose() {
          dav.binding.stop();
        },
        async onNotification(n) {
          if (n.notificationType === REQUEST_RESHARE) return handleReshareRequest(ctx, dav, n);
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
