import type express from 'express';
import { Router } from 'express';
import { InputError, NotFoundError } from '../errors.ts';
import type { AccountService, User } from '../accounts/account-service.ts';
import { formatAddress, parseAddress } from '../addresses.ts';
import type { UserSettingsStore } from '../accounts/user-settings.ts';
import type { ContactStore } from '../invites/contact-store.ts';
import type { EngineEventBus } from '../events.ts';
import type { PeopleRegistry } from '../people/people-registry.ts';
import type { InviteService } from '../invites/invite-service.ts';
import type { ServerIdentity } from '../plugin/plugin-types.ts';
import type { IncomingShareService } from '../shares/incoming-share-service.ts';
import type { OutgoingShareService } from '../shares/outgoing-share-service.ts';
import type { SharePermissionService } from '../shares/share-permissions.ts';
import type { ShareStore } from '../shares/share-store.ts';
import type { IncomingShare, IncomingShareView } from '../shares/share-types.ts';
import type { HotRoutes } from './hot-routes.ts';
import { userView } from './account-routes.ts';

/** What the client API shows of an incoming share: never its secret. */
export function incomingView(s: IncomingShare): IncomingShareView {
  const { protocol, ...rest } = s;
  return { ...rest, protocolName: protocol.name, protocols: Object.keys(protocol.protocols) };
}

function str(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (typeof v !== 'string' || !v) throw new InputError(`${field} is required`, [{ name: field, message: 'REQUIRED' }]);
  return v;
}

/** The JSON client API under `/api/v1` (me, shares, invites, contacts). */
export function apiRoutes(deps: {
  accounts: AccountService;
  requireUser: express.RequestHandler;
  identity: ServerIdentity;
  outgoing: OutgoingShareService;
  incoming: IncomingShareService;
  permissions: SharePermissionService;
  store: ShareStore;
  invites: InviteService;
  contacts: ContactStore;
  settings: UserSettingsStore;
  events: EngineEventBus;
  people: PeopleRegistry;
  /** When given, `POST /api/v1/shares` (this router is mounted at /api/v1) is also answered on the hot path. */
  hot?: HotRoutes;
  /** Ids of the plugins this server runs. */
  pluginIds: readonly string[];
}): Router {
  const r = Router();
  const me = (u: User) => userView(u, deps.identity, deps.pluginIds);
  const user = (req: express.Request): User => req.user as User;

  // Login, logout and password change: account-routes.ts, mounted before this router.
  r.use(deps.requireUser);

  r.get('/me', (req, res) => {
    res.json(me(user(req)));
  });

  r.get('/me/settings', async (req, res) => {
    res.json(await deps.settings.get(user(req).id));
  });
  r.patch('/me/settings', async (req, res) => {
    res.json(await deps.settings.update(user(req).id, req.body));
  });

  r.post('/shares', async (req, res) => {
    const share = await deps.outgoing.create(user(req), (req.body ?? {}) as never);
    res.status(share.state === 'sending' ? 202 : 201).json(share);
  });
  deps.hot?.add('POST', '/api/v1/shares', 1024 * 1024, async (req, res) => {
    await new Promise<void>((resolve, reject) =>
      deps.requireUser(req, res as express.Response, (err?: unknown) => (err ? reject(err) : resolve())),
    );
    const share = await deps.outgoing.create(user(req), (req.body ?? {}) as never);
    return { status: share.state === 'sending' ? 202 : 201, body: share };
  });
  r.get('/shares/outgoing', async (req, res) => {
    res.json(await deps.outgoing.list(user(req).id));
  });
  r.patch('/shares/outgoing/:id', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    res.json(await deps.permissions.changeOutgoing(user(req).id, req.params.id as string, body.permissions));
  });
  r.post('/shares/outgoing/clear', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    res.json({ cleared: await deps.outgoing.clear(user(req).id, body.ids) });
  });
  r.delete('/shares/outgoing/:id', async (req, res) => {
    res.json(await deps.outgoing.unshare(user(req).id, req.params.id as string));
  });
  r.get('/shares/incoming', async (req, res) => {
    const all = req.query.all === '1';
    const list = await deps.store.listIncoming(user(req).id);
    res.json(list.filter((s) => all || s.state === 'pending' || s.state === 'accepted').map(incomingView));
  });
  r.get('/shares/incoming/:id', async (req, res) => {
    const s = await deps.store.getIncoming(req.params.id as string);
    if (!s || s.recipientId !== user(req).id) throw new NotFoundError('no such share', 'SHARE_NOT_FOUND');
    res.json(incomingView(s));
  });
  r.post('/shares/incoming/:id/accept', async (req, res) => {
    res.json(incomingView(await deps.incoming.accept(user(req).id, req.params.id as string)));
  });
  r.post('/shares/incoming/:id/decline', async (req, res) => {
    res.json(incomingView(await deps.incoming.decline(user(req).id, req.params.id as string)));
  });
  r.delete('/shares/incoming/:id', async (req, res) => {
    res.json(incomingView(await deps.incoming.leave(user(req).id, req.params.id as string)));
  });

  r.post('/invites', async (req, res) => {
    res.status(201).json(await deps.invites.create(user(req)));
  });
  r.get('/invites', async (req, res) => {
    res.json(await deps.invites.list(user(req).id));
  });
  r.delete('/invites/:id', async (req, res) => {
    await deps.invites.revoke(user(req).id, req.params.id as string);
    res.status(204).end();
  });
  r.post('/invites/accept', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    res.status(201).json(await deps.invites.accept(user(req), str(body, 'inviteString')));
  });
  r.get('/contacts', async (req, res) => {
    res.json(await deps.contacts.list(user(req).id));
  });
  r.post('/contacts', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const addr = parseAddress(str(body, 'address').trim(), 'address');
    if (addr.host === deps.identity.host)
      throw new InputError('that is a user of this server', [{ name: 'address', message: 'LOCAL_USER' }]);
    const displayName =
      typeof body.displayName === 'string' && body.displayName.trim() ? body.displayName.trim() : null;
    const { contact } = await deps.contacts.upsert({
      userId: user(req).id,
      address: formatAddress(addr.id, addr.host),
      host: addr.host,
      displayName,
      email: null,
      source: 'manual',
    });
    deps.events.emit('contact:changed', { userId: contact.userId });
    res.status(201).json(contact);
  });
  // People search across the user's contacts and every registered provider (address books …), for share dialogs.
  r.get('/people', async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q : '';
    const raw = typeof req.query.limit === 'string' ? Number(req.query.limit) : 20;
    const limit = Number.isInteger(raw) && raw > 0 ? Math.min(raw, 50) : 20;
    res.json(await deps.people.search(user(req).id, q, limit));
  });
  r.delete('/contacts/:id', async (req, res) => {
    if (!(await deps.contacts.remove(user(req).id, req.params.id as string)))
      throw new NotFoundError('no such contact', 'CONTACT_NOT_FOUND');
    deps.events.emit('contact:changed', { userId: user(req).id });
    res.status(204).end();
  });
  return r;
}
