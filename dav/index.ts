/**
 * The public API of the DAV toolkit: the only path plugins import (`#dav`). A protocol library with no
 * resource-type knowledge; see README.md for the model.
 */
export { createDavServer } from './create-server.ts';
export {
  DavServer,
  type DavExtension,
  type DavHooks,
  type DavServerOptions,
  type MethodHandler,
  type PropertyProvider,
  type ReportHandler,
  type ReportSpec,
  type StateTokenSource,
  type WriteTarget,
} from './server.ts';
export { DavRequest, hasBodyHeaders, type Depth } from './request.ts';
export {
  isCollection,
  isFile,
  isSyncCollection,
  type DavCollection,
  type DavFile,
  type DavMount,
  type DavNode,
  type DavSyncCollection,
  type SyncChanges,
  type WriteInput,
  type WriteResult,
} from './tree.ts';
export {
  emptyElement,
  multistatus,
  parsePropfind,
  PropFind,
  propNames,
  statusResponse,
  type PropRequest,
  type PropValue,
} from './prop-find.ts';
export { parsePropertyUpdate, type PropOp, type PropPatchHandler } from './prop-patch.ts';
export { checkHttpConditions, checkIfHeader, guardWrite, ifGroups } from './conditions.ts';
export { CORE_PROPS } from './core/live-props.ts';
export { parseRange, sendBytes } from './core/get.ts';
export { deadPropertiesExtension, MAX_DEAD_PROPERTY_BYTES, type DeadPropertyStore } from './dead-props.ts';
export { activeLockXml, locksExtension } from './locks/locks-extension.ts';
export {
  lockConflicts,
  lockCovers,
  MAX_LOCK_SECONDS,
  newLockToken,
  parseTimeout,
  type DavLock,
  type LockBackend,
} from './locks/lock-backend.ts';
export { formatSyncToken, parseSyncToken, SYNC_TOKEN_PREFIX, syncExtension } from './sync/sync-extension.ts';
export * from './errors.ts';
export { DAV_ERROR_CODES, type DavErrorCode } from './error-codes.ts';
export { errorBody, sendDavError, sendFailure, toDavError, type DavLogger } from './error-response.ts';
export * from './xml.ts';
export { decodeUtf8, MAX_XML_DEPTH, parseXml } from './xml-parse.ts';
export * from './if-header.ts';
export * from './paths.ts';
export {
  principalHref,
  PrincipalCollection,
  PrincipalNode,
  PRINCIPAL_PROPS,
  PRINCIPALS_PATH,
  PrincipalsRootNode,
  SERVICE_ROOTS,
  ServiceRootNode,
  sharedPrincipals,
  type PrincipalAuthenticator,
  type PrincipalContribution,
  type PrincipalsMount,
  type PrincipalsSetup,
  type PrincipalUser,
} from './principals/principals.ts';
export {
  MAX_DEAD_PROPERTIES_PER_RESOURCE,
  MAX_DEAD_PROPERTY_BYTES_PER_RESOURCE,
  TreeDeadPropertyStore,
  type TreePropTables,
} from './tree-prop-store.ts';
export { ListingCache } from './listing-cache.ts';
export { VirtualCollection, type VirtualRefusals } from './virtual-collection.ts';
export { DAV_READ_METHODS, ResponseCache, responseCacheExtension, type ResponseCacheStats } from './response-cache.ts';
export { DefaultCollection, type DefaultCollectionSpec } from './default-collection.ts';
export {
  etagOf,
  IN_CHUNK,
  memberTouched,
  type ChangeSet,
  type MemberMeta,
  type MemberTableSpec,
  type WithData,
  type WriteCondition,
} from './store/member-spec.ts';
export { MemberTable } from './store/member-table.ts';
export { CollectionCounter, type Counters } from './store/collection-counter.ts';
export {
  CollectionTable,
  isCollectionSegment,
  newCounters,
  type CollectionTableSpec,
} from './store/collection-table.ts';
