import { isMeshworkError } from '../errors.ts';
import type { OcmAddress } from '../addresses.ts';
import type { MeshworkConfig } from '../config/config.ts';
import type { DiscoveryClient } from '../discovery/discovery-client.ts';
import type { RemoteDiscovery } from '../discovery/discovery-types.ts';
import { adaptShareToReceiver } from '../outbox/outbox-delivery.ts';
import type { PluginHost } from '../plugin/plugin-host.ts';
import { discoveryFailure } from './delivery-outcome.ts';
import { ShareError, resourceWords } from './share-errors.ts';
import type { ShareStore } from './share-store.ts';

/** Refuses a receiving server our administrator blocked (`MESHWORK_DENY_PEERS`) or did not approve (`ALLOW`). */
export function checkPeerPolicy(config: Pick<MeshworkConfig, 'denyPeers' | 'allowPeers'>, host: string): void {
  const { denyPeers, allowPeers } = config;
  const h = host.toLowerCase();
  if (denyPeers.includes(h))
    throw new ShareError('PEER_DENIED', `This server does not share with ${h}: its administrator blocked that server`);
  if (allowPeers.length > 0 && !allowPeers.includes(h))
    throw new ShareError(
      'PEER_NOT_ALLOWED',
      `This server only shares with servers its administrator approved, and ${h} is not one of them`,
    );
}

/**
 * Learns the receiver (OCM SHR-1) before anything is built, waiting at most `config.shareWaitMs`: a server that is not
 * there, not OCM, or does not take this resource type ends the request here; null means "exists, unreachable
 * now" (discovery keeps going in the background and is cached for the outbox).
 */
export async function discoverReceiver(
  deps: { config: MeshworkConfig; discovery: DiscoveryClient; store: ShareStore; plugins: PluginHost },
  to: OcmAddress,
  resourceType: string,
): Promise<RemoteDiscovery | null> {
  // A peer shared with lately is known: no request, and no timer raced against one.
  const cached = deps.discovery.cachedDiscovery(to.host);
  const found = cached ? { d: cached } : await discoverWithin(deps, to.host);
  if ('slow' in found) return null;
  if ('err' in found) {
    const refusal = await discoveryFailure(found.err, to.host, () => deps.store.knowsPeer(to.host));
    if (refusal) throw refusal;
    return null;
  }
  const d = found.d;
  if (!d.enabled)
    throw new ShareError(
      'SHARE_PEER_NOT_OCM',
      `${to.host} does not accept shares from other servers (OCM is off there)`,
    );
  try {
    // The type's spec decides whether a peer that lists no such type may be assumed to accept it.
    adaptShareToReceiver({ resourceType, shareType: 'user', protocol: {} }, d, deps.plugins.spec(resourceType));
  } catch (err) {
    if (isMeshworkError(err) && err.code === 'RECEIVER_UNSUPPORTED')
      throw new ShareError(
        'SHARE_TYPE_UNSUPPORTED',
        `${to.host} does not accept ${resourceWords(resourceType)} shares`,
      );
    throw err;
  }
  return d;
}

/** Discovers `host`, giving up waiting (not discovering) after `config.shareWaitMs`. */
async function discoverWithin(
  deps: { config: MeshworkConfig; discovery: DiscoveryClient },
  host: string,
): Promise<{ d: RemoteDiscovery } | { err: unknown } | { slow: true }> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<{ slow: true }>((resolve) => {
    timer = setTimeout(() => resolve({ slow: true }), deps.config.shareWaitMs);
  });
  return Promise.race([
    deps.discovery.discover(host).then(
      (d) => ({ d }),
      (err: unknown) => ({ err }),
    ),
    slow,
  ]).finally(() => clearTimeout(timer));
}
