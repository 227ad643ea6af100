/**
 * Discovery shapes: the OCM 1.4.0 `/.well-known/ocm` wire document we publish, and the normalised view of a
 * peer's document that the rest of Meshwork consumes (absolute URLs, cleaned capabilities, legacy key).
 */
import type { JsonWebKey } from 'node:crypto';

/** Capability strings defined by OCM 1.4.0; peers may send others, which are kept as plain strings. */
export type OcmCapability =
  'enforce-mfa' | 'exchange-token' | 'http-sig' | 'invites' | 'invite-wayf' | 'notifications' | 'protocol-object';

/** Criteria strings defined by OCM 1.4.0. */
export type OcmCriterion = 'must-use-http-sig' | 'must-exchange-token' | 'denylist' | 'allowlist' | 'must-invite';

/** Per-protocol roles of one resource type: `<name>` is the sending role, `<name>-receive` the receiving role. */
export interface DiscoveryProtocols {
  /** Top-level WebDAV path prefix, e.g. "/webdav/ocm/". */
  webdav?: string;
  'webdav-receive'?: { uri: 'absolute' | 'relative' };
  webapp?: Record<string, never>;
  'webapp-receive'?: { targets: Array<'blank' | 'iframe'> };
  /** "host:port" */
  ssh?: string;
  'ssh-receive'?: Record<string, never>;
  [other: string]: unknown;
}

/** One `resourceTypes[]` entry of the wire document. */
export interface DiscoveryResourceType {
  name: string;
  /** MUST contain "user". */
  shareTypes: string[];
  protocols: DiscoveryProtocols;
}

/** The wire shape of `GET /.well-known/ocm` for OCM 1.4.0 (ocm-spec.md §3). */
export interface DiscoveryDocument {
  enabled: boolean;
  apiVersion: string;
  /** Absolute API base, e.g. "https://cloud.example.org/ocm". */
  endPoint: string;
  provider?: string;
  resourceTypes: DiscoveryResourceType[];
  capabilities?: OcmCapability[];
  criteria?: OcmCriterion[];
  /** Page taking `?token=&providerDomain=`; SHOULD be present with the `invites` capability. */
  inviteAcceptDialog?: string;
  /** JWK Set location; MUST be present with the `http-sig` capability. */
  jwksUri?: string;
  /** Code-flow token endpoint; MUST be present with the `exchange-token` capability. */
  tokenEndPoint?: string;
  /**
   * Pre-1.4 draft-cavage key (`{keyId, publicKeyPem}`, RSA), which Nextcloud 31–33 fetch to verify our
   * signatures. Not part of OCM 1.4; published for peers that do not sign with RFC 9421 yet.
   */
  publicKey?: { keyId: string; publicKeyPem: string };
}

/** A peer's discovery document after validation and normalisation by the DiscoveryClient. */
export interface RemoteDiscovery {
  /** Origin the document was fetched from, e.g. "http://localhost:8081". */
  origin: string;
  /** host[:port] as asked for, lower-cased. */
  host: string;
  enabled: boolean;
  /** As sent; old peers send "1.0-proposal1", "1.1.0", "1.2.0". */
  apiVersion: string;
  /**
   * The peer speaks OCM before 1.1 (apiVersion "1.0-proposal1", as every Nextcloud still advertises) or
   * publishes discovery only at `/ocm-provider`: it gets the legacy body forms (`protocol.options`, ...).
   */
  legacy: boolean;
  /** Where the document was found. */
  servedAt: '/.well-known/ocm' | '/ocm-provider';
  /** Absolute, same authority as `origin`, no trailing slash. */
  endPoint: string;
  provider?: string;
  resourceTypes: Array<{ name: string; shareTypes: string[]; protocols: Record<string, unknown> }>;
  /** Leading "/" of pre-1.2 Nextcloud stripped. */
  capabilities: string[];
  criteria: string[];
  /** Absolute, same authority as `origin`. */
  jwksUri?: string;
  /** Absolute, same authority as `origin`. */
  tokenEndPoint?: string;
  /** Absolute; dropped when it points to another authority. */
  inviteAcceptDialog?: string;
  /**
   * Pre-1.4 `publicKey` (an object, a bare PEM string, or the first `publicKeys[]` entry) for draft-cavage
   * signatures: we verify the peer's with it, and a peer that publishes one without `http-sig` gets ours
   * signed that way. `keyId` is absent when the peer gave a bare PEM.
   */
  legacyPublicKey?: { keyId?: string; publicKeyPem: string };
}

/** One key of a peer's JWK Set (RFC 7517); OCM requires `kid` and `alg`. */
export type RemoteJwk = JsonWebKey & { kid?: string; alg?: string };
