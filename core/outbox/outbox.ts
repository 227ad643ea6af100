// Over 400 lines on purpose: the queue, its delivery loop and caller-made first attempts share private state
// (per-peer back-off, in-flight set, waiters), which splitting would have to expose.
import type { Kysely } from 'kysely';
import { MeshworkError, PeerError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { OutboxBodyBuilder, OutboxMessage } from '../plugin/plugin-types.ts';

/** What delivering one message produced. */
export type DeliveryResult =
  | { outcome: 'delivered'; status: number; body: unknown }
  | { outcome: 'rejected'; status: number; body: unknown }
  | { outcome: 'dead'; error: string };

/** Sends one stored message; throws for a transient failure (network, 5xx) so it is retried. */
export type OutboxSender = (msg: StoredOutboxMessage) => Promise<{ status: number; body: unknown }>;

/** A queued message as stored. */
export interface StoredOutboxMessage extends OutboxMessage {
  id: number;
  attempts: number;
  createdAt: number;
}

/** Called after a message reaches a final outcome; used to update share state, etc. */
export type OutboxListener = (msg: StoredOutboxMessage, result: DeliveryResult) => Promise<void> | void;

/** Retry schedule and polling settings. */
export interface OutboxOptions {
  retryBaseMs: number;
  retryMaxMs: number;
  giveUpMs: number;
  pollMs?: number;
}

// Different refs in flight at once to one peer.
const WINDOW = 8;
// Statuses that mean "try again later" even though they are 4xx.
const TRANSIENT_4XX = new Set([408, 409, 425, 429]);

/**
 * A durable, per-destination FIFO of server-to-server messages. At most one message per peer is in
 * flight, so a peer sees them in order; failures back off exponentially and survive restarts.
 * Receivers deduplicate, so at-least-once delivery is enough. A dead peer never blocks a caller:
 * enqueue only writes a row.
 */
export class Outbox {
  readonly #db: Kysely<any>;
  readonly #send: OutboxSender;
  readonly #log: Logger;
  readonly #opts: Required<OutboxOptions>;
  readonly #listeners = new Map<string, OutboxListener[]>();
  readonly #waiters = new Map<number, (r: DeliveryResult) => void>();
  // Outcomes that finished before anyone waited for them, kept briefly for a late waitFor.
  readonly #recent = new Map<number, DeliveryResult>();
  readonly #busy = new Set<string>();
  readonly #again = new Set<string>();
  readonly #inFlight = new Set<number>();
  // Peers whose head message is waiting out a back-off; only these need a reschedule when they call us.
  readonly #backingOff = new Set<string>();
  readonly #builders = new Map<string, OutboxBodyBuilder>();
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #scanning = false;
  #rescan = false;

  constructor(db: Kysely<any>, send: OutboxSender, log: Logger, opts: OutboxOptions) {
    this.#db = db;
    this.#send = send;
    this.#log = log;
    this.#opts = { pollMs: 1000, ...opts };
  }

  /** Registers a listener for final outcomes of messages of one kind. */
  onResult(kind: string, listener: OutboxListener): void {
    const list = this.#listeners.get(kind) ?? [];
    list.push(listener);
    this.#listeners.set(kind, list);
  }

  /** Registers a builder computing the body of a kind's messages at send time. */
  buildBody(kind: string, builder: OutboxBodyBuilder): void {
    this.#builders.set(kind, builder);
  }

  /** Stores a message and starts delivering it right away; returns its id (or the waiting one's, when coalesced). */
  async enqueue(msg: OutboxMessage): Promise<number> {
    const now = Date.now();
    if (msg.coalesce && msg.ref) {
      const waiting = await this.#db
        .selectFrom('outbox')
        .select('id')
        .where('destination', '=', msg.destination.toLowerCase())
        .where('kind', '=', msg.kind)
        .where('ref', '=', msg.ref)
        .where('state', '=', 'queued')
        .executeTakeFirst();
      if (waiting && !this.#inFlight.has(Number(waiting.id))) {
        this.#kick();
        return Number(waiting.id);
      }
    }
    const row = await this.#db
      .insertInto('outbox')
      .values({
        destination: msg.destination.toLowerCase(),
        kind: msg.kind,
        path: `${msg.base === 'origin' ? 'origin:' : 'ocm:'}${msg.path}`,
        body: JSON.stringify(msg.body),
        ref: msg.ref ?? null,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        state: 'queued',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Start this peer's queue right away (no scan needed); if it is busy, its drain loop picks this up.
    const dest = msg.destination.toLowerCase();
    if (this.#busy.has(dest)) this.#again.add(dest);
    else if (this.#running && !this.#backingOff.has(dest)) void this.#drain(dest);
    return Number(row.id);
  }

  // ---- First attempt made by the caller (a share created in a user's request; see core/shares).

  /**
   * Stores a message the caller will first try to deliver itself, without starting it: the outbox sends it only
   * if the caller neither `drop`s nor `release`s it within `holdMs` (the process died meanwhile). Pass the
   * caller's transaction as `db` to store it atomically with the caller's own rows.
   */
  async hold(msg: OutboxMessage, holdMs: number, db: Kysely<any> = this.#db): Promise<number> {
    const now = Date.now();
    const row = await db
      .insertInto('outbox')
      .values({
        destination: msg.destination.toLowerCase(),
        kind: msg.kind,
        path: `${msg.base === 'origin' ? 'origin:' : 'ocm:'}${msg.path}`,
        body: JSON.stringify(msg.body),
        ref: msg.ref ?? null,
        attempts: 0,
        next_attempt_at: now + holdMs,
        created_at: now,
        state: 'queued',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** The caller delivered a held message, or it was refused for good: forget it. */
  async drop(id: number): Promise<void> {
    await this.#db.deleteFrom('outbox').where('id', '=', id).where('state', '=', 'queued').execute();
  }

  /** The caller's own attempt failed for now: the message joins the normal retry schedule as after one failure. */
  async release(id: number, error: string): Promise<void> {
    const row = await this.#db
      .updateTable('outbox')
      .set({ attempts: 1, next_attempt_at: Date.now() + this.#opts.retryBaseMs, last_error: error.slice(0, 500) })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .returning('destination')
      .executeTakeFirst();
    // Like a failed delivery: the peer's queue waits for its back-off, or for the peer to call us.
    if (row) this.#backingOff.add(String(row.destination));
  }

  // ---- end of caller-made first attempts

  /** Waits up to `ms` for a message's final outcome; null if it is still pending then. */
  waitFor(id: number, ms: number): Promise<DeliveryResult | null> {
    const done = this.#recent.get(id);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#waiters.delete(id);
        resolve(null);
      }, ms);
      this.#waiters.set(id, (r) => {
        clearTimeout(t);
        resolve(r);
      });
    });
  }

  /** Makes every queued message for a peer due now (e.g. the peer just contacted us, so it is back). */
  async retryNow(destination: string): Promise<void> {
    if (!this.#backingOff.delete(destination.toLowerCase())) return;
    await this.#db
      .updateTable('outbox')
      .set({ next_attempt_at: Date.now() })
      .where('destination', '=', destination.toLowerCase())
      .where('state', '=', 'queued')
      .execute();
    this.#kick();
  }

  /** Number of messages still waiting, per destination (for tests, health and the admin). */
  async pending(destination?: string): Promise<number> {
    let q = this.#db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('state', '=', 'queued');
    if (destination) q = q.where('destination', '=', destination.toLowerCase());
    const row = await q.executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  start(): void {
    this.#running = true;
    this.#timer = setInterval(() => this.#kick(), this.#opts.pollMs);
    this.#timer.unref();
    this.#kick();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #kick(): void {
    if (!this.#running) return;
    if (this.#scanning) {
      this.#rescan = true;
      return;
    }
    this.#scanning = true;
    this.#scan()
      .catch((err) => this.#log.error({ err }, 'outbox scan failed'))
      .finally(() => {
        this.#scanning = false;
        if (this.#rescan) {
          this.#rescan = false;
          this.#kick();
        }
      });
  }

  async #scan(): Promise<void> {
    const rows = await this.#db
      .selectFrom('outbox')
      .select('destination')
      .distinct()
      .where('state', '=', 'queued')
      .where('next_attempt_at', '<=', Date.now())
      .execute();
    for (const { destination } of rows) {
      if (!this.#busy.has(destination)) void this.#drain(destination);
    }
  }

  /**
   * Delivers a peer's due messages. Messages with the same `ref` (one share, one room) go strictly in
   * order, one at a time; up to WINDOW different refs are in flight together, so one slow exchange
   * does not hold up unrelated ones. After a failure nothing new is started for this peer until
   * its back-off ends (the peer is probably down).
   */
  async #drain(destination: string): Promise<void> {
    this.#busy.add(destination);
    const running = new Set<Promise<void>>();
    const busyRefs = new Set<string>();
    // Messages this drain already handled. A select that raced with their delete (another pool
    // connection on PostgreSQL) may still return them; they must not be sent twice.
    const handled = new Set<number>();
    let failed = false;
    try {
      while (this.#running && !failed) {
        const rows = await this.#db
          .selectFrom('outbox')
          .selectAll()
          .where('destination', '=', destination)
          .where('state', '=', 'queued')
          .orderBy('id')
          .limit(100)
          .execute();
        const now = Date.now();
        const blocked = new Set(busyRefs);
        for (const row of rows) {
          if (running.size >= WINDOW) break;
          const key = row.ref ?? '';
          // The first queued message of a ref decides for the whole ref: later ones wait behind it.
          if (blocked.has(key)) continue;
          blocked.add(key);
          if (row.next_attempt_at > now || this.#inFlight.has(Number(row.id)) || handled.has(Number(row.id))) continue;
          busyRefs.add(key);
          const p: Promise<void> = this.#deliver(row)
            .then((ok) => {
              if (!ok) failed = true;
            })
            .finally(() => {
              handled.add(Number(row.id));
              busyRefs.delete(key);
              running.delete(p);
            });
          running.add(p);
        }
        if (running.size === 0) return;
        await Promise.race(running);
      }
      await Promise.all(running);
    } finally {
      this.#busy.delete(destination);
      // A message enqueued while we were finishing must not wait for the next poll.
      if (this.#again.delete(destination) && this.#running && !this.#backingOff.has(destination))
        void this.#drain(destination);
    }
  }

  async #deliver(row: any): Promise<boolean> {
    const [base, ...rest] = String(row.path).split(':');
    const msg: StoredOutboxMessage = {
      id: Number(row.id),
      destination: row.destination,
      kind: row.kind,
      path: rest.join(':'),
      base: base === 'origin' ? 'origin' : 'endPoint',
      body: JSON.parse(row.body),
      ref: row.ref ?? undefined,
      attempts: row.attempts,
      createdAt: row.created_at,
    };
    this.#inFlight.add(msg.id);
    try {
      const builder = this.#builders.get(msg.kind);
      if (builder) {
        const body = await builder({ destination: msg.destination, kind: msg.kind, ref: msg.ref, body: msg.body });
        if (body === null) {
          await this.#db.deleteFrom('outbox').where('id', '=', msg.id).execute();
          return true;
        }
        msg.body = body;
      }
      const res = await this.#send(msg);
      this.#backingOff.delete(msg.destination);
      if (res.status >= 200 && res.status < 300) {
        await this.#finish(msg, { outcome: 'delivered', status: res.status, body: res.body });
        return true;
      }
      // 501 is OCM's "this server does not support that": retrying cannot change it.
      if ((res.status >= 400 && res.status < 500 && !TRANSIENT_4XX.has(res.status)) || res.status === 501) {
        await this.#finish(msg, { outcome: 'rejected', status: res.status, body: res.body });
        return true;
      }
      throw new PeerError(`peer answered ${res.status}`, res.status);
    } catch (err) {
      const permanent = err instanceof MeshworkError && !(err instanceof PeerError) && err.code !== 'DISCOVERY_FAILED';
      return this.#retryLater(msg, err as Error, permanent);
    } finally {
      this.#inFlight.delete(msg.id);
    }
  }

  async #retryLater(msg: StoredOutboxMessage, err: Error, permanent: boolean): Promise<boolean> {
    const attempts = msg.attempts + 1;
    const expired = Date.now() - msg.createdAt > this.#opts.giveUpMs;
    if (permanent || expired) {
      await this.#finish(msg, { outcome: 'dead', error: err.message });
      return true;
    }
    const backoff = Math.min(this.#opts.retryBaseMs * 2 ** Math.min(attempts - 1, 20), this.#opts.retryMaxMs);
    const jitter = Math.floor(Math.random() * backoff * 0.2);
    await this.#db
      .updateTable('outbox')
      .set({
        attempts,
        next_attempt_at: Date.now() + backoff + jitter,
        last_error: err.message.slice(0, 500),
      })
      .where('id', '=', msg.id)
      .execute();
    this.#backingOff.add(msg.destination);
    this.#log.warn(
      { destination: msg.destination, kind: msg.kind, attempts, err: err.message },
      'outbox delivery failed; will retry',
    );
    return false;
  }

  async #finish(msg: StoredOutboxMessage, result: DeliveryResult): Promise<void> {
    if (result.outcome === 'delivered') {
      await this.#db.deleteFrom('outbox').where('id', '=', msg.id).execute();
    } else {
      const error =
        result.outcome === 'dead'
          ? result.error
          : `rejected with ${result.status}: ${JSON.stringify(result.body).slice(0, 300)}`;
      await this.#db.updateTable('outbox').set({ state: 'dead', last_error: error }).where('id', '=', msg.id).execute();
      this.#log.warn({ destination: msg.destination, kind: msg.kind, error }, 'outbox message given up');
    }
    for (const l of this.#listeners.get(msg.kind) ?? []) {
      try {
        await l(msg, result);
      } catch (err) {
        this.#log.error({ err, kind: msg.kind }, 'outbox listener failed');
      }
    }
    const waiter = this.#waiters.get(msg.id);
    this.#waiters.delete(msg.id);
    if (waiter) waiter(result);
    else {
      this.#recent.set(msg.id, result);
      setTimeout(() => this.#recent.delete(msg.id), 30_000).unref();
    }
  }
}
