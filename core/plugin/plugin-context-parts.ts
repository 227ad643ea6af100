/**
 * The parts of a plugin's context that wrap core services (shares, remote requests, the outbox, notifications):
 * what `ctx.shares`, `ctx.remote`, `ctx.outbox` and `ctx.notify` do, built here so the engine only wires them.
 */
import type { DiscoveryClient } from '../discovery/discovery-client.ts';
import type { SignedClient } from '../federation/signed-client.ts';
import { remoteStream } from '../outbound/remote-client.ts';
import type { OutboundPolicy } from '../outbound/ssrf-guard.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { IncomingShareService } from '../shares/incoming-share-service.ts';
import type { LocalPeer } from '../shares/local-peer.ts';
import type { OutgoingShareService } from '../shares/outgoing-share-service.ts';
import type { ShareSecrets } from '../shares/share-secrets.ts';
import type { ShareStore } from '../shares/share-store.ts';
import type { TokenService } from '../tokens/token-service.ts';
import type { AccountService } from '../accounts/account-service.ts';
import type { PluginContext } from './plugin-types.ts';

/** The share services a plugin's `ctx.shares` wraps. */
export interface ShareParts {
  store: ShareStore;
  tokens: TokenService;
  outgoing: OutgoingShareService;
  incoming: IncomingShareService;
  secrets: ShareSecrets;
  accounts: AccountService;
}

/** `ctx.shares`: the share registry as plugins see it. */
export function pluginShares(p: ShareParts): PluginContext['shares'] {
  return {
    getOutgoing: (id) => p.store.getOutgoing(id),
    findOutgoingByProviderId: (id) => p.store.findOutgoingByProviderId(id),
    listOutgoingForResource: (t, id) => p.store.listOutgoingForResource(t, id),
    getIncoming: (id) => p.store.getIncoming(id),
    listIncoming: (u, t) => p.store.listIncoming(u, t),
    verifyAccess: (c, t) => p.tokens.verifyAccess(c, t),
    accessCredential: (s, o) => {
      if (o?.refresh) p.tokens.forget(s.id);
      return p.tokens.accessCredential(s);
    },
    createOutgoing: async (ownerId, input) => p.outgoing.create(await p.accounts.getUser(ownerId), input),
    revokeOutgoing: (ownerId, id) => p.outgoing.unshare(ownerId, id),
    leaveIncoming: (userId, id) => p.incoming.leave(userId, id),
    acceptIncoming: (userId, id) => p.incoming.accept(userId, id),
    sharedSecretOf: (s) => p.secrets.forShare(s.providerId),
    endedBySender: async (id) => {
      const share = await p.store.getIncoming(id);
      if (share) await p.incoming.revokedBySender(share);
    },
  };
}

/** `ctx.remote`: signed requests to peers, discovery, and SSRF-guarded streams. */
export function pluginRemote(
  client: SignedClient,
  discovery: DiscoveryClient,
  policy: OutboundPolicy,
): PluginContext['remote'] {
  return {
    post: (host, path, body, o) => client.post(host, path, body, o),
    request: (host, path, o) => client.request(host, path, o),
    discover: (host) => discovery.discover(host),
    stream: (url, o) => remoteStream(url, o, policy),
  };
}

/** `ctx.outbox`: the durable queue to other servers. */
export function pluginOutbox(outbox: Outbox): PluginContext['outbox'] {
  return {
    enqueue: async (m) => void (await outbox.enqueue(m)),
    buildBody: (kind, b) => outbox.buildBody(kind, b),
    onResult: (kind, l) =>
      outbox.onResult(kind, (m, r) => l({ destination: m.destination, ref: m.ref, body: m.body }, r)),
    pending: (d) => outbox.pending(d),
  };
}

/** `ctx.notify`: a notification to a server (this one directly, another through the outbox). */
export function pluginNotify(local: LocalPeer, outbox: Outbox): PluginContext['notify'] {
  return async (destination, n) => {
    if (local.isSelf(destination)) return local.pluginNotification(n);
    await outbox.enqueue({
      destination,
      kind: 'core:notification',
      path: '/notifications',
      body: n,
      ref: n.providerId,
    });
  };
}
