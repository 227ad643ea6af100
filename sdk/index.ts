/**
 * `#sdk`: the Meshwork plugin SDK, the entry a plugin's server part imports (version `SDK_VERSION`, semver: additions
 * raise the minor version, a removal or incompatible change the major one). It re-exports the plugin-facing part of
 * the core (`#core` keeps working for the built-in plugins) and adds typed, run-time-validated wire declarations.
 * A plugin states the SDK range it is written for in `sdk` (`'^1.0.0'`); the server refuses to start otherwise.
 * The guide is docs/plugins.md; the test kit is `#sdk/testing`.
 *
 * @example
 * import { definePlugin, SDK_VERSION } from '#sdk';
 * export default () => definePlugin({ id: 'notes', sdk: '^1.0.0', resourceTypes: [...], async setup(ctx) { return {}; } });
 */

export { SDK_VERSION, PluginManifestError, PluginScopeError, tablePrefix } from '#core';

// ---- Declaring a plugin and its context
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
  type SchemaMigration,
  type MigrationContext,
  type Logger,
  type MeshworkConfig,
} from '#core';

// ---- Users, shares and events a plugin sees
export type {
  User,
  IncomingShare,
  OutgoingShare,
  IncomingShareView,
  Contact,
  EngineEvents,
  EngineEventName,
  ServerToClientEvents,
} from '#core';
export { userRoom, ChangeAnnouncer, parseAddress, formatAddress, userFromRequest, type OcmAddress } from '#core';

// ---- Errors: throw these (their declared status is the HTTP status); declare a plugin's own codes
export {
  MeshworkError,
  InputError,
  AuthenticationError,
  NotAllowedError,
  NotFoundError,
  ConflictError,
  NotImplementedError,
  declareErrorCodes,
  type ValidationIssue,
  type ErrorCode,
  type PluginErrorCode,
} from '#core';
export { answerAck, peerRouteErrors, toWireError, type AckReply, type WireError } from '#core';

// ---- Wire declarations with run-time validation
export {
  defineShareProtocol,
  defineNotification,
  type ShareProtocol,
  type NotificationDeclaration,
  type JsonSchema,
} from './declarations.ts';

// ---- Typed socket namespaces with run-time-validated client events
export {
  defineSocketEvents,
  type SocketEvents,
  type SocketApi,
  type SocketSchemas,
  type SocketEventMap,
  type SocketRequest,
  type SocketReply,
  type PluginNamespace,
  type PluginSocket,
  type PluginSocketData,
} from './socket-events.ts';

// ---- Signed server-to-server routes (body bytes kept, signature verified, errors in OCM shape)
export {
  peerRoutes,
  type PeerRoutes,
  type PeerRoutesOptions,
  type PeerRequest,
  type PeerHandler,
} from './peer-routes.ts';

// ---- Federation of shared DAV collections (calendars, address books): protocol block, owner endpoint, synced
// copies, write-through, change notifications (dav-federation/README.md)
export * from './dav-federation/index.ts';
