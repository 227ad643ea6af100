import { NotAllowedError } from '../errors.ts';
import { sameHost } from '../addresses.ts';
import { normalizeLegacyShare } from '../ocm-schema/legacy-share.ts';
import type { Logger } from '../logger.ts';
import type { NotificationBody, NotificationService } from '../notifications/notification-service.ts';
import type { ServerIdentity } from '../plugin/plugin-types.ts';
import type { IncomingShareService, NewShareBody } from './incoming-share-service.ts';
import { PERMISSION_CHANGE_TYPES } from './share-permissions.ts';
import type { ShareStore } from './share-store.ts';
import type { IncomingShare } from './share-types.ts';

const CORE_TYPES = ['SHARE_ACCEPTED', 'SHARE_DECLINED', 'SHARE_UNSHARED', ...PERMISSION_CHANGE_TYPES];

/**
 * This server as its own peer, for shares between two of its users. What would travel over OCM (the share, the
 * accept/decline/unshare notifications, plugins' own notifications) is handed to the receiving service in-process
 * and synchronously, with no outbox message and no HTTP request; the receiving side runs exactly the code a
 * peer's request would run, so plugins see the same hooks and users the same events.
 */
export class LocalPeer {
  #services: { incoming: IncomingShareService; notifications: NotificationService } | null = null;

  constructor(
    private readonly deps: {
      identity: ServerIdentity;
      store: ShareStore;
      log: Logger;
    },
  ) {}

  /** Wires the receiving services (they need the sending ones, and this sits between them). */
  bind(services: { incoming: IncomingShareService; notifications: NotificationService }): void {
    this.#services = services;
  }

  get #s(): { incoming: IncomingShareService; notifications: NotificationService } {
    if (!this.#services) throw new Error('LocalPeer used before bind()');
    return this.#services;
  }

  /** True when `host` is this server. */
  isSelf(host: string): boolean {
    return sameHost(host, this.deps.identity.host);
  }

  /** `POST /ocm/shares` to ourselves: validates and stores the share for the local recipient. */
  async share(body: NewShareBody): Promise<{ share: IncomingShare; created: boolean; recipientDisplayName: string }> {
    // The same reading of the body as `POST /ocm/shares` (a legacy protocol's top-level fields, e.g. a calendar's).
    return this.#s.incoming.receive(normalizeLegacyShare(body) as NewShareBody, this.deps.identity.host);
  }

  /** After the share was stored: the recipient's auto-accept setting may accept it now, through the normal path. */
  async autoAccept(share: IncomingShare): Promise<void> {
    await this.#s.incoming.autoAccept(share);
  }

  /** The recipient tells the owner (SHARE_ACCEPTED, SHARE_DECLINED, SHARE_UNSHARED). */
  async toOwner(body: NotificationBody): Promise<void> {
    const outgoing = await this.deps.store.findOutgoingByProviderId(body.providerId);
    if (!outgoing || !this.isSelf(outgoing.shareWithHost)) return;
    await this.#apply(body, { outgoing, incoming: null });
  }

  /** The owner tells the recipient (SHARE_UNSHARED). */
  async toRecipient(body: NotificationBody): Promise<void> {
    // Our own providerIds are unique UUIDs: one share at most.
    const [incoming] = await this.deps.store.listIncomingFrom(this.deps.identity.host.toLowerCase(), body.providerId);
    if (!incoming) return;
    await this.#apply(body, { outgoing: null, incoming });
  }

  /**
   * A plugin's own notification type about a share between two local users: both sides of the share live here,
   * so the plugin's hook gets both (`outgoing` and `incoming`) and its notification type says which it is for.
   * Like a queued notification, a refusal by the hook is logged, never thrown back at the sender.
   */
  async pluginNotification(body: NotificationBody): Promise<void> {
    if (CORE_TYPES.includes(body.notificationType))
      throw new NotAllowedError(
        `${body.notificationType} is sent by the core; use the share registry (revokeOutgoing, leaveIncoming)`,
        'NOTIFICATION_RESERVED',
      );
    const outgoing = await this.deps.store.findOutgoingByProviderId(body.providerId);
    const [incoming = null] = await this.deps.store.listIncomingFrom(
      this.deps.identity.host.toLowerCase(),
      body.providerId,
    );
    if (!outgoing && !incoming) {
      this.deps.log.warn({ providerId: body.providerId }, 'local notification about an unknown share dropped');
      return;
    }
    await this.#apply(body, { outgoing, incoming });
  }

  async #apply(
    body: NotificationBody,
    target: { outgoing: Parameters<NotificationService['apply']>[1]['outgoing']; incoming: IncomingShare | null },
  ): Promise<void> {
    try {
      await this.#s.notifications.apply(body, { ...target, peer: this.deps.identity.host.toLowerCase() });
    } catch (err) {
      // The sender's side has already changed; as with a peer's refusal, the sender is not failed for it.
      this.deps.log.warn(
        { err, notificationType: body.notificationType, providerId: body.providerId },
        'local notification refused',
      );
    }
  }
}
