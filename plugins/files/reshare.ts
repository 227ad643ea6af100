/**
 * Re-sharing (OCM experimental REQUEST_RESHARE): a recipient holding `share` permission asks the owner's server to
 * share the same resource with a third party; the owner's server creates that share itself, so it goes directly from
 * owner to new recipient and the owner stays in control (and can revoke it).
 */
import type { Router } from 'express';
import { InputError, NotAllowedError, NotFoundError, type PluginContext, type PluginNotification } from '#core';
import type { FilesDav } from './files-dav.ts';
import { FILES_ERRORS } from './error-codes.ts';

/** Notification type of a reshare request. */
export const REQUEST_RESHARE = 'REQUEST_RESHARE';

function permissionList(raw: unknown): string[] {
  if (raw === undefined) return ['read'];
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((p) => typeof p !== 'string')) {
    throw new InputError('permissions must be a non-empty list', [{ name: 'permissions', message: 'INVALID' }]);
  }
  return [...new Set(raw as string[])];
}

/** `POST /api/v1/files/reshare {incomingShareId, shareWith, permissions}` on the recipient's server. */
export function reshareRoute(ctx: PluginContext, api: Router): void {
  api.post('/reshare', async (req, res) => {
    const body = (req.body ?? {}) as { incomingShareId?: unknown; shareWith?: unknown; permissions?: unknown };
    if (typeof body.incomingShareId !== 'string' || !body.incomingShareId)
      throw new InputError('incomingShareId is required', [{ name: 'incomingShareId', message: 'REQUIRED' }]);
    if (typeof body.shareWith !== 'string' || !/^.+@[^@]+$/.test(body.shareWith.trim())) {
      throw new InputError('shareWith must be an address like user@host', [{ name: 'shareWith', message: 'INVALID' }]);
    }
    const share = await ctx.shares.getIncoming(body.incomingShareId);
    if (
      !share ||
      share.recipientId !== req.user!.id ||
      share.state !== 'accepted' ||
      !['file', 'folder'].includes(share.resourceType)
    ) {
      throw new NotFoundError('no such accepted file share', 'SHARE_NOT_FOUND');
    }
    if (!share.permissions.includes('share'))
      throw new NotAllowedError('this share may not be shared onward', FILES_ERRORS.RESHARE_NOT_ALLOWED);
    const permissions = permissionList(body.permissions);
    if (permissions.some((p) => !share.permissions.includes(p))) {
      throw new NotAllowedError(
        'a reshare cannot grant more than the share you hold',
        FILES_ERRORS.RESHARE_PERMISSIONS_EXCEEDED,
      );
    }
    const secret = share.protocol.protocols.webdav?.sharedSecret;
    await ctx.notify(share.senderHost, {
      notificationType: REQUEST_RESHARE,
      resourceType: share.resourceType,
      providerId: share.providerId,
      notification: {
        shareWith: body.shareWith.trim(),
        permissions,
        shareType: 'user',
        senderId: `${req.user!.id}@${ctx.identity.host}`,
        message: 'Please share this resource with another user',
        ...(typeof secret === 'string' ? { sharedSecret: secret } : {}),
      },
    });
    res.status(202).json({ requested: true, owner: share.owner, shareWith: body.shareWith.trim(), permissions });
  });
}

/** The owner's handling of REQUEST_RESHARE: checks the grant and creates the new share from the owner. */
export async function handleReshareRequest(
  ctx: PluginContext,
  dav: Pick<FilesDav, 'roots' | 'binding'>,
  n: PluginNotification,
): Promise<Record<string, unknown>> {
  const original = n.outgoing;
  if (!original || original.state !== 'accepted')
    throw new NotFoundError('no accepted share with this providerId for your server', 'SHARE_NOT_FOUND');
  if (!original.permissions.includes('share'))
    throw new NotAllowedError('the share does not allow resharing', FILES_ERRORS.RESHARE_NOT_ALLOWED);
  const shareWith = n.notification.shareWith;
  if (typeof shareWith !== 'string' || !shareWith.includes('@'))
    throw new InputError('notification.shareWith is required', [
      { name: 'notification.shareWith', message: 'REQUIRED' },
    ]);
  const permissions = permissionList(n.notification.permissions);
  if (permissions.some((p) => !original.permissions.includes(p))) {
    throw new NotAllowedError(
      'requested permissions exceed the original share',
      FILES_ERRORS.RESHARE_PERMISSIONS_EXCEEDED,
    );
  }
  // The reshare names the same object as the original share, never something that took its path since.
  const root = await dav.roots.get(original.providerId);
  if (!root || !(await dav.binding.resolve(root)))
    throw new NotFoundError('the shared resource no longer exists', 'RESOURCE_NOT_FOUND');
  const created = await ctx.shares.createOutgoing(original.ownerId, {
    resourceType: original.resourceType,
    resourceId: root.path,
    shareWith,
    permissions,
    name: original.name,
  });
  ctx.logger.info(
    { providerId: original.providerId, newShare: created.id, requestedBy: n.senderHost },
    'reshare created on request',
  );
  return { shareId: created.id, state: created.state };
}
