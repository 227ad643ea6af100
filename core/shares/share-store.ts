import type { Kysely } from 'kysely';
import { PreparedQuery } from '../storage/prepared-query.ts';
import { GroupCommit } from './group-commit.ts';
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

// The statements every share runs (storage/prepared-query.ts: built and compiled once, not per call).
const INSERT_OUTGOING = new PreparedQuery(19, (db, ...v) =>
  db.insertInto('shares_out').values({
    id: v[0],
    provider_id: v[1],
    owner_id: v[2],
    sender_id: v[3],
    resource_type: v[4],
    resource_id: v[5],
    share_with: v[6],
    share_with_host: v[7],
    share_type: v[8],
    name: v[9],
    permissions: v[10],
    secret_hash: v[11],
    strict: v[12],
    state: v[13],
    recipient_display_name: v[14],
    last_error: v[15],
    expiration: v[16],
    created_at: v[17],
    updated_at: v[18],
  }),
);
// UPDATE … RETURNING on both engines: one statement, not an update and a select.
const SET_OUTGOING_DELIVERED = new PreparedQuery<any>(6, (db, state, updatedAt, displayName, lastError, id, from) =>
  db
    .updateTable('shares_out')
    .set({ state, updated_at: updatedAt, recipient_display_name: displayName, last_error: lastError })
    .where('id', '=', id)
    .where('state', '=', from)
    .returningAll(),
);
const INSERT_INCOMING = new PreparedQuery(19, (db, ...v) =>
  db
    .insertInto('shares_in')
    .values({
      id: v[0],
      sender_host: v[1],
      provider_id: v[2],
      share_key: v[3],
      recipient_id: v[4],
      resource_type: v[5],
      share_type: v[6],
      name: v[7],
      description: v[8],
      owner: v[9],
      sender: v[10],
      owner_display_name: v[11],
      sender_display_name: v[12],
      protocol: v[13],
      permissions: v[14],
      state: v[15],
      expiration: v[16],
      created_at: v[17],
      updated_at: v[18],
    })
    .onConflict((oc) => oc.columns(['sender_host', 'share_key']).doNothing()),
);
const FIND_INCOMING_BY_KEY = new PreparedQuery<any>(2, (db, senderHost, shareKey) =>
  db.selectFrom('shares_in').selectAll().where('sender_host', '=', senderHost).where('share_key', '=', shareKey),
);

/** Row-level persistence of outgoing and incoming shares. */
export class ShareStore {
  readonly #db: Kysely<any>;
  /** Concurrent shares (sent and received) write their rows in shared transactions (group-commit.ts). */
  readonly commits: GroupCommit;
  constructor(db: Kysely<any>) {
    this.#db = db;
    this.commits = new GroupCommit(db);
  }

  /** Stores a new outgoing share; `db` may be a transaction the caller also writes other rows in. */
  async insertOutgoing(s: OutgoingShare, secretHash: string, db: Kysely<any> = this.#db): Promise<void> {
    await INSERT_OUTGOING.execute(db, [
      s.id,
      s.providerId,
      s.ownerId,
      s.senderId,
      s.resourceType,
      s.resourceId,
      s.shareWith,
      s.shareWithHost,
      s.shareType,
      s.name,
      JSON.stringify(s.permissions),
      secretHash,
      s.strict ? 1 : 0,
      s.state,
      s.recipientDisplayName,
      s.lastError,
      s.expiration,
      s.createdAt,
      s.updatedAt,
    ]);
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

  /**
   * Moves an outgoing share to a new state; `from` restricts which states may change (a guard against races); `at`
   * is the time to record (default now).
   */
  async setOutgoingState(
    id: string,
    state: OutgoingShareState,
    extra: { recipientDisplayName?: string | null; lastError?: string | null; at?: number } = {},
    from?: OutgoingShareState[],
    db: Kysely<any> = this.#db,
  ): Promise<OutgoingShare | null> {
    // The shape every delivered share takes (both extras, from one state) is prepared once.
    if (extra.recipientDisplayName !== undefined && extra.lastError !== undefined && from?.length === 1) {
      const res = await SET_OUTGOING_DELIVERED.execute(db, [
        state,
        extra.at ?? Date.now(),
        extra.recipientDisplayName,
        extra.lastError,
        id,
        from[0],
      ]);
      const row = res.rows[0];
      return row ? toOutgoing(row) : null;
    }
    let q = db
      .updateTable('shares_out')
      .set({
        state,
        updated_at: extra.at ?? Date.now(),
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
  async insertIncoming(
    s: IncomingShare,
    shareKey: string,
    db: Kysely<any> = this.#db,
  ): Promise<{ share: IncomingShare; created: boolean }> {
    const res = await INSERT_INCOMING.execute(db, [
      s.id,
      s.senderHost,
      s.providerId,
      shareKey,
      s.recipientId,
      s.resourceType,
      s.shareType,
      s.name,
      s.description,
      s.owner,
      s.sender,
      s.ownerDisplayName,
      s.senderDisplayName,
      JSON.stringify(s.protocol),
      JSON.stringify(s.permissions),
      s.state,
      s.expiration,
      s.createdAt,
      s.updatedAt,
    ]);
    const created = Number(res.numAffectedRows ?? 0) > 0;
    if (created) return { share: s, created };
    const stored = await this.findIncomingByKey(s.senderHost, shareKey, db);
    return { share: stored ?? s, created };
  }

  /** The incoming share a sender sent under a share key (a retry of the same share finds it). */
  async findIncomingByKey(
    senderHost: string,
    shareKey: string,
    db: Kysely<any> = this.#db,
  ): Promise<IncomingShare | null> {
    const r = (await FIND_INCOMING_BY_KEY.execute(db, [senderHost, shareKey])).rows[0];
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
