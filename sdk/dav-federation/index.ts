/**
 * Federation of DAV collections (calendars, address books) shared over OCM, with no resource-type knowledge: the
 * `webdav` v1 protocol block, the owner's endpoint authenticated by share secret, the recipient's synced copy
 * (sync-collection + multiget), writes through to the owner, change notifications. See README.md.
 */
export { announceChange, type ChangeNotice } from './announce.ts';
export {
  multigetBody,
  parseMultistatus,
  syncCollectionBody,
  type MultigetSpec,
  type SyncMember,
} from './multistatus.ts';
export {
  ownerRequest,
  OwnerUnreachable,
  unquoteEtag,
  type OwnerAccess,
  type OwnerRequestOptions,
  type OwnerResponse,
} from './owner-request.ts';
export { ownerDavHandler, shareCredential, type OwnerDavOptions } from './owner-dav.ts';
export { intervalSetting, startSafetyNet, type SafetyNetCopy, type SafetyNetOptions } from './safety-net.ts';
export { DavSyncClient, type DavSyncOptions, type SyncedCopies, type SyncedCopy } from './sync-client.ts';
export {
  ACCESS_READ,
  ACCESS_READ_WRITE,
  LEGACY_PERMISSIONS,
  readWebdavShare,
  sharedCopyUri,
  webdavIncomingPermissions,
  webdavShareProtocol,
  type WebdavShareInfo,
} from './webdav-protocol.ts';
export { OwnerWriteError, writeToOwner, type OwnerWrite, type OwnerWriteFailure } from './write-through.ts';
