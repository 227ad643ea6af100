import { MeshworkError } from '../errors.ts';
import type { DiscoveryClient } from '../discovery/discovery-client.ts';
import type { RemoteDiscovery } from '../discovery/discovery-types.ts';
import { SignedClient } from '../federation/signed-client.ts';
import type { ResourceTypeSpec } from '../plugin/plugin-types.ts';
import type { StoredOutboxMessage } from './outbox.ts';

/** What Nextcloud sends as legacy `options.permissions`: a WebDAV property name its receiver reads back. */
const LEGACY_PERMISSIONS = '{http://open-cloud-mesh.org/ns}share-permissions';

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The legacy protocol form for peers before OCM 1.1 (every Nextcloud, ownCloud 10): `name` is the one
 * protocol they can use, `options: {sharedSecret, permissions}` is where they read the secret, and the
 * 1.4 protocol object stays beside it for peers that read that instead (`{name, options, webdav: {...}}`).
 */
function legacyProtocol(protocol: Body): Body {
  const arms = Object.entries(protocol).filter(([k, v]) => k !== 'name' && k !== 'options' && isObject(v));
  const [armName, arm] = arms.find(([k]) => k === 'webdav') ?? arms[0] ?? [];
  if (armName === undefined || !isObject(arm) || typeof arm.sharedSecret !== 'string') return protocol;
  const options = isObject(protocol.options) ? protocol.options : {};
  return {
    name: armName,
    options: { ...options, sharedSecret: arm.sharedSecret, permissions: LEGACY_PERMISSIONS },
    [armName]: arm,
  };
}

/**
 * Applies the receiver's discovery to a share before sending (OCM SHR-2/SHR-3): refuse combinations it
 * does not advertise (unless the resource type's spec says peers may be assumed to accept it), add
 * `must-exchange-token` to every protocol when it demands the code flow, and give a legacy peer the
 * body form it understands.
 */
export function adaptShareToReceiver(body: Body, d: RemoteDiscovery, spec: ResourceTypeSpec | null = null): Body {
  const resourceType = String(body.resourceType);
  const shareType = String(body.shareType);
  const rt = d.resourceTypes.find((r) => r.name === resourceType);
  const assumable = spec?.assumable === true && shareType === 'user';
  if (!rt && !assumable) {
    throw new MeshworkError('RECEIVER_UNSUPPORTED', `${d.host} does not accept ${resourceType} shares`);
  }
  if (rt && !rt.shareTypes.includes(shareType)) {
    throw new MeshworkError('RECEIVER_UNSUPPORTED', `${d.host} does not accept ${shareType} shares of ${resourceType}`);
  }
  const protocol = { ...(body.protocol as Body) };
  if (!d.criteria.includes('must-exchange-token')) {
    if (!d.legacy) return body;
    const legacy: Body = { ...body, protocol: legacyProtocol(protocol) };
    // Nextcloud reads the sharer from sharedBy/sharedByDisplayName (the spec's sender/senderDisplayName).
    if (typeof body.sender === 'string') legacy.sharedBy = body.sender;
    if (typeof body.senderDisplayName === 'string') legacy.sharedByDisplayName = body.senderDisplayName;
    return legacy;
  }
  for (const [k, v] of Object.entries(protocol)) {
    if (k === 'name' || k === 'options' || typeof v !== 'object' || v === null) continue;
    const arm = v as Body;
    const reqs = Array.isArray(arm.requirements) ? (arm.requirements as string[]) : [];
    protocol[k] = { ...arm, requirements: [...new Set([...reqs, 'must-exchange-token'])] };
  }
  // Strict shares must not offer a legacy secret outside the protocol objects.
  delete protocol.options;
  return { ...body, protocol };
}

/**
 * A notification in the form a legacy peer understands: OCM 1.0 required `notification.message`, and
 * Nextcloud looks the share up by `providerId` with the `resourceType` its provider serves.
 */
export function adaptNotificationToReceiver(body: Body, d: RemoteDiscovery): Body {
  if (!d.legacy) return body;
  const notification = isObject(body.notification) ? body.notification : {};
  const message = typeof notification.message === 'string' ? notification.message : String(body.notificationType);
  return { ...body, notification: { ...notification, message } };
}

/** Where a message's resource type spec comes from (the plugins). */
export type ResourceTypeLookup = (resourceType: string) => ResourceTypeSpec | null;

/**
 * Delivers one outbox message: discover the peer, adapt shares and notifications to it, sign and POST.
 * `timeoutMs` bounds the POST (a share's first attempt, made while its user waits, uses a short one).
 */
export async function deliverOutboxMessage(
  msg: StoredOutboxMessage,
  discovery: DiscoveryClient,
  client: SignedClient,
  specOf: ResourceTypeLookup = () => null,
  opts: { timeoutMs?: number } = {},
): Promise<{ status: number; body: unknown }> {
  // A retry has waited out the outbox's back-off: a remembered discovery failure must not make it pointless.
  const d = await discovery.discover(msg.destination, { retryFailure: msg.attempts > 0 });
  let body = msg.body;
  if (msg.kind === 'core:share' && isObject(body))
    body = adaptShareToReceiver(body, d, specOf(String(body.resourceType)));
  else if (msg.kind === 'core:notification' && isObject(body)) body = adaptNotificationToReceiver(body, d);
  return client.postUrl(SignedClient.target(d, msg.path, msg.base ?? 'endPoint'), body, {
    peer: d,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
}
