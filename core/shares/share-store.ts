import type { Kysely } from 'kysely';
import type { IncomingShare, IncomingShareState, OutgoingShare, OutgoingShareState } from './share-types.ts';

function parseList(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function toOutgoing(r: any): OutgoingShare {
  return {
    id: r.id,
    providerId: r.provider_id,
    ownerId: r.owner_id,
    senderId: r.sender_id,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    shareWith: r.share_with,
    shareWithHost: r.share_with_host,
    shareType: r.share_type,
    name: r.name,
    permissions: parseList(r.permissions),
    strict: Number(r.strict) === 1,
    state: r.state,
    recipientDisplayName: r.recipient_display_name ?? null,
    lastError: r.last_error ?? null,
    expiration: r.expiration ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toIncoming(r: any): IncomingShare {
  return {
    id: r.id,
    senderHost: r.sender_host,
    providerId: r.provider_id,
    recipientId: r.recipient_id,
    resourceType: r.resource_type,
    shareType: r.share_type,
    name: r.name,
    description: r.description ?? null,
    owner: r.owner,
    sender: r.sender,
    ownerDisplayName: r.owner_display_name ?? null,
    senderDisplayName: r.sender_display_name ?? null,
    protocol: JSON.parse(r.protocol),
    permissions: parseList(r.permissions),
    state: r.state,
    expiration: r.expiration ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Row-level persistence of outgoing and incoming shares. */
export class ShareStore {
  readonly #db: Kysely<any>;
  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  /** Stores a new outgoing share; `db` may be a transaction the caller also writes other rows in. */
  async insertOutgoing(s: OutgoingShare, secretHash: string, db: Kysely<any> = this.#db): Promise<void> {
    await db
      .insertInto('shares_out')
      .values({
        id: s.id,
        provider_id: s.providerId,
        owner_id: s.ownerId,
        sender_id: s.senderId,
        resource_type: s.resourceType,
        resource_id: s.resourceId,
        share_with: s.shareWith,
        share_with_host: s.shareWithHost,
        share_type: s.shareType,
        name: s.name,
        permissions: JSON.stringify(s.permissions),
        secret_hash: secretHash,
        strict: s.strict ? 1 : 0,
        state: s.state,
        recipient_display_name: s.recipientDisplayName,
        last_error: s.lastError,
        expiration: s.expiration,
        created_at: s.createdAt,
        updated_at: s.updatedAt,
      })
      .execute();
  }

  /** Removes an outgoing share that never reached its receiver (refused, or dismissed after failing). */
  async deleteOutgoing(id: string): Promise<void> {
    await this.#db.deleteFrom('shares_out').where('id', '=', id).execute();
  }

  /** True when shares went either way between this server and `host` before (it existed then). */
  async knowsPeer(host: string): Promise<boolean> {
    const h = host.toLowerCase();
    const sent = await this.#db
      .selectFrom('shares_out')
      .select('id')
      .where('share_with_host', '=', h)
      .where('state', 'in', ['pending', 'accepted', 'declined', 'unshared'])
      .limit(1)
      .executeTakeFirst();
    if (sent) return true;
    const got = await this.#db
      .selectFrom('shares_in')
      .select('id')
      .where('sender_host', '=', h)
      .limit(1)
      .executeTakeFirst();
    if (got) return true;
    const contact = await this.#db
      .selectFrom('contacts')
      .select('id')
      .where('host', '=', h)
      .limit(1)
      .executeTakeFirst();
    return contact !== undefined;
  }

  async getOutgoing(id: string): Promise<OutgoingShare | null> {
    const r = await this.#db.selectFrom('shares_out').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toOutgoing(r) : null;
  }

  async findOutgoingByProviderId(providerId: string): Promise<OutgoingShare | null> {
    const r = await this.#db
      .selectFrom('shares_out')
      .selectAll()
      .where('provider_id', '=', providerId)
      .executeTakeFirst();
    return r ? toOutgoing(r) : null;
  }

  async findOutgoingBySecretHash(hash: string): Promise<OutgoingShare | null> {
    const r = await this.#db.selectFrom('shares_out').selectAll().where('secret_hash', '=', hash).executeTakeFirst();
    return r ? toOutgoing(r) : null;
  }

  async listOutgoing(ownerId: string): Promise<OutgoingShare[]> {
    const rows = await this.#db
      .selectFrom('shares_out')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toOutgoing);
  }

  async listOutgoingForResource(resourceType: string, resourceId: string): Promise<OutgoingShare[]> {
    const rows = await this.#db
      .selectFrom('shares_out')
      .selectAll()
      .where('resource_type', '=', resourceType)
      .where('resource_id', '=', resourceId)
      .execute();
    return rows.map(toOutgoing);
  }

  /** Moves an outgoing share to a new state; `from` restricts which states may change (a guard against races). */
  async setOutgoingState(
    id: string,
    state: OutgoingShareState,
    extra: { recipientDisplayName?: string | null; lastError?: string | null } = {},
    from?: OutgoingShareState[],
    db: Kysely<any> = this.#db,
  ): Promise<OutgoingShare | null> {
    let q = db
      .updateTable('shares_out')
      .set({
        state,
        updated_at: Date.now(),
        ...(extra.recipientDisplayName !== undefined ? { recipient_display_name: extra.recipientDisplayName } : {}),
        ...(extra.lastError !== undefined ? { last_error: extra.lastError } : {}),
      })
      .where('id', '=', id);
    if (from) q = q.where('state', 'in', from);
    // One statement on both engines (UPDATE … RETURNING), not an update and a select.
    const r = await q.returningAll().executeTakeFirst();
    return r ? toOutgoing(r) : null;
  }

  /** Changes an outgoing share's permissions while it is in one of the `from` states; null when it is not. */
  async setOutgoingPermissions(
    id: string,
    permissions: string[],
    from: OutgoingShareState[],
  ): Promise<OutgoingShare | null> {
    const res = await this.#db
      .updateTable('shares_out')
      .set({ permissions: JSON.stringify(permissions), updated_at: Date.now() })
      .where('id', '=', id)
      .where('state', 'in', from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 0 ? null : this.getOutgoing(id);
  }

  /**
   * Inserts an incoming share unless one with the same (sender host, share key) exists (see
   * storage/incoming-share-key.ts); returns the stored row and whether it is new.
   */
  async insertIncoming(s: IncomingShare, shareKey: string): Promise<{ share: IncomingShare; created: boolean }> {
    const res = await this.#db
      .insertInto('shares_in')
      .values({
        id: s.id,
        sender_host: s.senderHost,
        provider_id: s.providerId,
        share_key: shareKey,
        recipient_id: s.recipientId,
        resource_type: s.resourceType,
        share_type: s.shareType,
        name: s.name,
        description: s.description,
        owner: s.owner,
        sender: s.sender,
        owner_display_name: s.ownerDisplayName,
        sender_display_name: s.senderDisplayName,
        protocol: JSON.stringify(s.protocol),
        permissions: JSON.stringify(s.permissions),
        state: s.state,
        expiration: s.expiration,
        created_at: s.createdAt,
        updated_at: s.updatedAt,
      })
      .onConflict((oc) => oc.columns(['sender_host', 'share_key']).doNothing())
      .executeTakeFirst();
    const created = Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    if (created) return { share: s, created };
    const stored = await this.findIncomingByKey(s.senderHost, shareKey);
    return { share: stored ?? s, created };
  }

  /** The incoming share a sender sent under a share key (a retry of the same share finds it). */
  async findIncomingByKey(senderHost: string, shareKey: string): Promise<IncomingShare | null> {
    const r = await this.#db
      .selectFrom('shares_in')
      .selectAll()
      .where('sender_host', '=', senderHost)
      .where('share_key', '=', shareKey)
      .executeTakeFirst();
    return r ? toIncoming(r) : null;
  }

  /** Every incoming share a sender sent with this providerId (one for OCM-conformant peers; several for some). */
  async listIncomingFrom(senderHost: string, providerId: string): Promise<IncomingShare[]> {
    const rows = await this.#db
      .selectFrom('shares_in')
      .selectAll()
      .where('sender_host', '=', senderHost)
      .where('provider_id', '=', providerId)
      .orderBy('created_at')
      .execute();
    return rows.map(toIncoming);
  }

  async findIncomingByProviderId(providerId: string): Promise<IncomingShare[]> {
    const rows = await this.#db.selectFrom('shares_in').selectAll().where('provider_id', '=', providerId).execute();
    return rows.map(toIncoming);
  }

  async getIncoming(id: string): Promise<IncomingShare | null> {
    const r = await this.#db.selectFrom('shares_in').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toIncoming(r) : null;
  }

  async listIncoming(recipientId: string, resourceType?: string): Promise<IncomingShare[]> {
    let q = this.#db.selectFrom('shares_in').selectAll().where('recipient_id', '=', recipientId);
    if (resourceType) q = q.where('resource_type', '=', resourceType);
    const rows = await q.orderBy('created_at', 'desc').execute();
    return rows.map(toIncoming);
  }

  /** Changes an incoming share's permissions (and its protocol object's) while it is in a `from` state. */
  async setIncomingPermissions(
    id: string,
    permissions: string[],
    protocol: IncomingShare['protocol'],
    from: IncomingShareState[],
  ): Promise<IncomingShare | null> {
    const res = await this.#db
      .updateTable('shares_in')
      .set({ permissions: JSON.stringify(permissions), protocol: JSON.stringify(protocol), updated_at: Date.now() })
      .where('id', '=', id)
      .where('state', 'in', from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 0 ? null : this.getIncoming(id);
  }

  async setIncomingState(
    id: string,
    state: IncomingShareState,
    from?: IncomingShareState[],
  ): Promise<IncomingShare | null> {
    let q = this.#db.updateTable('shares_in').set({ state, updated_at: Date.now() }).where('id', '=', id);
    if (from) q = q.where('state', 'in', from);
    const res = await q.executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return null;
    return this.getIncoming(id);
  }
}
