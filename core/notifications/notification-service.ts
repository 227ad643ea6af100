import { InputError, MeshworkError } from '../errors.ts';
import { hashSecret } from '../accounts/secrets.ts';
import type { EngineEventBus } from '../events.ts';
import type { PeerAuthenticator, PeerVerification } from '../federation/peer-auth.ts';
import type { PluginHost } from '../plugin/plugin-host.ts';
import type { UnresolvedNotification } from '../plugin/plugin-types.ts';
import { resolveIncoming } from '../shares/share-identity.ts';
import type { IncomingShareService } from '../shares/incoming-share-service.ts';
import { PERMISSION_CHANGE_TYPES, type SharePermissionService } from '../shares/share-permissions.ts';
import type { ShareStore } from '../shares/share-store.ts';
import type { IncomingShare, OutgoingShare } from '../shares/share-types.ts';

/** An OCM NewNotification body after schema validation. */
export interface NotificationBody {
  notificationType: string;
  providerId: string;
  resourceType?: string;
  notification?: Record<string, unknown>;
}

function notFound(): MeshworkError {
  // OCM peers (Nextcloud Talk) treat 400 RESOURCE_NOT_FOUND as "stop retrying and clean up".
  return new MeshworkError('RESOURCE_NOT_FOUND', 'no share with this providerId for your server', 400);
}

/** Handles inbound OCM notifications: share lifecycle types here, other types routed to the owning plugin. */
export class NotificationService {
  constructor(
    private readonly deps: {
      store: ShareStore;
      plugins: PluginHost;
      incoming: IncomingShareService;
      events: EngineEventBus;
      peers: PeerAuthenticator;
      permissions: SharePermissionService;
    },
  ) {}

  /** Finds the share a notification is about and binds the request to that share's peer. */
  async #locate(
    body: NotificationBody,
    v: PeerVerification,
  ): Promise<{ outgoing: OutgoingShare | null; incoming: IncomingShare | null; peer: string }> {
    const { store, peers } = this.deps;
    const secret = typeof body.notification?.sharedSecret === 'string' ? body.notification.sharedSecret : null;
    if (v.signer) {
      const ref: UnresolvedNotification = {
        notificationType: body.notificationType,
        resourceType: body.resourceType,
        providerId: body.providerId,
        notification: body.notification ?? {},
        senderHost: v.signer,
      };
      const hooksFor = (t: string) => (this.deps.plugins.spec(t) ? this.deps.plugins.hooks(t) : null);
      const candidates = await store.listIncomingFrom(v.signer, body.providerId);
      if (candidates.length > 0) {
        const incoming = await resolveIncoming(ref, candidates, hooksFor);
        if (incoming) return { outgoing: null, incoming, peer: v.signer };
      }
      const outgoing = await store.findOutgoingByProviderId(body.providerId);
      if (outgoing && outgoing.shareWithHost === v.signer) return { outgoing, incoming: null, peer: v.signer };
      if (candidates.length === 0) {
        // No share carries this providerId: the owning plugin may still know which share is meant.
        const incoming = await resolveIncoming(ref, [], hooksFor);
        if (incoming) return { outgoing: null, incoming, peer: v.signer };
      }
      throw notFound();
    }
    // Unsigned: only a peer that does not sign may do this, and it must prove the share with its secret.
    if (!secret)
      throw new MeshworkError('RESOURCE_NOT_FOUND', 'unsigned notifications must carry notification.sharedSecret', 400);
    const outgoing = await store.findOutgoingByProviderId(body.providerId);
    if (outgoing && (await store.findOutgoingBySecretHash(hashSecret(secret)))?.id === outgoing.id) {
      await peers.bind(v, outgoing.shareWithHost);
      return { outgoing, incoming: null, peer: outgoing.shareWithHost };
    }
    for (const candidate of await store.findIncomingByProviderId(body.providerId)) {
      const secrets = Object.values(candidate.protocol.protocols).map((p) => p.sharedSecret);
      if (secrets.includes(secret)) {
        await peers.bind(v, candidate.senderHost);
        return { outgoing: null, incoming: candidate, peer: candidate.senderHost };
      }
    }
    throw notFound();
  }

  /** Applies one notification from a peer; returns the 201 body. Repeats of the same notification change nothing. */
  async receive(body: NotificationBody, v: PeerVerification): Promise<Record<string, unknown>> {
    return this.apply(body, await this.#locate(body, v));
  }

  /**
   * Applies a notification to the share it concerns. Peers' notifications come through `receive`; for a share
   * between two users of this server the core calls this directly with the side it addresses (both sides for a
   * plugin's own notification type: the type says which side it is meant for).
   */
  async apply(
    body: NotificationBody,
    target: { outgoing: OutgoingShare | null; incoming: IncomingShare | null; peer: string },
  ): Promise<Record<string, unknown>> {
    const { store, plugins, events } = this.deps;
    const { outgoing, incoming, peer } = target;
    const type = body.notificationType;
    const resourceType = outgoing?.resourceType ?? incoming?.resourceType ?? body.resourceType ?? '';
    events.emit('notification:received', {
      userId: outgoing?.ownerId ?? incoming?.recipientId ?? null,
      notificationType: type,
      resourceType,
      providerId: body.providerId,
      senderHost: peer,
    });
    if (outgoing && ['SHARE_ACCEPTED', 'SHARE_DECLINED', 'SHARE_UNSHARED'].includes(type)) {
      const next = type === 'SHARE_ACCEPTED' ? 'accepted' : type === 'SHARE_DECLINED' ? 'declined' : 'unshared';
      const from: OutgoingShare['state'][] =
        next === 'accepted' ? ['sending', 'pending'] : ['sending', 'pending', 'accepted'];
      const updated = await store.setOutgoingState(outgoing.id, next, {}, from);
      if (updated) {
        const hook =
          next === 'accepted' ? 'onOutgoingAccepted' : next === 'declined' ? 'onOutgoingDeclined' : 'onOutgoingRemoved';
        await plugins.notify(updated.resourceType, hook, updated);
        events.emit('share:outgoing-updated', { share: updated });
      }
      return {};
    }
    if (incoming && type === 'SHARE_UNSHARED') {
      await this.deps.incoming.revokedBySender(incoming);
      return {};
    }
    if (PERMISSION_CHANGE_TYPES.includes(type)) return this.deps.permissions.receive(target, body.notification ?? {});
    if (['SHARE_ACCEPTED', 'SHARE_DECLINED'].includes(type)) {
      throw new InputError(`${type} is sent by a share's recipient, not its sender`, [
        { name: 'notificationType', message: 'WRONG_DIRECTION' },
      ]);
    }
    const hooks = plugins.hooks(resourceType);
    if (!hooks.onNotification)
      throw new MeshworkError('NOTIFICATION_NOT_SUPPORTED', `notification type ${type} is not supported`);
    const result = await hooks.onNotification({
      notificationType: type,
      resourceType,
      providerId: body.providerId,
      notification: body.notification ?? {},
      senderHost: peer,
      outgoing,
      incoming,
    });
    return result ?? {};
  }
}
