/**
 * The owner tells every sharee's server that a shared collection changed (`SYNC_CALENDAR`, `SYNC_ADDRESSBOOK`):
 * through the outbox, one waiting message per share (`coalesce`, ref = share id), so a burst of changes sends one
 * notification per sharee; a same-server sharee gets it in-process.
 */
import type { OutgoingShare, PluginContext } from '#core';

/** The notification of one share: what goes on the wire to other servers. */
export interface ChangeNotice {
  /** The providerId on the wire (Nextcloud's calendars want the constant "calendar"). */
  providerId: string;
  notification: Record<string, unknown>;
}

/** Queues the change notification of every live share of a resource. */
export async function announceChange(
  ctx: PluginContext,
  opts: {
    resourceType: string;
    resourceId: string;
    notificationType: string;
    /** The outbox kind, `<pluginId>:<what>`. */
    kind: string;
    notice(share: OutgoingShare): ChangeNotice;
  },
): Promise<void> {
  const shares = await ctx.shares.listOutgoingForResource(opts.resourceType, opts.resourceId);
  for (const s of shares.filter((x) => x.state === 'accepted' || x.state === 'pending')) {
    const n = opts.notice(s);
    const head = { notificationType: opts.notificationType, resourceType: opts.resourceType };
    if (s.shareWithHost.toLowerCase() === ctx.identity.host.toLowerCase())
      await ctx.notify(s.shareWithHost, { ...head, providerId: s.providerId, notification: n.notification });
    else
      await ctx.outbox.enqueue({
        destination: s.shareWithHost,
        kind: opts.kind,
        path: '/notifications',
        ref: s.id,
        coalesce: true,
        body: { ...head, providerId: n.providerId, notification: n.notification },
      });
  }
}
