/** The public API of the Meshwork core: the only path plugins and the web app import. */
export { Engine, type EngineOptions } from './engine.ts';
export { loadConfig, ConfigError, type MeshworkConfig, type Criterion } from './config/config.ts';
export { createLogger, type Logger } from './logger.ts';
export * from './errors.ts';
export {
  declareErrorCodes,
  declaredErrorCodes,
  errorCodeSpec,
  type ErrorCode,
  type ErrorCodeSpec,
  type PluginErrorCode,
  type DeclaredErrorCode,
} from './error-codes.ts';
export {
  definePlugin,
  type MeshworkPlugin,
  type PluginContext,
  type PluginHooks,
  type ResourceTypeSpec,
  type PreparedShare,
  type OutgoingShareDraft,
  type PluginNotification,
  type UnresolvedNotification,
  type OutgoingNotification,
  type ShareRegistry,
  type ShareAccess,
  type ServerIdentity,
  type OutboxMessage,
  type RemoteClient,
  type WireDeclarations,
} from './plugin/plugin-types.ts';
export { SDK_VERSION, PluginManifestError, checkManifests } from './plugin/plugin-manifest.ts';
export { satisfies as satisfiesRange } from './plugin/semver-range.ts';
export type { SchemaMigration, MigrationContext } from './storage/migrations.ts';
export { PluginScopeError, tablePrefix } from './storage/table-scope.ts';
export { PreparedQuery } from './storage/prepared-query.ts';
export { batchWrites, WRITE_BATCH } from './outbound/batched-writes.ts';
export type { User } from './accounts/account-service.ts';
export { userFromRequest } from './accounts/auth-middleware.ts';
export type { IncomingShare, OutgoingShare, IncomingShareView } from './shares/share-types.ts';
export type { Contact, EngineEvents, EngineEventName } from './events.ts';
export type { PeopleProvider } from './people/people-registry.ts';
export type { Person } from './people/people-types.ts';
export type { ServerToClientEvents } from './realtime/realtime-events.ts';
export { answerAck, peerRouteErrors, toWireError, type AckReply, type WireError } from './transport/error-edges.ts';
export { userRoom } from './realtime/realtime.ts';
export { ChangeAnnouncer } from './realtime/change-announcer.ts';
export { parseAddress, formatAddress, type OcmAddress } from './addresses.ts';
