import { randomUUID } from 'node:crypto';
import { InputError, MeshworkError, NotAllowedError, NotFoundError, NotImplementedError } from '../errors.ts';
import type { AccountService } from '../accounts/account-service.ts';
import { parseAddress, sameHost } from '../addresses.ts';
import type { MeshworkConfig } from '../config/config.ts';
import type { EngineEventBus } from '../events.ts';
import type { UserSettingsStore } from '../accounts/user-settings.ts';
import type { ContactStore } from '../invites/contact-store.ts';
import type { Logger } from '../logger.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { PluginHost } from '../plugin/plugin-host.ts';
import type { ServerIdentity } from '../plugin/plugin-types.ts';
import { KNOWN_REQUIREMENTS, collectRequirements, normalizeProtocol } from '../ocm-schema/protocol-object.ts';
import type { LocalPeer } from './local-peer.ts';
import { NOTIFY_KIND } from './outgoing-share-service.ts';
import { incomingShareKey } from './share-identity.ts';
import type { ShareStore } from './share-store.ts';
import type { IncomingShare } from './share-types.ts';

/** An OCM NewShare body after schema validation. */
export interface NewShareBody {
  shareWith: string;
  name: string;
  providerId: string;
  owner: string;
  sender: string;
  shareType: string;
  resourceType: string;
  protocol: unknown;
  description?: string;
  ownerDisplayName?: string;
  senderDisplayName?: string;
  expiration?: number;
}

/** Receiving shares (from other servers, or from this one for its own users), and the recipient's accept/decline/leave. */
export class IncomingShareService {
  constructor(
    private readonly deps: {
      store: ShareStore;
      plugins: PluginHost;
      outbox: Outbox;
      events: EngineEventBus;
      identity: ServerIdentity;
      accounts: AccountService;
      contacts: ContactStore;
      config: MeshworkConfig;
      local: LocalPeer;
      settings: UserSettingsStore;
      log: Logger;
    },
  ) {}

  /** Validates and stores a share sent by `senderHost` (already bound to the signature); idempotent. */
  async receive(
    body: NewShareBody,
    senderHost: string,
  ): Promise<{ share: IncomingShare; recipientDisplayName: string; created: boolean }> {
    const { plugins, identity, accounts, config } = this.deps;
    const owner = parseAddress(body.owner, 'owner');
    if (!sameHost(owner.host, senderHost)) {
      throw new NotAllowedError(
        `owner ${body.owner} is not an account of the sending server ${senderHost}`,
        'OWNER_PROVIDER_MISMATCH',
      );
    }
    const spec = plugins.spec(body.resourceType);
    if (!spec)
      throw new NotImplementedError(
        `resource type "${body.resourceType}" is not supported`,
        'RESOURCE_TYPE_NOT_SUPPORTED',
      );
    if (!spec.shareTypes.includes(body.shareType)) {
      throw new NotImplementedError(
        `share type "${body.shareType}" is not supported for ${body.resourceType}`,
        'SHARE_TYPE_NOT_SUPPORTED',
      );
    }
    const to = parseAddress(body.shareWith, 'shareWith');
    const recipient = sameHost(to.host, identity.host) ? await accounts.findUser(to.id) : null;
    if (!recipient)
      throw new InputError('recipient not found', [{ name: 'shareWith', message: 'NOT_FOUND' }], 'RECIPIENT_NOT_FOUND');
    const protocol = normalizeProtocol(body.protocol);
    const requirements = collectRequirements(protocol);
    const unknown = requirements.filter((r) => !(KNOWN_REQUIREMENTS as readonly string[]).includes(r));
    if (unknown.length)
      throw new InputError(
        `unknown requirement ${unknown.join(', ')}`,
        [{ name: 'protocol', message: 'UNKNOWN_REQUIREMENT' }],
        'UNKNOWN_REQUIREMENT',
      );
    if (requirements.includes('must-use-mfa'))
      throw new InputError(
        'must-use-mfa cannot be enforced here',
        [{ name: 'protocol', message: 'UNSUPPORTED_REQUIREMENT' }],
        'UNSUPPORTED_REQUIREMENT',
      );
    const arms = Object.keys(protocol.protocols);
    const supported = arms.filter((a) => a in spec.protocols || `${a}-receive` in spec.protocols);
    if (supported.length === 0)
      throw new NotImplementedError(
        `protocol ${arms.join(', ') || protocol.name} is not supported for ${body.resourceType}`,
        'PROTOCOL_NOT_SUPPORTED',
      );
    if (config.criteria.includes('must-exchange-token') && !requirements.includes('must-exchange-token')) {
      throw new InputError(
        'this server requires must-exchange-token on every share',
        [{ name: 'protocol', message: 'MUST_EXCHANGE_TOKEN' }],
        'MUST_EXCHANGE_TOKEN',
      );
    }
    // must-invite is about strangers on other servers; users of this server need no invite to reach each other.
    if (config.criteria.includes('must-invite') && !this.deps.local.isSelf(senderHost))
      await this.#requireContact(recipient.id, body.sender, body.owner);
    if (body.expiration !== undefined && body.expiration * 1000 < Date.now()) {
      throw new InputError('share already expired', [{ name: 'expiration', message: 'IN_THE_PAST' }]);
    }
    const permissions = arms.flatMap((a) => {
      const p = protocol.protocols[a]?.permissions;
      return Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : [];
    });
    const now = Date.now();
    const candidate: IncomingShare = {
      id: randomUUID(),
      senderHost: senderHost.toLowerCase(),
      providerId: body.providerId,
      recipientId: recipient.id,
      resourceType: body.resourceType,
      shareType: body.shareType,
      name: body.name,
      description: body.description ?? null,
      owner: body.owner,
      sender: body.sender,
      ownerDisplayName: body.ownerDisplayName ?? null,
      senderDisplayName: body.senderDisplayName ?? null,
      protocol: { name: protocol.name, protocols: protocol.protocols },
      permissions: [...new Set(permissions.length ? permissions : ['read'])],
      state: 'pending',
      expiration: body.expiration !== undefined ? body.expiration * 1000 : null,
      createdAt: now,
      updatedAt: now,
    };
    const typed = plugins.hooks(body.resourceType).incomingPermissions?.(candidate);
    if (typed?.length) candidate.permissions = [...new Set(typed)];
    const shareKey = await incomingShareKey(plugins.hooks(body.resourceType), candidate);
    const existing = await this.deps.store.findIncomingByKey(candidate.senderHost, shareKey);
    if (existing) {
      const refreshed = await this.#repeated(existing, candidate);
      return { share: refreshed, recipientDisplayName: recipient.displayName, created: false };
    }
    await plugins.hooks(body.resourceType).validateIncomingShare?.(candidate);
    // Shares arriving together are stored in one transaction; the 201 goes out only after it committed.
    const { store } = this.deps;
    const { share, created } = await store.commits.run((trx) => store.insertIncoming(candidate, shareKey, trx), {
      single: true,
    });
    if (created) {
      await plugins.notify(share.resourceType, 'onShareReceived', share);
      this.deps.events.emit('share:received', { share });
    }
    return { share, recipientDisplayName: recipient.displayName, created };
  }

  /** A repeat of a held share: the owning plugin may take its new protocol (rotated secret, new access). */
  async #repeated(existing: IncomingShare, repeat: IncomingShare): Promise<IncomingShare> {
    const hooks = this.deps.plugins.hooks(existing.resourceType);
    if (!hooks.onShareRepeated || !['pending', 'accepted'].includes(existing.state)) return existing;
    await hooks.validateIncomingShare?.(repeat);
    const protocol = await hooks.onShareRepeated(existing, repeat);
    if (!protocol) return existing;
    const updated = await this.deps.store.setIncomingPermissions(existing.id, repeat.permissions, protocol, [
      'pending',
      'accepted',
    ]);
    if (!updated) return existing;
    this.deps.events.emit('share:incoming-updated', { share: updated });
    return updated;
  }

  async #requireContact(userId: string, sender: string, owner: string): Promise<void> {
    // Only contacts made through the invite flow count: that is the trust must-invite asks for.
    for (const a of [sender, owner]) if ((await this.deps.contacts.find(userId, a))?.source === 'invite') return;
    throw new NotAllowedError(
      'this server only accepts shares from contacts (must-invite); send an invite first',
      'NOT_A_CONTACT',
    );
  }

  async #mine(userId: string, id: string): Promise<IncomingShare> {
    const share = await this.deps.store.getIncoming(id);
    if (!share || share.recipientId !== userId) throw new NotFoundError('no such share', 'SHARE_NOT_FOUND');
    return share;
  }

  async #tellSender(share: IncomingShare, notificationType: string, message: string): Promise<void> {
    const secret = Object.values(share.protocol.protocols)
      .map((p) => p.sharedSecret)
      .find((s) => typeof s === 'string');
    const body = {
      notificationType,
      resourceType: share.resourceType,
      providerId: share.providerId,
      notification: { message, ...(secret ? { sharedSecret: secret } : {}) },
    };
    if (this.deps.local.isSelf(share.senderHost)) return this.deps.local.toOwner(body);
    await this.deps.outbox.enqueue({
      destination: share.senderHost,
      kind: NOTIFY_KIND,
      path: '/notifications',
      ref: share.id,
      body,
    });
  }

  /**
   * Accepts a newly received share through the normal accept path when its recipient asked for that: the
   * "auto-accept shares" setting covers shares from users of this server and from the recipient's contacts
   * (invited or added by hand), never from strangers. Failures are logged; the share then waits in the inbox.
   */
  async autoAccept(share: IncomingShare): Promise<IncomingShare> {
    try {
      if (share.state !== 'pending' || !(await this.deps.settings.get(share.recipientId)).autoAcceptShares)
        return share;
      if (!this.deps.local.isSelf(share.senderHost) && !(await this.#trusted(share))) return share;
      return await this.accept(share.recipientId, share.id);
    } catch (err) {
      this.deps.log.warn({ err, shareId: share.id }, 'auto-accepting a share failed; it waits in the inbox');
      return share;
    }
  }

  async #trusted(share: IncomingShare): Promise<boolean> {
    for (const a of [share.owner, share.sender]) {
      const c = await this.deps.contacts.find(share.recipientId, a);
      if (c && (c.source === 'invite' || c.source === 'manual')) return true;
    }
    return false;
  }

  /** The recipient accepts a pending share. */
  async accept(userId: string, id: string): Promise<IncomingShare> {
    const share = await this.#mine(userId, id);
    if (share.state === 'accepted') return share;
    const updated = await this.deps.store.setIncomingState(id, 'accepted', ['pending']);
    if (!updated) throw new MeshworkError('SHARE_NOT_PENDING', `share is ${share.state}`, 409);
    await this.deps.plugins.notify(share.resourceType, 'onIncomingAccepted', updated);
    await this.#tellSender(updated, 'SHARE_ACCEPTED', 'Recipient accepted the share');
    this.deps.events.emit('share:incoming-updated', { share: updated });
    return updated;
  }

  /** The recipient declines a pending share. */
  async decline(userId: string, id: string): Promise<IncomingShare> {
    const share = await this.#mine(userId, id);
    if (share.state === 'declined') return share;
    const updated = await this.deps.store.setIncomingState(id, 'declined', ['pending']);
    if (!updated) throw new MeshworkError('SHARE_NOT_PENDING', `share is ${share.state}`, 409);
    await this.deps.plugins.notify(share.resourceType, 'onIncomingRemoved', updated);
    await this.#tellSender(updated, 'SHARE_DECLINED', 'Recipient declined the share');
    this.deps.events.emit('share:incoming-removed', { share: updated, endedBy: 'recipient' });
    return updated;
  }

  /** The recipient leaves (removes) a share they had accepted or not yet answered. */
  async leave(userId: string, id: string): Promise<IncomingShare> {
    const share = await this.#mine(userId, id);
    if (share.state === 'removed' || share.state === 'declined') return share;
    const updated = (await this.deps.store.setIncomingState(id, 'removed')) ?? share;
    await this.deps.plugins.notify(share.resourceType, 'onIncomingRemoved', updated);
    await this.#tellSender(
      updated,
      share.state === 'pending' ? 'SHARE_DECLINED' : 'SHARE_UNSHARED',
      'Recipient removed the share',
    );
    this.deps.events.emit('share:incoming-removed', { share: updated, endedBy: 'recipient' });
    return updated;
  }

  /** The sender revoked the share: it disappears for the recipient at once. */
  async revokedBySender(share: IncomingShare): Promise<void> {
    const updated = await this.deps.store.setIncomingState(share.id, 'removed', ['pending', 'accepted']);
    if (!updated) return;
    await this.deps.plugins.notify(share.resourceType, 'onIncomingRemoved', updated);
    this.deps.events.emit('share:incoming-removed', { share: updated, endedBy: 'sender' });
  }
}
