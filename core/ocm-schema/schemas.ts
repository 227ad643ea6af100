/**
 * Meshwork's own JSON Schemas (draft-07 style) for the OCM 1.4 wire bodies. Written by hand from the
 * protocol description; test/contract/ocm-spec-conformance.test.ts checks them against the official spec.
 * Deliberately lenient where the protocol wants a specific status instead of a generic 400
 * (unknown shareType/resourceType → 501, unknown grant_type → OAuth error, unknown requirement → service check).
 */

const str = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;
const nonEmptyStrings = { type: 'array', minItems: 1, items: { type: 'string' } } as const;

const webdavArm = {
  type: 'object',
  required: ['uri', 'sharedSecret'],
  properties: {
    uri: nonEmpty,
    sharedSecret: nonEmpty,
    permissions: strings,
    requirements: nonEmptyStrings,
    accessTypes: strings,
    size: { type: 'integer', minimum: 0 },
  },
} as const;

const webappArm = {
  type: 'object',
  required: ['uri', 'sharedSecret'],
  properties: {
    uri: nonEmpty,
    sharedSecret: nonEmpty,
    targets: nonEmptyStrings,
    permissions: strings,
    requirements: nonEmptyStrings,
    appName: str,
    appIconHint: str,
    mediaTypes: strings,
  },
} as const;

const sshArm = {
  type: 'object',
  properties: { uri: nonEmpty, accessTypes: strings },
} as const;

/** `protocol` of a NewShare: legacy `{name, options}`, `{name, <p>: {...}}` or `{name: 'multi', ...}`. */
const protocol = {
  type: 'object',
  required: ['name'],
  properties: {
    name: nonEmpty,
    options: { type: 'object', properties: { sharedSecret: str } },
    webdav: webdavArm,
    webapp: webappArm,
    ssh: sshArm,
  },
  additionalProperties: { type: 'object' },
} as const;

/** POST /shares body (Share Creation Notification). Extra fields (sharedBy, ...) are allowed. */
export const NewShare = {
  type: 'object',
  required: ['shareWith', 'name', 'providerId', 'owner', 'sender', 'shareType', 'resourceType', 'protocol'],
  properties: {
    shareWith: nonEmpty,
    name: nonEmpty,
    description: str,
    providerId: nonEmpty,
    owner: nonEmpty,
    sender: nonEmpty,
    ownerDisplayName: str,
    senderDisplayName: str,
    shareType: nonEmpty,
    resourceType: nonEmpty,
    expiration: { type: 'integer' },
    protocol,
  },
} as const;

/** POST /notifications body. `resourceType` is optional in the draft text (required in the OpenAPI). */
export const NewNotification = {
  type: 'object',
  required: ['notificationType', 'providerId'],
  properties: {
    notificationType: nonEmpty,
    resourceType: nonEmpty,
    providerId: nonEmpty,
    notification: { type: 'object' },
  },
} as const;

/** POST /invite-accepted body. `email` and `name` may be empty strings (informational). */
export const AcceptedInvite = {
  type: 'object',
  required: ['recipientProvider', 'token', 'userID', 'email', 'name'],
  properties: {
    recipientProvider: nonEmpty,
    token: nonEmpty,
    userID: nonEmpty,
    email: str,
    name: str,
  },
} as const;

/** POST /request-share body (new in 1.4.0). */
export const RequestShare = {
  type: 'object',
  required: ['owner', 'shareWith', 'share'],
  properties: { owner: nonEmpty, shareWith: nonEmpty, share: nonEmpty },
} as const;

/** Form fields of POST {tokenEndPoint}; the grant type value is checked by the token service. */
export const TokenRequest = {
  type: 'object',
  required: ['grant_type', 'client_id', 'code'],
  properties: { grant_type: nonEmpty, client_id: nonEmpty, code: nonEmpty, redirect_uri: str },
} as const;

/** 201 body of POST /shares. */
export const ShareCreatedResponse = {
  type: 'object',
  required: ['recipientDisplayName'],
  properties: { recipientDisplayName: str, recipientPublicKeys: strings, recipientUserId: str },
} as const;

/** 200 body of POST /invite-accepted. */
export const AcceptedInviteResponse = {
  type: 'object',
  required: ['userID', 'email', 'name'],
  properties: { userID: nonEmpty, email: str, name: str },
} as const;

/** 200 body of POST {tokenEndPoint}. */
export const TokenResponse = {
  type: 'object',
  required: ['access_token', 'token_type'],
  properties: {
    access_token: nonEmpty,
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer', minimum: 0 },
  },
} as const;

/** OCM error body; `validationErrors` is the 400 extension. */
export const ErrorBody = {
  type: 'object',
  required: ['message'],
  properties: {
    message: str,
    validationErrors: {
      type: 'array',
      items: { type: 'object', required: ['name', 'message'], properties: { name: str, message: str } },
    },
  },
} as const;

const resourceTypeEntry = {
  type: 'object',
  required: ['name'],
  properties: {
    name: nonEmpty,
    shareTypes: strings,
    protocols: {
      type: 'object',
      properties: {
        webdav: str,
        'webdav-receive': {
          type: 'object',
          required: ['uri'],
          properties: { uri: { type: 'string', enum: ['absolute', 'relative'] } },
        },
        webapp: { type: 'object' },
        'webapp-receive': { type: 'object', required: ['targets'], properties: { targets: nonEmptyStrings } },
        ssh: str,
        'ssh-receive': { type: 'object' },
      },
      additionalProperties: { type: ['string', 'object'] },
    },
  },
} as const;

/**
 * GET /.well-known/ocm body. Unknown capability/criteria strings are tolerated (older/newer peers), and
 * `tokenEndPoint`/`jwksUri` may be relative (OCM-stub); the discovery client resolves them.
 */
export const Discovery = {
  type: 'object',
  required: ['enabled', 'apiVersion', 'endPoint', 'resourceTypes'],
  properties: {
    enabled: { type: 'boolean' },
    apiVersion: str,
    endPoint: { type: 'string', format: 'uri' },
    provider: str,
    resourceTypes: { type: 'array', minItems: 1, items: resourceTypeEntry },
    capabilities: strings,
    criteria: strings,
    jwksUri: nonEmpty,
    tokenEndPoint: nonEmpty,
    inviteAcceptDialog: str,
  },
} as const;

/** Every schema by name. */
export const OCM_SCHEMAS = {
  NewShare,
  NewNotification,
  AcceptedInvite,
  RequestShare,
  TokenRequest,
  ShareCreatedResponse,
  AcceptedInviteResponse,
  TokenResponse,
  Error: ErrorBody,
  Discovery,
} as const;

/** Name of one of Meshwork's OCM schemas. */
export type OcmSchemaName = keyof typeof OCM_SCHEMAS;
