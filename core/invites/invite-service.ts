import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ConflictError, InputError, MeshworkError, NotAllowedError, NotFoundError } from '../errors.ts';
import type { AccountService, User } from '../accounts/account-service.ts';
import { formatAddress, sameHost } from '../addresses.ts';
import type { Contact, EngineEventBus } from '../events.ts';
import type { SignedClient } from '../federation/signed-client.ts';
import type { ServerIdentity } from '../plugin/plugin-types.ts';
import type { ContactStore } from './contact-store.ts';
import { decodeInviteString, encodeInviteString } from './invite-string.ts';
import type { CreatedInvite, InviteLookup, OutstandingInvite } from './invite-types.ts';
import { describePeerError } from '../shares/outgoing-share-service.ts';

const INVITE_TTL_MS = 30 * 86_400_000;

/** An AcceptedInvite body after schema validation. */
export interface AcceptedInviteBody {
  recipientProvider: string;
  token: string;
  userID: string;
  email: string;
  name: string;
}

export type { CreatedInvite, InviteLookup, OutstandingInvite };

/**
 * The id under which the inviter sees and revokes an invite: derived from the token (no schema change), so the token
 * itself never travels in a URL path that a log could keep.
 */
function inviteId(token: string): string {
  return createHash('sha256').update(`meshwork-invite:${token}`).digest('base64url').slice(0, 22);
}

/** Turns a peer's `userID` into an address: some peers send a full address, most a bare id. */
function contactAddress(userID: string, host: string): string {
  const at = userID.lastIndexOf('@');
  if (at > 0 && sameHost(userID.slice(at + 1), host)) return userID;
  return formatAddress(userID, host);
}

/** The OCM invite flow, both as Invite Sender and Invite Receiver. */
export class InviteService {
  constructor(
    private readonly deps: {
      db: Kysely<any>;
      contacts: ContactStore;
      accounts: AccountService;
      client: SignedClient;
      identity: ServerIdentity;
      events: EngineEventBus;
    },
  ) {}

  /** Creates an invite for a local user. */
  async create(user: User): Promise<CreatedInvite> {
    const token = randomUUID();
    const now = Date.now();
    await this.deps.db
      .insertInto('invites')
      .values({ token, user_id: user.id, created_at: now, expires_at: now + INVITE_TTL_MS, accepted_by: null })
      .execute();
    return { ...this.#view({ token, created_at: now, expires_at: now + INVITE_TTL_MS }), token };
  }

  /** The user's invites that nobody accepted yet and that have not expired, newest first. */
  async list(userId: string): Promise<OutstandingInvite[]> {
    const rows = await this.deps.db
      .selectFrom('invites')
      .select(['token', 'created_at', 'expires_at'])
      .where('user_id', '=', userId)
      .where('accepted_by', 'is', null)
      .where('expires_at', '>', Date.now())
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => this.#view(r));
  }

  /** Revokes one of the user's unused invites: its link and string stop working at once. */
  async revoke(userId: string, id: string): Promise<void> {
    const rows = await this.deps.db
      .selectFrom('invites')
      .select(['token'])
      .where('user_id', '=', userId)
      .where('accepted_by', 'is', null)
      .execute();
    const row = rows.find((r) => inviteId(r.token) === id);
    if (!row) throw new NotFoundError('no such invite, or it was already used', 'INVITE_NOT_FOUND');
    await this.deps.db.deleteFrom('invites').where('token', '=', row.token).where('accepted_by', 'is', null).execute();
    this.deps.events.emit('invite:removed', { userId, inviteId: id });
  }

  /** What the invite landing page may tell whoever holds the token: who invited them, and if it still works. */
  async lookup(token: string): Promise<InviteLookup> {
    const row = await this.deps.db.selectFrom('invites').selectAll().where('token', '=', token).executeTakeFirst();
    if (!row) return { state: 'unknown', inviter: null };
    const inviter = await this.deps.accounts.getUser(row.user_id).catch(() => null);
    const who = inviter
      ? { displayName: inviter.displayName, address: formatAddress(inviter.id, this.deps.identity.host) }
      : null;
    if (row.accepted_by) return { state: 'used', inviter: who };
    if (Number(row.expires_at) < Date.now()) return { state: 'expired', inviter: who };
    return { state: 'open', inviter: who };
  }

  #view(r: { token: string; created_at: unknown; expires_at: unknown }): OutstandingInvite {
    const { host, origin } = this.deps.identity;
    return {
      id: inviteId(r.token),
      inviteString: encodeInviteString(r.token, host),
      inviteLink: `${origin}/wayf?token=${encodeURIComponent(r.token)}`,
      createdAt: Number(r.created_at),
      expiresAt: Number(r.expires_at),
    };
  }

  /** A local user accepts an invite from another server: tell the inviter's server, store the contact. */
  async accept(user: User, inviteString: string): Promise<Contact> {
    if (typeof inviteString !== 'string' || !inviteString.trim())
      throw new InputError('inviteString is required', [{ name: 'inviteString', message: 'REQUIRED' }]);
    const { token, providerHost } = decodeInviteString(inviteString);
    if (sameHost(providerHost, this.deps.identity.host))
      throw new InputError(
        'this invite comes from your own server',
        [{ name: 'inviteString', message: 'LOCAL_INVITE' }],
        'LOCAL_INVITE',
      );
    const res = await this.deps.client.post(providerHost, '/invite-accepted', {
      recipientProvider: this.deps.identity.host,
      token,
      userID: user.id,
      email: user.email ?? '',
      name: user.displayName,
    });
    if (res.status === 409)
      throw new ConflictError(
        'this invite was already accepted: ask the person who sent it for a new one',
        'INVITE_ALREADY_ACCEPTED',
      );
    if (res.status === 403) throw new NotAllowedError(`${providerHost} does not trust this server`, 'INVITE_REFUSED');
    // OCM: 400 from /invite-accepted means the token is unknown or expired (revoked invites are deleted).
    if (res.status === 400)
      throw new InputError(
        `${providerHost} says this invite no longer works: it was revoked or it expired. Ask the person who sent it for a new one`,
        [{ name: 'inviteString', message: 'INVALID' }],
        'INVITE_INVALID',
      );
    if (res.status !== 200)
      throw new InputError(
        `${providerHost} refused the invite: ${describePeerError(res.body, res.status)}`,
        [{ name: 'inviteString', message: 'INVALID' }],
        'INVITE_INVALID',
      );
    const b = (res.body ?? {}) as Partial<AcceptedInviteBody>;
    if (typeof b.userID !== 'string' || !b.userID)
      throw new MeshworkError('PEER_BAD_RESPONSE', `${providerHost} answered without a userID`);
    const { contact, created } = await this.deps.contacts.upsert({
      userId: user.id,
      address: contactAddress(b.userID, providerHost),
      host: providerHost,
      displayName: typeof b.name === 'string' ? b.name : null,
      email: typeof b.email === 'string' && b.email ? b.email : null,
      source: 'invite',
    });
    if (created) this.deps.events.emit('contact:added', { contact });
    this.deps.events.emit('contact:changed', { userId: contact.userId });
    return contact;
  }

  /** Another server tells us one of its users accepted our user's invite (`peerHost` is bound to the signature). */
  async accepted(body: AcceptedInviteBody, peerHost: string): Promise<{ userID: string; email: string; name: string }> {
    const row = await this.deps.db.selectFrom('invites').selectAll().where('token', '=', body.token).executeTakeFirst();
    if (!row || row.expires_at < Date.now())
      throw new InputError('invalid or expired invite token', [{ name: 'token', message: 'INVALID' }], 'INVALID_TOKEN');
    const address = contactAddress(body.userID, peerHost);
    if (row.accepted_by) throw new ConflictError('invite already accepted', 'INVITE_ALREADY_ACCEPTED');
    const res = await this.deps.db
      .updateTable('invites')
      .set({ accepted_by: address })
      .where('token', '=', body.token)
      .where('accepted_by', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new ConflictError('invite already accepted', 'INVITE_ALREADY_ACCEPTED');
    this.deps.events.emit('invite:removed', { userId: row.user_id, inviteId: inviteId(body.token) });
    const inviter = await this.deps.accounts.getUser(row.user_id);
    const { contact, created } = await this.deps.contacts.upsert({
      userId: inviter.id,
      address,
      host: peerHost,
      displayName: body.name || null,
      email: body.email || null,
      source: 'invite',
    });
    if (created) this.deps.events.emit('contact:added', { contact });
    this.deps.events.emit('contact:changed', { userId: contact.userId });
    return { userID: inviter.id, email: inviter.email ?? '', name: inviter.displayName };
  }
}
