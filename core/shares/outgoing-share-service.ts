import { randomUUID } from 'node:crypto';
import { InputError, MeshworkError, NotFoundError } from '../errors.ts';
import type { User } from '../accounts/account-service.ts';
import { hashSecret, newSecret } from '../accounts/secrets.ts';
import { formatAddress, parseAddress, sameHost } from '../addresses.ts';
import type { EngineEventBus } from '../events.ts';
import type { DeliveryResult, Outbox, StoredOutboxMessage } from '../outbox/outbox.ts';
import type { PluginHost } from '../plugin/plugin-host.ts';
import type { ServerIdentity } from '../plugin/plugin-types.ts';
import type { ShareStore } from './share-store.ts';
import type { OutgoingShare } from './share-types.ts';
import type { DiscoveryClient } from '../discovery/discovery-client.ts';

/** What a local user asks for when sharing. */
export interface CreateShareInput {
  resourceType: string;
  resourceId: string;
  shareWith: string;
  permissions?: string[];
  name?: string;
  expiration?: number;
}

export const SHARE_KIND = 'core:share';
export const NOTIFY_KIND = 'core:notification';
const KNOWN_PERMISSIONS = ['read', 'write', 'share'];
// How long a user's "share" click waits for the peer before answering "queued".
const CREATE_WAIT_MS = 5000;

/** Creating, tracking and ending shares of local resources with users on other servers. */
export class OutgoingShareService {
  constructor(
    private readonly deps: {
      store: ShareStore;
      plugins: PluginHost;
      outbox: Outbox;
      events: EngineEventBus;
      identity: ServerIdentity;
      discovery: DiscoveryClient;
    },
  ) {
    deps.outbox.onResult(SHARE_KIND, (msg, result) => this.#onDelivery(msg, result));
  }

  /** Shares a local resource; waits briefly for the receiver and otherwise leaves delivery to the outbox. */
  async create(owner: User, input: CreateShareInput): Promise<OutgoingShare> {
    const { store, plugins, outbox, identity } = this.deps;
    if (typeof input.resourceType !== 'string' || !input.resourceType)
      throw new InputError('resourceType is required', [{ name: 'resourceType', message: 'REQUIRED' }]);
    if (typeof input.resourceId !== 'string' || !input.resourceId)
      throw new InputError('resourceId is required', [{ name: 'resourceId', message: 'REQUIRED' }]);
    if (typeof input.shareWith !== 'string')
      throw new InputError('shareWith is required', [{ name: 'shareWith', message: 'REQUIRED' }]);
    const to = parseAddress(input.shareWith.trim(), 'shareWith');
    if (sameHost(to.host, identity.host)) {
      throw new InputError(
        'shareWith is a user on this server; federated shares go to other servers',
        [{ name: 'shareWith', message: 'LOCAL_USER' }],
        'SHARE_WITH_LOCAL',
      );
    }
    const permissions = input.permissions ?? ['read'];
    if (!Array.isArray(permissions) || permissions.some((p) => !KNOWN_PERMISSIONS.includes(p))) {
      throw new InputError(`permissions must be a list of ${KNOWN_PERMISSIONS.join(', ')}`, [
        { name: 'permissions', message: 'INVALID' },
      ]);
    }
    const hooks = plugins.hooks(input.resourceType);
    if (!hooks.prepareOutgoingShare) throw new InputError(`resource type ${input.resourceType} cannot be shared`);
    // Use the receiver's criteria when we can learn them quickly; delivery re-checks them anyway.
    const remote = await this.deps.discovery.discover(to.host).catch(() => null);
    const mustExchangeToken = remote?.criteria.includes('must-exchange-token') ?? false;
    const sharedSecret = newSecret();
    const providerId = randomUUID();
    const prepared = await hooks.prepareOutgoingShare({
      owner,
      resourceType: input.resourceType,
      resourceId: input.resourceId,
      shareWith: formatAddress(to.id, to.host),
      shareWithHost: to.host,
      permissions,
      name: input.name,
      providerId,
      sharedSecret,
      mustExchangeToken,
    });
    const now = Date.now();
    const share: OutgoingShare = {
      id: randomUUID(),
      providerId,
      ownerId: owner.id,
      senderId: owner.id,
      resourceType: input.resourceType,
      resourceId: input.resourceId,
      shareWith: formatAddress(to.id, to.host),
      shareWithHost: to.host,
      shareType: 'user',
      name: prepared.name,
      permissions,
      strict: mustExchangeToken,
      state: 'sending',
      recipientDisplayName: null,
      lastError: null,
      expiration: input.expiration ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await store.insertOutgoing(share, hashSecret(sharedSecret));
    const self = (id: string) => formatAddress(id, identity.host);
    const body: Record<string, unknown> = {
      shareWith: share.shareWith,
      name: prepared.name,
      providerId,
      owner: self(owner.id),
      sender: self(owner.id),
      ownerDisplayName: owner.displayName,
      senderDisplayName: owner.displayName,
      shareType: 'user',
      resourceType: input.resourceType,
      protocol: prepared.protocol,
    };
    if (prepared.description) body.description = prepared.description;
    if (share.expiration !== null) body.expiration = Math.floor(share.expiration / 1000);
    const msgId = await outbox.enqueue({
      destination: to.host,
      kind: SHARE_KIND,
      path: '/shares',
      body,
      ref: share.id,
    });
    const result = await outbox.waitFor(msgId, CREATE_WAIT_MS);
    const latest = (await store.getOutgoing(share.id)) ?? share;
    if (result && result.outcome !== 'delivered') {
      const status = result.outcome === 'rejected' && [403, 501].includes(result.status) ? result.status : 400;
      throw new MeshworkError(
        'SHARE_REFUSED',
        `${to.host} refused the share: ${latest.lastError ?? 'unknown reason'}`,
        status,
      );
    }
    return latest;
  }

  async #onDelivery(msg: StoredOutboxMessage, result: DeliveryResult): Promise<void> {
    if (!msg.ref) return;
    if (result.outcome === 'delivered') {
      const b = (result.body ?? {}) as { recipientDisplayName?: unknown };
      const name = typeof b.recipientDisplayName === 'string' ? b.recipientDisplayName : null;
      const s = await this.deps.store.setOutgoingState(
        msg.ref,
        'pending',
        { recipientDisplayName: name, lastError: null },
        ['sending'],
      );
      if (s) this.deps.events.emit('share:outgoing-updated', { share: s });
      return;
    }
    const reason = result.outcome === 'dead' ? result.error : describePeerError(result.body, result.status);
    const s = await this.deps.store.setOutgoingState(msg.ref, 'failed', { lastError: reason }, ['sending']);
    if (s) this.deps.events.emit('share:outgoing-updated', { share: s });
  }

  /** The owner's shares, newest first. */
  list(ownerId: string): Promise<OutgoingShare[]> {
    return this.deps.store.listOutgoing(ownerId);
  }

  /** Revokes a share: access ends now, the receiver is told through the outbox. */
  async unshare(ownerId: string, id: string): Promise<OutgoingShare> {
    const share = await this.deps.store.getOutgoing(id);
    if (!share || share.ownerId !== ownerId) throw new NotFoundError('no such share', 'SHARE_NOT_FOUND');
    if (share.state === 'unshared') return share;
    const wasLive = ['sending', 'pending', 'accepted'].includes(share.state);
    const updated = (await this.deps.store.setOutgoingState(id, 'unshared')) ?? share;
    await this.deps.plugins.notify(share.resourceType, 'onOutgoingRemoved', updated);
    if (wasLive) {
      await this.deps.outbox.enqueue({
        destination: share.shareWithHost,
        kind: NOTIFY_KIND,
        path: '/notifications',
        ref: share.id,
        body: {
          notificationType: 'SHARE_UNSHARED',
          resourceType: share.resourceType,
          providerId: share.providerId,
          notification: { message: 'the owner stopped sharing this resource' },
        },
      });
    }
    this.deps.events.emit('share:outgoing-updated', { share: updated });
    return updated;
  }
}

/** Turns a peer's OCM error body into one readable line. */
export function describePeerError(body: unknown, status: number): string {
  const b = (body ?? {}) as { message?: unknown; validationErrors?: Array<{ name?: string; message?: string }> };
  const parts = [`HTTP ${status}`];
  if (typeof b.message === 'string') parts.push(b.message);
  if (Array.isArray(b.validationErrors))
    parts.push(b.validationErrors.map((v) => `${v.name}: ${v.message}`).join(', '));
  return parts.join(' - ');
}
