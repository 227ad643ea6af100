/**
 * Changing what the recipient of an existing share may do (read ↔ read-write), on both sides.
 *
 * Owner side: `changeOutgoing` stores the new permissions, which take effect at once wherever the owner's server
 * checks access (`verifyAccess` hands plugins the stored share), and tells the recipient's server with the
 * notification `SHARE_CHANGE_PERMISSION` (in-process for a same-server share). OCM 1.4 leaves "share updating" out of
 * scope and only names the experimental `RESHARE_CHANGE_PERMISSION`; oCIS sends `SHARE_CHANGE_PERMISSION` for exactly
 * this, so that is the name we send, and the body carries the permissions under every key peers use (`permissions`,
 * Nextcloud's `permission`, and a protocol object as oCIS does) plus the share's secret (NOT-2).
 *
 * Recipient side: `receive` applies either notification name, but only to an incoming share, i.e. only when it comes
 * from the share's sender. A recipient can never raise its own rights: a change-permission notification about an
 * outgoing share is refused (a read-only share must not become writable by asking).
 */
import { InputError, MeshworkError, NotAllowedError, NotFoundError } from '../errors.ts';
import type { EngineEventBus } from '../events.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { PluginHost } from '../plugin/plugin-host.ts';
import type { LocalPeer } from './local-peer.ts';
import { NOTIFY_KIND } from './outgoing-share-service.ts';
import type { ShareSecrets } from './share-secrets.ts';
import type { ShareStore } from './share-store.ts';
import type { IncomingShare, OutgoingShare } from './share-types.ts';

/** The notification type this server sends when an owner changes a share's permissions. */
export const SHARE_CHANGE_PERMISSION = 'SHARE_CHANGE_PERMISSION';
/** Notification types accepted as a permission change from a share's sender (oCIS's name and the spec's). */
export const PERMISSION_CHANGE_TYPES: readonly string[] = [SHARE_CHANGE_PERMISSION, 'RESHARE_CHANGE_PERMISSION'];

const KNOWN = ['read', 'write', 'share'];
const LIVE_OUT: OutgoingShare['state'][] = ['sending', 'pending', 'accepted'];
const LIVE_IN: IncomingShare['state'][] = ['pending', 'accepted'];

/** A permission list as sent by a client: a non-empty list of known names, always including `read`. */
export function checkPermissions(raw: unknown, field = 'permissions'): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((p) => typeof p !== 'string' || !KNOWN.includes(p))) {
    throw new InputError(`${field} must be a non-empty list of ${KNOWN.join(', ')}`, [
      { name: field, message: 'INVALID' },
    ]);
  }
  const set = new Set(raw as string[]);
  if (!set.has('read')) throw new InputError(`${field} must include read`, [{ name: field, message: 'READ_REQUIRED' }]);
  return KNOWN.filter((p) => set.has(p));
}

/** The permissions a peer's change-permission notification names (`permissions`, `permission`, or a protocol's). */
export function notifiedPermissions(n: Record<string, unknown>): string[] {
  const protocol = (n.protocol ?? {}) as Record<string, unknown>;
  const webdav = (protocol.webdav ?? (protocol.options as unknown)) as Record<string, unknown> | undefined;
  const raw = n.permissions ?? n.permission ?? webdav?.permissions;
  // Peers speak in what the spec allows for a share; names beyond ours are not rights we could grant.
  const list = Array.isArray(raw) ? raw.filter((p) => typeof p === 'string' && KNOWN.includes(p)) : raw;
  return checkPermissions(list, 'notification.permissions');
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((p) => b.includes(p));
}

/** Changes the permissions of existing shares (owner side) and applies changes told by owners (recipient side). */
export class SharePermissionService {
  constructor(
    private readonly deps: {
      store: ShareStore;
      events: EngineEventBus;
      local: LocalPeer;
      outbox: Outbox;
      secrets: ShareSecrets;
      plugins: Pick<PluginHost, 'hooks'>;
    },
  ) {}

  /** The owner changes what the recipient may do; returns the updated share. A repeat of the same change is a no-op. */
  async changeOutgoing(ownerId: string, id: string, raw: unknown): Promise<OutgoingShare> {
    const { store, events, local, outbox, secrets } = this.deps;
    const permissions = checkPermissions(raw);
    const share = await store.getOutgoing(id);
    if (!share || share.ownerId !== ownerId) throw new NotFoundError('no such share', 'SHARE_NOT_FOUND');
    if (!LIVE_OUT.includes(share.state))
      throw new MeshworkError('SHARE_NOT_ACTIVE', `the share has ended (${share.state}); share again instead`);
    if (same(share.permissions, permissions)) return share;
    const updated = await store.setOutgoingPermissions(id, permissions, LIVE_OUT);
    if (!updated) throw new MeshworkError('SHARE_NOT_ACTIVE', 'the share ended meanwhile; share again instead');
    const body = {
      notificationType: SHARE_CHANGE_PERMISSION,
      resourceType: share.resourceType,
      providerId: share.providerId,
      notification: {
        message: 'the owner changed what you may do with this share',
        sharedSecret: secrets.forShare(share.providerId),
        grantee: share.shareWith,
        permissions,
        permission: permissions,
        protocol: { name: 'multi', webdav: { permissions } },
      },
    };
    if (local.isSelf(share.shareWithHost)) await local.toRecipient(body);
    else
      await outbox.enqueue({
        destination: share.shareWithHost,
        kind: NOTIFY_KIND,
        path: '/notifications',
        ref: share.id,
        body: this.deps.plugins.hooks(share.resourceType).outgoingNotification?.(share, body) ?? body,
      });
    events.emit('share:outgoing-updated', { share: updated });
    return updated;
  }

  /** A peer told us about a permission change: applied to an incoming share (from its sender) only. */
  async receive(
    target: { outgoing: OutgoingShare | null; incoming: IncomingShare | null },
    notification: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const { incoming } = target;
    if (!incoming) {
      throw new NotAllowedError(
        "only a share's owner changes its permissions; a recipient asks the owner instead",
        'PERMISSION_CHANGE_NOT_ALLOWED',
      );
    }
    const permissions = notifiedPermissions(notification);
    if (!LIVE_IN.includes(incoming.state) || same(incoming.permissions, permissions)) return {};
    // The protocol object keeps the permissions each access protocol was granted: they follow the change.
    const protocols: Record<string, Record<string, unknown>> = {};
    for (const [name, arm] of Object.entries(incoming.protocol.protocols))
      protocols[name] = 'permissions' in arm ? { ...arm, permissions } : arm;
    const updated = await this.deps.store.setIncomingPermissions(
      incoming.id,
      permissions,
      { name: incoming.protocol.name, protocols },
      LIVE_IN,
    );
    if (updated) this.deps.events.emit('share:incoming-updated', { share: updated });
    return {};
  }
}
