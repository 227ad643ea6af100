/** Owner side of sharing: checks a file/folder share request and builds its OCM protocol object. */
import { InputError, NotFoundError, type OutgoingShareDraft, type PreparedShare } from '#core';
import { isValidName, treePath } from '#dav';
import { DiskCollection, resolveDiskPath } from './disk-nodes.ts';
import { userDir, type FilesDav } from './files-dav.ts';
import { FILES_ERRORS } from './error-codes.ts';

const SHAREABLE = ['read', 'write', 'share'];

/** Normalises a resourceId (a path in the owner's tree, e.g. `/Projects/report.pdf`) or throws 400. */
export function resourcePath(resourceId: string): string {
  const segs = resourceId.split('/').filter(Boolean);
  if (segs.length === 0)
    throw new InputError(
      'the whole home folder cannot be shared; share a folder inside it',
      [{ name: 'resourceId', message: 'INVALID' }],
      FILES_ERRORS.RESOURCE_ID_INVALID,
    );
  if (!segs.every(isValidName))
    throw new InputError(
      'resourceId must be a path like /Projects/report.pdf',
      [{ name: 'resourceId', message: 'INVALID' }],
      FILES_ERRORS.RESOURCE_ID_INVALID,
    );
  return treePath(segs);
}

/** The prepareOutgoingShare hook. */
export async function prepareFileShare(draft: OutgoingShareDraft, dav: FilesDav): Promise<PreparedShare> {
  const p = resourcePath(draft.resourceId);
  const home = await DiskCollection.open(dav.store, userDir(dav.filesDir, draft.owner.id), draft.owner.id);
  const node = home && (await resolveDiskPath(home, p));
  if (!node) throw new NotFoundError(`no file or folder ${p}`, 'RESOURCE_NOT_FOUND');
  const kind = node.collection ? 'folder' : 'file';
  if (kind !== draft.resourceType) {
    throw new InputError(
      `${p} is a ${kind}, not a ${draft.resourceType}`,
      [{ name: 'resourceType', message: 'MISMATCH' }],
      FILES_ERRORS.RESOURCE_TYPE_MISMATCH,
    );
  }
  if (draft.permissions.length === 0 || draft.permissions.some((x) => !SHAREABLE.includes(x))) {
    throw new InputError('permissions must be a non-empty subset of read, write, share', [
      { name: 'permissions', message: 'INVALID' },
    ]);
  }
  await dav.roots.add({ providerId: draft.providerId, owner: draft.owner.id, path: p, kind, fileId: node.info.fileId });
  const webdav: Record<string, unknown> = {
    uri: draft.providerId,
    sharedSecret: draft.sharedSecret,
    permissions: draft.permissions,
  };
  if (draft.mustExchangeToken) webdav.requirements = ['must-exchange-token'];
  return { name: draft.name?.trim() || (p.split('/').pop() as string), protocol: { name: 'multi', webdav } };
}
