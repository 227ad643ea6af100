import type { MeshworkConfig } from '../config/config.ts';
import type { ResourceTypeSpec, ServerIdentity } from '../plugin/plugin-types.ts';

/** Builds this server's `/.well-known/ocm` document from config and the plugins' resource types. */
export function buildDiscoveryDocument(
  config: MeshworkConfig,
  identity: ServerIdentity,
  resourceTypes: ResourceTypeSpec[],
  legacyKey?: { keyId: string; publicKeyPem: string },
): Record<string, unknown> {
  const o = identity.origin;
  const criteria: string[] = config.criteria.filter((c) => c !== 'denylist' && c !== 'allowlist');
  if (config.denyPeers.length) criteria.push('denylist');
  if (config.allowPeers.length) criteria.push('allowlist');
  return {
    enabled: true,
    apiVersion: '1.4.0',
    endPoint: `${o}/ocm`,
    provider: config.providerName,
    resourceTypes: resourceTypes.map((r) => ({ name: r.name, shareTypes: r.shareTypes, protocols: r.protocols })),
    capabilities: ['exchange-token', 'http-sig', 'invite-wayf', 'invites', 'notifications', 'protocol-object'],
    criteria: [...new Set(criteria)],
    jwksUri: `${o}/ocm/jwks`,
    tokenEndPoint: `${o}/ocm/token`,
    inviteAcceptDialog: `${o}/invite/accept`,
    // Not in OCM 1.4: the draft-cavage key Nextcloud 31–33 verify our signatures with (`{keyId, publicKeyPem}`).
    ...(legacyKey ? { publicKey: legacyKey } : {}),
  };
}
