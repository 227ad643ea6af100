import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { InputError, NotFoundError } from '../errors.ts';
import type { AccountService, User } from '../accounts/account-service.ts';
import { hashSecret } from '../accounts/secrets.ts';
import type { ShareSecrets } from './share-secrets.ts';
import { formatAddress, parseAddress, type OcmAddress } from '../addresses.ts';
import type { MeshworkConfig } from '../config/config.ts';
import type { DiscoveryClient } from '../discovery/discovery-client.ts';
import type { RemoteDiscovery } from '../discovery/discovery-types.ts';
import type { EngineEventBus } from '../events.ts';
import type { Logger } from '../logger.ts';
import type { DeliveryResult, Outbox, StoredOutboxMessage } from '../outbox/outbox.ts';
import type { PluginHost } from '../plugin/plugin-host.ts';
import type { OutboxMessage, ServerIdentity } from '../plugin/plugin-types.ts';
import { clearEndedShares } from './outgoing-share-clear.ts';
import { sendFailure, shareAnswer, type ShareAttempt, type ShareTarget } from './delivery-outcome.ts';
import { checkPeerPolicy, discoverReceiver } from './share-receiver.ts';
import type { NewShareBody } from './incoming-share-service.ts';
import type { LocalPeer } from './local-peer.ts';
import { ShareError } from './share-errors.ts';
import type { ShareStore } from './share-store.ts';
import type { CreateShareInput, OutgoingShare } from './share-types.ts';

/** Sends one share message now (a signed POST), giving up after `timeoutMs`. */
export type DirectSender = (msg: StoredOutboxMessage, timeoutMs: number) => Promise<{ status: number; body: unknown }>;

export const SHARE_KIND = 'core:share';
export const NOTIFY_KIND = 'core:notification';
const KNOWN_PERMISSIONS = ['read', 'write', 'share'];
// A share's first delivery is tried while its user waits, for at most this long; then the outbox takes over.
const MIN_POST_MS = 1_000;
// How long the durable copy of a share waits for that first attempt before the outbox sends it itself (crash).
const HOLD_MS = 60_000;

/**
 * Creating, tracking and ending shares of local resources. A share with a user of another server is tried at once
 * and answered 201 (delivered), a 4xx in plain words (refused for good: nothing is kept) or 202 `sending` (the
 * receiver exists but is unreachable now: the outbox retries). A share with a user of this server goes to
 * LocalPeer: no OCM on the wire.
 */
export class OutgoingShareService {
  constructor(
    private readonly deps: {
      db: Kysely<any>;
      store: ShareStore;
      plugins: PluginHost;
      outbox: Outbox;
      events: EngineEventBus;
      identity: ServerIdentity;
      discovery: DiscoveryClient;
      accounts: AccountService;
      config: MeshworkConfig;
      local: LocalPeer;
      send: DirectSender;
      secrets: ShareSecrets;
      log?: Logger;
    },
  ) {
    deps.outbox.onResult(SHARE_KIND, (msg, result) => this.#onDelivery(msg, result));
  }

  /** Shares a local resource with `user@host` (another server or this one). */
  async create(owner: User, input: CreateShareInput): Promise<OutgoingShare> {
    const { plugins, identity, config, local } = this.deps;
    const started = Date.now();
    if (typeof input.resourceType !== 'string' || !input.resourceType)
      throw new InputError('resourceType is required', [{ name: 'resourceType', message: 'REQUIRED' }]);
    if (typeof input.resourceId !== 'string' || !input.resourceId)
      throw new InputError('resourceId is required', [{ name: 'resourceId', message: 'REQUIRED' }]);
    if (typeof input.shareWith !== 'string')
      throw new InputError('shareWith is required', [{ name: 'shareWith', message: 'REQUIRED' }]);
    const to = parseAddress(input.shareWith.trim(), 'shareWith');
    const permissions = input.permissions ?? ['read'];
    if (!Array.isArray(permissions) || permissions.some((p) => !KNOWN_PERMISSIONS.includes(p))) {
      throw new InputError(`permissions must be a list of ${KNOWN_PERMISSIONS.join(', ')}`, [
        { name: 'permissions', message: 'INVALID' },
      ]);
    }
    const hooks = plugins.hooks(input.resourceType);
    if (!hooks.prepareOutgoingShare) throw new InputError(`resource type ${input.resourceType} cannot be shared`);
    const isLocal = local.isSelf(to.host);
    let recipient: User | null = null;
    let remote: RemoteDiscovery | null = null;
    if (isLocal) recipient = await this.#localRecipient(owner, to);
    else {
      checkPeerPolicy(this.deps.config, to.host);
      remote = await discoverReceiver(this.deps, to, input.resourceType);
    }
    // Same-server shares follow this server's own criteria, as a peer with them would demand.
    const mustExchangeToken = isLocal
      ? config.criteria.includes('must-exchange-token')
      : (remote?.criteria.includes('must-exchange-token') ?? false);
    const providerId = randomUUID();
    const sharedSecret = this.deps.secrets.forShare(providerId);
    const shareWith = formatAddress(to.id, to.host);
    const prepared = await hooks.prepareOutgoingShare({
      owner,
      resourceType: input.resourceType,
      resourceId: input.resourceId,
      shareWith,
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
      shareWith,
      shareWithHost: to.host,
      shareType: 'user',
      name: prepared.name,
      permissions,
      strict: mustExchangeToken,
      state: 'sending',
      recipientDisplayName: recipient?.displayName ?? null,
      lastError: null,
      expiration: input.expiration ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const self = (id: string) => formatAddress(id, identity.host);
    const body: NewShareBody = {
      shareWith,
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
    const secretHash = hashSecret(sharedSecret);
    if (isLocal) return this.#deliverLocally(share, body, secretHash);
    const target = { host: to.host, recipientId: to.id, resourceType: input.resourceType };
    return this.#deliverRemotely(share, body, secretHash, remote, target, started);
  }

  async #localRecipient(owner: User, to: OcmAddress): Promise<User> {
    if (to.id === owner.id) throw new ShareError('SHARE_WITH_SELF', 'You cannot share with yourself');
    const user = await this.deps.accounts.findUser(to.id);
    if (!user) throw new ShareError('RECIPIENT_NOT_FOUND', `${to.id} is not a user on ${to.host}`);
    return user;
  }

  /** Same server: the recipient's side receives the share in-process; it may accept it at once (auto-accept). */
  async #deliverLocally(share: OutgoingShare, body: NewShareBody, secretHash: string): Promise<OutgoingShare> {
    const { store, local, events } = this.deps;
    // Stored first, as for a peer: the recipient's side may answer (accept) before this call returns.
    await store.insertOutgoing(share, secretHash);
    let received: Awaited<ReturnType<LocalPeer['share']>>;
    try {
      received = await local.share(body);
    } catch (err) {
      await store.deleteOutgoing(share.id);
      throw err;
    }
    const pending = await store.setOutgoingState(
      share.id,
      'pending',
      { recipientDisplayName: received.recipientDisplayName, lastError: null },
      ['sending'],
    );
    if (pending) events.emit('share:outgoing-updated', { share: pending });
    if (received.created) await local.autoAccept(received.share);
    return (await store.getOutgoing(share.id)) ?? share;
  }

  /**
   * Another server: the share and a held outbox copy are stored in one transaction (so an acknowledged share
   * survives a crash), then the first attempt is made here with what is left of `config.shareWaitMs`.
   */
  async #deliverRemotely(
    share: OutgoingShare,
    body: NewShareBody,
    secretHash: string,
    remote: RemoteDiscovery | null,
    target: ShareTarget,
    started: number,
  ): Promise<OutgoingShare> {
    const { store, outbox, events } = this.deps;
    const msg: OutboxMessage = {
      destination: share.shareWithHost,
      kind: SHARE_KIND,
      path: '/shares',
      body,
      ref: share.id,
    };
    const msgId = await this.deps.store.commits.run(async (trx) => {
      await store.insertOutgoing(share, secretHash, trx);
      return outbox.hold(msg, HOLD_MS, trx);
    });
    let attempt: ShareAttempt;
    if (!remote) attempt = { kind: 'transient', reason: `${target.host} did not answer discovery in time` };
    else {
      const timeoutMs = Math.max(MIN_POST_MS, this.deps.config.shareWaitMs - (Date.now() - started));
      try {
        const res = await this.deps.send({ ...msg, id: msgId, attempts: 0, createdAt: share.createdAt }, timeoutMs);
        attempt = shareAnswer(res.status, res.body, target);
      } catch (err) {
        attempt = sendFailure(err, target);
      }
    }
    if (attempt.kind === 'refused') {
      await outbox.drop(msgId);
      await store.deleteOutgoing(share.id);
      throw attempt.error;
    }
    if (attempt.kind === 'transient') {
      await outbox.release(msgId, attempt.reason);
      const queued = (await store.getOutgoing(share.id)) ?? share;
      // The owner's other views (the shares page, other tabs) list it at once, as `sending`.
      events.emit('share:outgoing-updated', { share: queued });
      return queued;
    }
    // Delivered. The user is answered now: the share is already durable (stored with its held copy before it was
    // sent), and the receiver deduplicates a resend. Forgetting the held copy and recording `pending` (one commit)
    // follows the answer instead of delaying it; should that commit be lost (a crash, a database error), the held
    // copy is sent again once its hold ends, the receiver answers 201 for the share it already has, and the
    // outbox's result records `pending` (#onDelivery).
    const delivered: OutgoingShare = {
      ...share,
      state: 'pending',
      recipientDisplayName: displayNameIn(attempt.body),
      lastError: null,
      updatedAt: Date.now(),
    };
    this.#recordDelivered(delivered, msgId);
    return delivered;
  }

  /** Drops a delivered share's held copy and stores its `pending` state, in one commit, without anyone waiting. */
  #recordDelivered(delivered: OutgoingShare, msgId: number): void {
    const { store, outbox, events } = this.deps;
    store.commits
      .run(async (trx) => {
        await outbox.drop(msgId, trx);
        return store.setOutgoingState(
          delivered.id,
          'pending',
          { recipientDisplayName: delivered.recipientDisplayName, lastError: null, at: delivered.updatedAt },
          ['sending'],
          trx,
        );
      })
      .then(
        (pending) => {
          if (pending) events.emit('share:outgoing-updated', { share: pending });
        },
        (err: unknown) =>
          this.deps.log?.warn(
            { err, share: delivered.id },
            'recording a delivered share failed; its held copy will be sent again',
          ),
      );
  }

  /** The outbox's later outcome for a share that was queued (202): delivered, or failed with a readable reason. */
  async #onDelivery(msg: StoredOutboxMessage, result: DeliveryResult): Promise<void> {
    if (!msg.ref) return;
    if (result.outcome === 'delivered') {
      const s = await this.deps.store.setOutgoingState(
        msg.ref,
        'pending',
        { recipientDisplayName: displayNameIn(result.body), lastError: null },
        ['sending'],
      );
      if (s) this.deps.events.emit('share:outgoing-updated', { share: s });
      return;
    }
    const b = (msg.body ?? {}) as { shareWith?: unknown; resourceType?: unknown };
    const target: ShareTarget = {
      host: msg.destination,
      recipientId: typeof b.shareWith === 'string' ? b.shareWith.slice(0, b.shareWith.lastIndexOf('@')) : 'the user',
      resourceType: typeof b.resourceType === 'string' ? b.resourceType : 'resource',
    };
    let reason: string;
    if (result.outcome === 'dead')
      reason = / does not accept /.test(result.error)
        ? result.error
        : `${msg.destination} could not be reached, so the share was not delivered`;
    else {
      const answer = shareAnswer(result.status, result.body, target);
      reason = answer.kind === 'refused' ? answer.error.message : `${msg.destination} did not take the share`;
    }
    const s = await this.deps.store.setOutgoingState(msg.ref, 'failed', { lastError: reason }, ['sending']);
    if (s) this.deps.events.emit('share:outgoing-updated', { share: s });
  }

  /** Clears ended and failed shares from the owner's list (all, or the given ids); see outgoing-share-clear.ts. */
  clear(ownerId: string, ids: unknown): Promise<string[]> {
    return clearEndedShares(this.deps, ownerId, ids);
  }

  /** The owner's shares, newest first. */
  list(ownerId: string): Promise<OutgoingShare[]> {
    return this.deps.store.listOutgoing(ownerId);
  }

  /**
   * Revokes a share: access ends now and the receiver is told (in-process for a same-server share). A share that
   * failed was never received: unsharing it dismisses it and nothing is kept.
   */
  async unshare(ownerId: string, id: string): Promise<OutgoingShare> {
    const { store, plugins, events, local, outbox } = this.deps;
    const share = await store.getOutgoing(id);
    if (!share || share.ownerId !== ownerId) throw new NotFoundError('no such share', 'SHARE_NOT_FOUND');
    if (share.state === 'unshared') return share;
    if (share.state === 'failed') {
      await store.deleteOutgoing(id);
      const gone: OutgoingShare = { ...share, state: 'unshared', updatedAt: Date.now() };
      await plugins.notify(share.resourceType, 'onOutgoingRemoved', gone);
      events.emit('share:outgoing-updated', { share: gone });
      return gone;
    }
    const wasLive = ['sending', 'pending', 'accepted'].includes(share.state);
    const updated = (await store.setOutgoingState(id, 'unshared')) ?? share;
    await plugins.notify(share.resourceType, 'onOutgoingRemoved', updated);
    if (wasLive) {
      const body = {
        notificationType: 'SHARE_UNSHARED',
        resourceType: share.resourceType,
        providerId: share.providerId,
        // Nextcloud checks the secret on SHARE_UNSHARED before it believes the owner.
        notification: {
          message: 'the owner stopped sharing this resource',
          sharedSecret: this.deps.secrets.forShare(share.providerId),
        },
      };
      if (local.isSelf(share.shareWithHost)) await local.toRecipient(body);
      else
        await outbox.enqueue({
          destination: share.shareWithHost,
          kind: NOTIFY_KIND,
          path: '/notifications',
          ref: share.id,
          body: plugins.hooks(share.resourceType).outgoingNotification?.(share, body) ?? body,
        });
    }
    events.emit('share:outgoing-updated', { share: updated });
    return updated;
  }
}

function displayNameIn(body: unknown): string | null {
  const v = (body ?? {}) as { recipientDisplayName?: unknown };
  return typeof v.recipientDisplayName === 'string' ? v.recipientDisplayName : null;
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
