import { MeshworkError } from '../errors.ts';
import type { DiscoveryClient } from '../discovery/discovery-client.ts';
import type { RemoteDiscovery } from '../discovery/discovery-types.ts';
import { SignedClient } from '../federation/signed-client.ts';
import type { StoredOutboxMessage } from './outbox.ts';

/**
 * Applies the receiver's discovery to a share before sending (OCM SHR-2/SHR-3): refuse combinations it
 * does not advertise, and add `must-exchange-token` to every protocol when it demands the code flow.
 */
export function adaptShareToReceiver(body: Record<string, unknown>, d: RemoteDiscovery): Record<string, unknown> {
  const resourceType = String(body.resourceType);
  const shareType = String(body.shareType);
  const rt = d.resourceTypes.find((r) => r.name === resourceType);
  const assumable = resourceType === 'file' && shareType === 'user';
  if (!rt && !assumable) {
    throw new MeshworkError('RECEIVER_UNSUPPORTED', `${d.host} does not accept ${resourceType} shares`, 501);
  }
  if (rt && !rt.shareTypes.includes(shareType)) {
    throw new MeshworkError(
      'RECEIVER_UNSUPPORTED',
      `${d.host} does not accept ${shareType} shares of ${resourceType}`,
      501,
    );
  }
  if (!d.criteria.includes('must-exchange-token')) return body;
  const protocol = { ...(body.protocol as Record<string, unknown>) };
  for (const [k, v] of Object.entries(protocol)) {
    if (k === 'name' || k === 'options' || typeof v !== 'object' || v === null) continue;
    const arm = v as Record<string, unknown>;
    const reqs = Array.isArray(arm.requirements) ? (arm.requirements as string[]) : [];
    protocol[k] = { ...arm, requirements: [...new Set([...reqs, 'must-exchange-token'])] };
  }
  // Strict shares must not offer a legacy secret outside the protocol objects.
  delete protocol.options;
  return { ...body, protocol };
}

/**
 * Delivers one outbox message: discover the peer, adapt shares to its criteria, sign and POST. `timeoutMs` bounds
 * the POST (a share's first attempt, made while its user waits, uses a short one).
 */
export async function deliverOutboxMessage(
  msg: StoredOutboxMessage,
  discovery: DiscoveryClient,
  client: SignedClient,
  opts: { timeoutMs?: number } = {},
): Promise<{ status: number; body: unknown }> {
  // A retry has waited out the outbox's back-off: a remembered discovery failure must not make it pointless.
  const d = await discovery.discover(msg.destination, { retryFailure: msg.attempts > 0 });
  let body = msg.body;
  if (msg.kind === 'core:share') body = adaptShareToReceiver(body as Record<string, unknown>, d);
  return client.postUrl(SignedClient.target(d, msg.path, msg.base ?? 'endPoint'), body, opts);
}
