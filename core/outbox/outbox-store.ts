/**
 * The outbox's rows. Several app nodes may share one database, so a node sends a message only after it
 * claimed it: one conditional UPDATE that succeeds for one node only (no other node holds an unexpired
 * lease on it). A node that dies (kill -9) leaves its claims behind; they lapse when their lease ends and
 * another node takes the messages over. The same statement works on SQLite (one node) and PostgreSQL.
 */
import type { Kysely } from 'kysely';
import type { OutboxMessage } from '../plugin/plugin-types.ts';
import type { SchemaMigration } from '../storage/migrations.ts';
import { PreparedQuery } from '../storage/prepared-query.ts';

/** A queued message as stored. */
export interface StoredOutboxMessage extends OutboxMessage {
  id: number;
  attempts: number;
  createdAt: number;
}

/** A queued row as the scheduler sees it. */
export interface OutboxRow {
  id: number;
  ref: string | null;
  nextAttemptAt: number;
  /** Another node holds it until this time (0: free). */
  leasedUntil: number;
  claimedBy: string | null;
}

/** Adds the claim columns (which node holds a message, until when). */
export const outboxLeaseMigration: SchemaMigration = {
  name: '0007-outbox-lease',
  async up({ db }) {
    await db.schema.alterTable('outbox').addColumn('claimed_by', 'text').execute();
    await db.schema.alterTable('outbox').addColumn('lease_until', 'bigint').execute();
  },
};

// Every share to another server stores a held copy and drops it once delivered (storage/prepared-query.ts).
const INSERT = new PreparedQuery<{ id: number | string }>(7, (db, destination, kind, path, body, ref, dueAt, now) =>
  db
    .insertInto('outbox')
    .values({
      destination,
      kind,
      path,
      body,
      ref,
      attempts: 0,
      next_attempt_at: dueAt,
      created_at: now,
      state: 'queued',
    })
    .returning('id'),
);
const REMOVE_QUEUED = new PreparedQuery(1, (db, id) =>
  db.deleteFrom('outbox').where('id', '=', id).where('state', '=', 'queued'),
);
// Every message (a chat stream sends tens a second to each peer) runs these: compiled once, not on each call.
const COALESCABLE = new PreparedQuery<{ id: number | string }>(4, (db, destination, kind, ref, now) =>
  db
    .selectFrom('outbox')
    .select('id')
    .where('destination', '=', destination)
    .where('kind', '=', kind)
    .where('ref', '=', ref)
    .where('state', '=', 'queued')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)])),
);
const QUEUED = new PreparedQuery<Record<string, any>>(2, (db, destination, limit) =>
  db
    .selectFrom('outbox')
    .select(['id', 'ref', 'next_attempt_at', 'lease_until', 'claimed_by'])
    .where('destination', '=', destination)
    .where('state', '=', 'queued')
    .orderBy('id')
    .limit(limit as unknown as number),
);
// The claimed row comes back from the UPDATE itself (RETURNING, SQLite 3.35+ and PostgreSQL): no second read.
const CLAIM = new PreparedQuery<Record<string, any>>(4, (db, id, node, now, leaseUntil) =>
  db
    .updateTable('outbox')
    .set({ claimed_by: node, lease_until: leaseUntil })
    .where('id', '=', id)
    .where('state', '=', 'queued')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('claimed_by', '=', node)]))
    .returningAll(),
);
// Every kick of the outbox scans for due destinations (a coalesced chat push kicks it too).
const DUE = new PreparedQuery<{ destination: string }>(1, (db, now) =>
  db
    .selectFrom('outbox')
    .select('destination')
    .distinct()
    .where('state', '=', 'queued')
    .where('next_attempt_at', '<=', now),
);
const REMOVE = new PreparedQuery(1, (db, id) => db.deleteFrom('outbox').where('id', '=', id));

/** Row-level persistence of outbox messages and their claims. */
export class OutboxStore {
  readonly #db: Kysely<any>;
  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  /** A waiting, unclaimed message of (destination, kind, ref) that a new one may be coalesced into. */
  async findCoalescable(destination: string, kind: string, ref: string, now: number): Promise<number | null> {
    const row = await COALESCABLE.first(this.#db, [destination, kind, ref, now]);
    return row ? Number(row.id) : null;
  }

  /** Stores a message due at `dueAt` (default now); `db` lets a caller store it inside its own transaction. */
  async insert(msg: OutboxMessage, now: number, opts: { dueAt?: number; db?: Kysely<any> } = {}): Promise<number> {
    const res = await INSERT.execute(opts.db ?? this.#db, [
      msg.destination.toLowerCase(),
      msg.kind,
      `${msg.base === 'origin' ? 'origin:' : 'ocm:'}${msg.path}`,
      JSON.stringify(msg.body),
      msg.ref ?? null,
      opts.dueAt ?? now,
      now,
    ]);
    const row = res.rows[0];
    if (!row) throw new Error('outbox insert returned no id');
    return Number(row.id);
  }

  /** Destinations with a message due now. */
  async dueDestinations(now: number): Promise<string[]> {
    const { rows } = await DUE.execute(this.#db, [now]);
    return rows.map((r) => String(r.destination));
  }

  /** The first queued messages of a destination, oldest first (heads of each ref decide for the ref). */
  async queued(destination: string, limit: number): Promise<OutboxRow[]> {
    const { rows } = await QUEUED.execute(this.#db, [destination, limit]);
    return rows.map((r) => ({
      id: Number(r.id),
      ref: r.ref ?? null,
      nextAttemptAt: Number(r.next_attempt_at),
      leasedUntil: Number(r.lease_until ?? 0),
      claimedBy: r.claimed_by ?? null,
    }));
  }

  /** Claims a message for `node` until `now + leaseMs`; the whole message when won, null when another node has it. */
  async claim(id: number, node: string, now: number, leaseMs: number): Promise<StoredOutboxMessage | null> {
    const row = await CLAIM.first(this.#db, [id, node, now, now + leaseMs]);
    if (!row || row.claimed_by !== node) return null;
    const [base, ...rest] = String(row.path).split(':');
    return {
      id: Number(row.id),
      destination: row.destination,
      kind: row.kind,
      path: rest.join(':'),
      base: base === 'origin' ? 'origin' : 'endPoint',
      body: JSON.parse(row.body),
      ...(row.ref !== null && row.ref !== undefined ? { ref: row.ref } : {}),
      attempts: Number(row.attempts),
      createdAt: Number(row.created_at),
    };
  }

  /** A held message its caller delivered itself (or that was refused for good) goes, unless already sent. */
  async removeQueued(id: number, db: Kysely<any> = this.#db): Promise<void> {
    await REMOVE_QUEUED.execute(db, [id]);
  }

  /** A held message whose caller's attempt failed for now: retried from `nextAttemptAt`; its destination. */
  async releaseHeld(id: number, nextAttemptAt: number, error: string): Promise<string | null> {
    const row = await this.#db
      .updateTable('outbox')
      .set({ attempts: 1, next_attempt_at: nextAttemptAt, last_error: error.slice(0, 500) })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .returning('destination')
      .executeTakeFirst();
    return row ? String(row.destination) : null;
  }

  /** Delivered (or dropped by its builder): the row goes. */
  async remove(id: number): Promise<void> {
    await REMOVE.execute(this.#db, [id]);
  }

  /** Given up or rejected: kept as dead with the reason, for the admin. */
  async markDead(id: number, error: string): Promise<void> {
    await this.#db
      .updateTable('outbox')
      .set({ state: 'dead', last_error: error, claimed_by: null, lease_until: null })
      .where('id', '=', id)
      .execute();
  }

  /** A transient failure: try again at `nextAttemptAt`, by whichever node gets there first. */
  async retryAt(id: number, attempts: number, nextAttemptAt: number, error: string): Promise<void> {
    await this.#db
      .updateTable('outbox')
      .set({
        attempts,
        next_attempt_at: nextAttemptAt,
        last_error: error.slice(0, 500),
        claimed_by: null,
        lease_until: null,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Makes a destination's queued messages due now. */
  async dueNow(destination: string, now: number): Promise<void> {
    await this.#db
      .updateTable('outbox')
      .set({ next_attempt_at: now })
      .where('destination', '=', destination)
      .where('state', '=', 'queued')
      .execute();
  }

  async pending(destination?: string): Promise<number> {
    let q = this.#db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('state', '=', 'queued');
    if (destination) q = q.where('destination', '=', destination.toLowerCase());
    const row = await q.executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
