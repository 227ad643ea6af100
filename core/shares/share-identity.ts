/**
 * Which incoming share a share or a notification from a peer means. OCM says (sender host, providerId),
 * and conformant peers keep to it; Nextcloud's calendar federation does not (providerId is always
 * "calendar"), so the owning plugin may say what identifies its shares, and which share a notification
 * means when providerId alone matches several or none.
 */
import { defaultShareKey } from '../storage/incoming-share-key.ts';
import type { PluginHooks, UnresolvedNotification } from '../plugin/plugin-types.ts';
import type { IncomingShare } from './share-types.ts';

/** The key an incoming share is stored and deduplicated under: the plugin's, else providerId with the secret. */
export async function incomingShareKey(hooks: PluginHooks, share: IncomingShare): Promise<string> {
  const own = await hooks.incomingShareKey?.(share);
  if (typeof own === 'string' && own !== '') return `plugin:${own}`;
  return defaultShareKey(share.providerId, share.protocol.protocols);
}

function secretsOf(share: IncomingShare): unknown[] {
  return Object.values(share.protocol.protocols).map((p) => p.sharedSecret);
}

/**
 * The incoming share a notification from a verified peer means: the only candidate with its providerId;
 * else the one whose shared secret the notification carries; else whatever the owning plugin resolves.
 */
export async function resolveIncoming(
  n: UnresolvedNotification,
  candidates: IncomingShare[],
  hooksFor: (resourceType: string) => PluginHooks | null,
): Promise<IncomingShare | null> {
  if (candidates.length === 1) return candidates[0] ?? null;
  const secret = n.notification.sharedSecret;
  if (typeof secret === 'string' && secret !== '') {
    const bySecret = candidates.filter((c) => secretsOf(c).includes(secret));
    if (bySecret.length === 1) return bySecret[0] ?? null;
  }
  const type = n.resourceType ?? candidates[0]?.resourceType;
  const hooks = type ? hooksFor(type) : null;
  if (!hooks?.resolveIncoming) return null;
  const chosen = await hooks.resolveIncoming(n, candidates);
  // A plugin may only pick a share this peer sent.
  return chosen && chosen.senderHost === n.senderHost ? chosen : null;
}
