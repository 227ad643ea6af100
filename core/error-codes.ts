/**
 * Every error code the core answers with: its HTTP status and a one-line meaning. This is the one list;
 * `MeshworkError` only accepts a code declared here or by a plugin through `declareErrorCodes`, so an
 * undeclared code fails the typecheck. `scripts/render-error-codes.ts` renders it into docs/errors.md.
 */

/** What a declared code means for a client. */
export interface ErrorCodeSpec {
  /** HTTP status the code is answered with (errors that never reach HTTP use their nearest status). */
  readonly status: number;
  /** One line for a reader of the API docs. */
  readonly meaning: string;
}

export const CORE_ERROR_CODES = {
  // Requests and input
  INVALID_INPUT: { status: 400, meaning: 'A field of the request is missing or invalid; validationErrors names it.' },
  INVALID_BODY: { status: 400, meaning: 'The request body is not valid JSON, or not of the expected shape.' },
  BODY_TOO_LARGE: { status: 413, meaning: 'The request body is larger than this endpoint accepts.' },
  INVALID_ADDRESS: { status: 400, meaning: 'Not an OCM address (user@host[:port], no scheme or path).' },
  INVALID_URL: { status: 400, meaning: 'Not an http(s) URL.' },
  INVALID_HOST: { status: 400, meaning: 'Not a server name (host[:port], no scheme, path or credentials).' },
  ROUTE_NOT_FOUND: { status: 404, meaning: 'No endpoint at this method and path.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    meaning: 'The endpoint exists but not for this method (the Allow header lists those it takes).',
  },
  STARTING: { status: 503, meaning: 'The server is still starting; retry after the Retry-After delay.' },
  INTERNAL_ERROR: { status: 500, meaning: 'An unexpected failure on this server; it is logged, details are not sent.' },
  CONFIG_INVALID: { status: 500, meaning: 'A configuration variable is invalid (start-up only; names the variable).' },
  PLUGIN_MANIFEST_INVALID: {
    status: 500,
    meaning: "A plugin's declaration conflicts with the core or another plugin, or needs another SDK (start-up only).",
  },
  PLUGIN_LOAD_FAILED: {
    status: 500,
    meaning: 'A plugin named in MESHWORK_PLUGINS could not be found, built or loaded (start-up only; names it).',
  },
  PLUGIN_TABLE_OUT_OF_SCOPE: {
    status: 500,
    meaning: "A plugin's query or migration named a table outside its own (<id>_*): a bug in that plugin (names both).",
  },
  // Accounts and sessions
  UNAUTHENTICATED: { status: 401, meaning: 'No valid session, bearer token or password was given.' },
  INVALID_CREDENTIALS: { status: 401, meaning: 'Wrong username or password.' },
  TOO_MANY_ATTEMPTS: { status: 429, meaning: 'Too many failed password attempts; wait for the time given.' },
  FORBIDDEN: { status: 403, meaning: 'Authenticated, but not allowed to do this.' },
  USER_EXISTS: { status: 409, meaning: 'A user with this id already exists.' },
  USER_NOT_FOUND: { status: 404, meaning: 'No local user with this id.' },
  CONFLICT: { status: 409, meaning: 'The request conflicts with the current state.' },
  NOT_IMPLEMENTED: { status: 501, meaning: 'This server does not implement the request.' },
  // Accounts: state, password changes and bad requests at the edge (security)
  ACCOUNT_DISABLED: {
    status: 403,
    meaning: 'The right password for an account the operator disabled; it cannot log in or use sessions.',
  },
  WRONG_PASSWORD: { status: 403, meaning: 'Changing a password: the current password given is not correct.' },
  USER_ID_RETIRED: { status: 409, meaning: 'The id belonged to a deleted account; it is never given to anyone else.' },
  MALFORMED_URL: {
    status: 400,
    meaning: 'The URL path has malformed percent-encoding (or is not UTF-8 once decoded).',
  },
  INVALID_REQUEST: { status: 400, meaning: 'The HTTP request itself is not valid.' },
  // end of accounts (security)
  // Shares (client API and OCM)
  RESOURCE_NOT_FOUND: {
    status: 404,
    meaning: 'The resource or share does not exist (OCM /notifications answers it with 400, as peers expect).',
  },
  SHARE_NOT_FOUND: { status: 404, meaning: 'No share with this id for the calling user.' },
  SHARE_NOT_PENDING: { status: 409, meaning: 'The share was already answered (accepted, declined or removed).' },
  SHARE_NOT_ACTIVE: { status: 409, meaning: 'The share has ended (unshared, declined or failed): it cannot change.' },
  PERMISSION_CHANGE_NOT_ALLOWED: {
    status: 403,
    meaning: "OCM: a share's permissions change only when its owner's server says so, never at the recipient's.",
  },
  SHARE_REFUSED: { status: 400, meaning: 'The receiving server refused the share; the message carries its reason.' },
  SHARE_STILL_ACTIVE: {
    status: 409,
    meaning: 'Only ended (unshared, declined) or failed shares can be cleared from the list.',
  },
  SHARE_WITH_SELF: { status: 400, meaning: 'A user cannot share with themselves.' },
  SHARE_PEER_NOT_FOUND: { status: 400, meaning: "No server has the address's host name (it does not resolve)." },
  SHARE_PEER_NOT_OCM: {
    status: 400,
    meaning: 'The server answers but is not an Open Cloud Mesh server, or has OCM turned off.',
  },
  SHARE_TYPE_UNSUPPORTED: {
    status: 400,
    meaning: 'The receiving server does not accept shares of this resource type.',
  },
  SHARE_PEER_REFUSED: { status: 403, meaning: 'The receiving server does not accept shares from this server.' },
  SHARE_PEER_BLOCKED: {
    status: 403,
    meaning: 'The address resolves to a private, loopback or reserved network address.',
  },
  SETTINGS_INVALID: { status: 400, meaning: 'A user setting is unknown or has a value of the wrong type.' },
  NOTIFICATION_RESERVED: {
    status: 403,
    meaning: 'A plugin tried to send a notification type that only the core sends (use the share registry).',
  },
  RECEIVER_UNSUPPORTED: { status: 501, meaning: 'The receiving server does not accept this resource or share type.' },
  RECIPIENT_NOT_FOUND: { status: 400, meaning: 'shareWith names no user of its server (ours, or the receiver).' },
  OWNER_PROVIDER_MISMATCH: { status: 403, meaning: "OCM: the share's owner is not an account of the sending server." },
  RESOURCE_TYPE_NOT_SUPPORTED: { status: 501, meaning: 'OCM: no plugin here serves this resource type.' },
  SHARE_TYPE_NOT_SUPPORTED: {
    status: 501,
    meaning: 'OCM: this share type (e.g. group) is not supported for the resource type.',
  },
  PROTOCOL_NOT_SUPPORTED: {
    status: 501,
    meaning: 'OCM: none of the offered protocols is supported for the resource type.',
  },
  INVALID_PROTOCOL: { status: 400, meaning: 'OCM: the protocol object is malformed.' },
  UNKNOWN_REQUIREMENT: {
    status: 400,
    meaning: 'OCM: a protocol requirement this server does not know (the share must be refused).',
  },
  UNSUPPORTED_REQUIREMENT: { status: 400, meaning: 'OCM: a requirement this server cannot honour (must-use-mfa).' },
  MUST_EXCHANGE_TOKEN: { status: 400, meaning: 'OCM: this server requires must-exchange-token on every share.' },
  NOT_A_CONTACT: { status: 403, meaning: 'OCM: this server only accepts shares from invited contacts (must-invite).' },
  NOTIFICATION_NOT_SUPPORTED: {
    status: 501,
    meaning: 'OCM: the notification type is not supported for this resource type.',
  },
  // Invites and contacts
  INVALID_INVITE: { status: 400, meaning: 'The invite string is not valid (base64url of token@provider).' },
  INVITE_INVALID: { status: 400, meaning: 'The invite token is unknown or expired.' },
  INVITE_NOT_FOUND: { status: 404, meaning: 'No open invite with this id among your invites.' },
  INVALID_TOKEN: { status: 400, meaning: 'OCM /invite-accepted: the token is missing or malformed.' },
  INVITE_ALREADY_ACCEPTED: { status: 409, meaning: 'The invite was already accepted.' },
  INVITE_REFUSED: { status: 403, meaning: 'The inviting server refused the invite acceptance.' },
  LOCAL_INVITE: { status: 400, meaning: 'The invite comes from this server; invites connect users of two servers.' },
  CONTACT_NOT_FOUND: { status: 404, meaning: 'No contact with this id.' },
  // Token exchange (OAuth-shaped on the wire: {error})
  invalid_request: { status: 400, meaning: 'Token endpoint: a required form field is missing.' },
  invalid_client: { status: 400, meaning: 'Token endpoint: the client is not the server the share was made for.' },
  invalid_grant: { status: 400, meaning: 'Token endpoint: unknown, revoked or expired code.' },
  unauthorized_client: { status: 400, meaning: 'Token endpoint: the client may not use this grant.' },
  unsupported_grant_type: { status: 400, meaning: 'Token endpoint: grant_type is not authorization_code.' },
  SHARE_HAS_NO_SECRET: { status: 502, meaning: 'The incoming share carries no secret to exchange for a token.' },
  TOKEN_EXCHANGE_FAILED: { status: 502, meaning: "The owner's token endpoint refused or failed the exchange." },
  TOKEN_EXCHANGE_UNAVAILABLE: {
    status: 502,
    meaning: 'The owner requires the code flow but advertises no token endpoint.',
  },
  // Peers (outbound)
  PEER_ERROR: { status: 502, meaning: 'Another server failed or answered an error.' },
  PEER_UNREACHABLE: { status: 502, meaning: 'Another server could not be reached (DNS, refused or reset connection).' },
  PEER_TIMEOUT: { status: 502, meaning: 'Another server did not answer in time.' },
  PEER_BAD_RESPONSE: { status: 502, meaning: 'Another server answered something that is not what the protocol says.' },
  PEER_REDIRECT_REFUSED: { status: 502, meaning: 'Another server redirected to a place we do not follow.' },
  PEER_RESPONSE_TOO_LARGE: { status: 502, meaning: "Another server's answer exceeded the size limit." },
  PEER_OCM_DISABLED: { status: 502, meaning: 'The other server has OCM disabled.' },
  DISCOVERY_FAILED: {
    status: 502,
    meaning: 'The other server answered no OCM discovery (/.well-known/ocm, /ocm-provider).',
  },
  DISCOVERY_INVALID: { status: 502, meaning: "The other server's OCM discovery document is invalid." },
  ssrf_blocked: {
    status: 403,
    meaning: 'The outbound request targets an address this server may not reach (SSRF guard).',
  },
  // Peers (inbound): policy and HTTP message signatures
  PEER_DENIED: { status: 403, meaning: 'The calling server is on the deny list.' },
  PEER_NOT_ALLOWED: { status: 403, meaning: 'The calling server is not on the allow list.' },
  SIGNATURE_REQUIRED: {
    status: 401,
    meaning: 'The request must be signed (our policy, or the claimed peer signs its requests).',
  },
  SIGNATURE_INVALID: { status: 401, meaning: 'The request signature does not verify.' },
  SIGNATURE_MALFORMED: { status: 401, meaning: 'The Signature or Signature-Input header cannot be parsed.' },
  SIGNATURE_MISSING_COMPONENT: {
    status: 401,
    meaning: 'The signature does not cover a required component, or a covered header is absent.',
  },
  SIGNATURE_DIGEST_MISMATCH: {
    status: 401,
    meaning: 'Content-Digest, Digest or Content-Length does not match the body.',
  },
  SIGNATURE_STALE: { status: 401, meaning: 'The signature is too old or expired.' },
  SIGNATURE_FUTURE: { status: 401, meaning: 'The signature was created in the future.' },
  SIGNATURE_UNKNOWN_KEY: {
    status: 401,
    meaning: "No public key with the signature's key id is published by its server.",
  },
  SIGNATURE_ALG_MISMATCH: { status: 401, meaning: 'The signature algorithm is unsupported or does not match the key.' },
  SIGNATURE_DUPLICATE_OCM: { status: 401, meaning: 'More than one signature is tagged ocm.' },
  SIGNATURE_WRONG_AUTHORITY: {
    status: 401,
    meaning: 'The request is signed by another server than the one it claims to come from.',
  },
} as const satisfies Record<string, ErrorCodeSpec>;

/** A code the core declares. */
export type CoreErrorCode = keyof typeof CORE_ERROR_CODES;

declare const declaredCode: unique symbol;
/** A code a plugin declared with `declareErrorCodes` (a string, branded so only declared ones type-check). */
export type PluginErrorCode<S extends string = string> = S & { readonly [declaredCode]: S };

/** Any declared code: the core's, or a plugin's. */
export type ErrorCode = CoreErrorCode | PluginErrorCode;

/** One entry of the rendered list. */
export interface DeclaredErrorCode extends ErrorCodeSpec {
  code: string;
  /** `core` or the declaring plugin's id. */
  owner: string;
}

const declared = new Map<string, DeclaredErrorCode>(
  Object.entries(CORE_ERROR_CODES).map(([code, spec]) => [code, { code, owner: 'core', ...spec }]),
);

/**
 * Declares a plugin's own error codes and returns them as typed constants for its throw sites:
 * `const E = declareErrorCodes('chat', { ROOM_NOT_FOUND: { status: 404, meaning: '…' } })`, then
 * `new NotFoundError('no such room', E.ROOM_NOT_FOUND)`. A code the core already declares, or another
 * plugin declared with a different status, is refused at start-up.
 */
export function declareErrorCodes<const C extends Record<string, ErrorCodeSpec>>(
  owner: string,
  codes: C,
): { readonly [K in keyof C & string]: PluginErrorCode<K> } {
  const out: Record<string, string> = {};
  for (const [code, spec] of Object.entries(codes)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`error code ${code} of ${owner} must be UPPER_SNAKE_CASE`);
    const known = declared.get(code);
    if (known && (known.owner === 'core' || known.status !== spec.status))
      throw new Error(`error code ${code} of ${owner} is already declared by ${known.owner}`);
    if (!known) declared.set(code, { code, owner, status: spec.status, meaning: spec.meaning });
    out[code] = code;
  }
  return out as { readonly [K in keyof C & string]: PluginErrorCode<K> };
}

/** The declared spec of a code, or undefined for one nobody declared. */
export function errorCodeSpec(code: string): DeclaredErrorCode | undefined {
  return declared.get(code);
}

/** Every declared code, core first, then plugins, each sorted by code (for the docs). */
export function declaredErrorCodes(): DeclaredErrorCode[] {
  return [...declared.values()].sort((a, b) =>
    a.owner === b.owner
      ? a.code.localeCompare(b.code)
      : a.owner === 'core'
        ? -1
        : b.owner === 'core'
          ? 1
          : a.owner.localeCompare(b.owner),
  );
}
