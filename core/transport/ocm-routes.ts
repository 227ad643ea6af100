import express, { Router, type Request } from 'express';
import type { HotAnswer, HotRoutes } from './hot-routes.ts';
import { parseAddress } from '../addresses.ts';
import type { PeerAuthenticator } from '../federation/peer-auth.ts';
import type { InviteService, AcceptedInviteBody } from '../invites/invite-service.ts';
import type { NotificationService, NotificationBody } from '../notifications/notification-service.ts';
import { normalizeLegacyShare } from '../ocm-schema/legacy-share.ts';
import { validateBody } from '../ocm-schema/validate.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { IncomingShareService, NewShareBody } from '../shares/incoming-share-service.ts';
import type { TokenService } from '../tokens/token-service.ts';

const BODY_LIMIT = '1mb';
const BODY_LIMIT_BYTES = 1024 * 1024;

/** Keeps the exact bytes of a body: signatures cover them, not the parsed JSON. */
function keepRaw(req: Request, _res: unknown, buf: Buffer): void {
  req.rawBody = buf;
}

/** The OCM API under `/ocm`: shares, notifications, invite-accepted, token, jwks. */
export function ocmRoutes(deps: {
  peers: PeerAuthenticator;
  incoming: IncomingShareService;
  notifications: NotificationService;
  invites: InviteService;
  tokens: TokenService;
  outbox: Outbox;
  jwks: () => unknown;
  /** When given, `POST /ocm/shares` is also answered on the hot path (hot-routes.ts), with the same handler. */
  hot?: HotRoutes;
}): Router {
  const r = Router();
  const json = express.json({ limit: BODY_LIMIT, verify: keepRaw, type: ['application/json', 'application/*+json'] });
  const form = express.urlencoded({ limit: BODY_LIMIT, extended: false, verify: keepRaw });
  // A peer that reaches us is up: deliver whatever we queued for it now instead of waiting out the back-off.
  const peerIsUp = (host: string) => void deps.outbox.retryNow(host).catch(() => {});

  r.get('/jwks', (_req, res) => {
    res.json(deps.jwks());
  });

  // A new share from a peer: the same handler behind express and the hot path.
  const newShare = async (req: Request): Promise<HotAnswer> => {
    const v = await deps.peers.verify(req);
    const body = validateBody<NewShareBody>('NewShare', normalizeLegacyShare(req.body));
    const senderHost = parseAddress(body.sender, 'sender').host;
    await deps.peers.bind(v, senderHost);
    req.peerHost = senderHost;
    const result = await deps.incoming.receive(body, senderHost);
    req.log?.debug(
      {
        senderHost,
        scheme: v.scheme,
        resourceType: body.resourceType,
        created: result.created,
        share: result.share.id,
      },
      'OCM share received',
    );
    peerIsUp(senderHost);
    return {
      status: 201,
      body: { recipientDisplayName: result.recipientDisplayName, recipientUserId: result.share.recipientId },
      // After answering, so the sender usually has our 201 before the acceptance (it copes with either order).
      ...(result.created ? { after: () => void deps.incoming.autoAccept(result.share) } : {}),
    };
  };
  r.post('/shares', json, async (req, res) => {
    const answer = await newShare(req);
    res.status(answer.status).json(answer.body);
    answer.after?.();
  });
  deps.hot?.add('POST', '/ocm/shares', BODY_LIMIT_BYTES, newShare);

  r.post('/notifications', json, async (req, res) => {
    const v = await deps.peers.verify(req);
    const body = validateBody<NotificationBody>('NewNotification', req.body);
    if (v.signer) deps.peers.checkListed(v.signer);
    if (v.signer) req.peerHost = v.signer;
    const out = await deps.notifications.receive(body, v);
    req.log?.debug(
      { signer: v.signer, scheme: v.scheme, notificationType: body.notificationType, resourceType: body.resourceType },
      'OCM notification received',
    );
    if (v.signer) peerIsUp(v.signer);
    res.status(201).json(out);
  });

  r.post('/invite-accepted', json, async (req, res) => {
    const v = await deps.peers.verify(req);
    const body = validateBody<AcceptedInviteBody>('AcceptedInvite', req.body);
    const host = body.recipientProvider
      .replace(/^https?:\/\//, '')
      .replace(/\/+$/, '')
      .toLowerCase();
    await deps.peers.bind(v, host);
    req.peerHost = host;
    res.status(200).json(await deps.invites.accepted(body, host));
  });

  r.post('/token', form, json, async (req, res) => {
    const v = await deps.peers.verify(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const clientId = typeof body.client_id === 'string' ? body.client_id.toLowerCase() : null;
    if (clientId) await deps.peers.bind(v, clientId);
    if (clientId) req.peerHost = clientId;
    res.set('cache-control', 'no-store');
    res.status(200).json(await deps.tokens.exchange(body, v.signer));
  });

  return r;
}
