import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MeshworkError, PeerError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { OutboxBodyBuilder, OutboxMessage } from '../plugin/plugin-types.ts';
import { OutboxStore, type OutboxRow, type StoredOutboxMessage } from './outbox-store.ts';

export type { StoredOutboxMessage } from './outbox-store.ts';

/** What delivering one message produced. */
export type DeliveryResult =
  | { outcome: 'delivered'; status: number; body: unknown }
  | { outcome: 'rejected'; status: number; body: unknown }
  | { outcome: 'dead'; error: string };

/** Sends one stored message; throws for a transient failure (network, 5xx) so it is retried. */
export type OutboxSender = (msg: StoredOutboxMessage) => Promise<{ status: number; body: unknown }>;

/** Called after a message reaches a final outcome; used to update share state, etc. */
export type OutboxListener = (msg: StoredOutboxMessage, result: DeliveryResult) => Promise<void> | void;

/** Retry schedule and polling settings. */
export interface OutboxOptions {
  retryBaseMs: number;
  retryMaxMs: number;
  giveUpMs: number;
  pollMs?: number;
  /** How long a claimed message stays this node's before another node may take it over (default 60 s). */
  leaseMs?: number;
  /** Names this node in claims (default host:pid:random). */
  nodeId?: string;
}

// Different refs in flight at once to one peer.
const WINDOW = 8;
// Statuses that mean "try again later" even though they are 4xx.
const TRANSIENT_4XX = new Set([408, 409, 425, 429]);

/**
 * A durable, per-destination FIFO of server-to-server messages. Messages of one ref (one share, one room)
 * go strictly in order, one at a time; failures back off exponentially and survive restarts. Several nodes
 * may share the database: each message is sent by the node that claimed it (outbox-store.ts), and a dead
 * node's claims lapse after their lease. Receivers deduplicate, so at-least-once delivery is enough. A dead
 * peer never blocks a caller: enqueue only writes a row.
 */
export class Outbox {
  readonly #store: OutboxStore;
  readonly #node: string;
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
    this.#store = new OutboxStore(db);
    this.#send = send;
    this.#log = log;
    this.#opts = {
      pollMs: 1000,
      leaseMs: 60_000,
      nodeId: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      ...opts,
    };
    this.#node = this.#opts.nodeId;
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
    const dest = msg.destination.toLowerCase();
    if (msg.coalesce && msg.ref) {
      // Only into a message no node has started building: one being sent may already have its body.
      const waiting = await this.#store.findCoalescable(dest, msg.kind, msg.ref, now);
      if (waiting !== null && !this.#inFlight.has(waiting)) {
        this.#kick();
        return waiting;
      }
    }
    const id = await this.#store.insert(msg, now);
    // Start this peer's queue right away (no scan needed); if it is busy, its drain loop picks this up.
    if (this.#busy.has(dest)) this.#again.add(dest);
    else if (this.#running && !this.#backingOff.has(dest)) void this.#drain(dest);
    return id;
  }

  // ---- First attempt made by the caller (a share created in a user's request; see core/shares).

  /**
   * Stores a message the caller will first try to deliver itself, without starting it: the outbox sends it only
   * if the caller neither `drop`s nor `release`s it within `holdMs` (the process died meanwhile). Pass the
   * caller's transaction as `db` to store it atomically with the caller's own rows.
   */
  async hold(msg: OutboxMessage, holdMs: number, db?: Kysely<any>): Promise<number> {
    const now = Date.now();
    return this.#store.insert(msg, now, { dueAt: now + holdMs, ...(db ? { db } : {}) });
  }

  /** The caller delivered a held message, or it was refused for good: forget it (in the caller's transaction if given). */
  async drop(id: number, db?: Kysely<any>): Promise<void> {
    await this.#store.removeQueued(id, db);
  }

  /** The caller's own attempt failed for now: the message joins the normal retry schedule as after one failure. */
  async release(id: number, error: string): Promise<void> {
    const destination = await this.#store.releaseHeld(id, Date.now() + this.#opts.retryBaseMs, error);
    // Like a failed delivery: the peer's queue waits for its back-off, or for the peer to call us.
    if (destination) this.#backingOff.add(destination);
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
    await this.#store.dueNow(destination.toLowerCase(), Date.now());
    this.#kick();
  }

  /** Number of messages still waiting, per destination (for tests, health and the admin). */
  pending(destination?: string): Promise<number> {
    return this.#store.pending(destination);
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
    for (const destination of await this.#store.dueDestinations(Date.now())) {
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
        const rows = await this.#store.queued(destination, 100);
        const now = Date.now();
        const blocked = new Set(busyRefs);
        for (const row of rows) {
          if (running.size >= WINDOW) break;
          const key = row.ref ?? '';
          // The first queued message of a ref decides for the whole ref: later ones wait behind it,
          // also while another node holds it.
          if (blocked.has(key)) continue;
          blocked.add(key);
          if (!this.#mayStart(row, now) || handled.has(row.id)) continue;
          busyRefs.add(key);
          const p: Promise<void> = this.#claimAndDeliver(row.id)
            .then((ok) => {
              if (!ok) failed = true;
            })
            .finally(() => {
              handled.add(row.id);
              busyRefs.delete(key);
              running.delete(p);
            });
          running.add(p);
        }
        if (running.size === 0) {
          // Refs held by another node: look again when its lease ends (or it finishes, at the next poll).
          return;
        }
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

  /** Due, not in flight here, and not held by another node's unexpired lease. */
  #mayStart(row: OutboxRow, now: number): boolean {
    if (row.nextAttemptAt > now || this.#inFlight.has(row.id)) return false;
    return row.claimedBy === null || row.claimedBy === this.#node || row.leasedUntil < now;
  }

  /** Claims a message and delivers it; a message another node claimed first is simply not ours (true). */
  async #claimAndDeliver(id: number): Promise<boolean> {
    this.#inFlight.add(id);
    try {
      const msg = await this.#store.claim(id, this.#node, Date.now(), this.#opts.leaseMs);
      if (!msg) return true;
      return await this.#deliver(msg);
    } finally {
      this.#inFlight.delete(id);
    }
  }

  async #deliver(msg: StoredOutboxMessage): Promise<boolean> {
    try {
      const builder = this.#builders.get(msg.kind);
      if (builder) {
        const body = await builder({ destination: msg.destination, kind: msg.kind, ref: msg.ref, body: msg.body });
        if (body === null) {
          await this.#store.remove(msg.id);
          return true;
        }
        msg.body = body;
      }
      const started = Date.now();
      const res = await this.#send(msg);
      this.#backingOff.delete(msg.destination);
      this.#log.debug(
        { destination: msg.destination, kind: msg.kind, id: msg.id, status: res.status, ms: Date.now() - started },
        'outbox message sent',
      );
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
    await this.#store.retryAt(msg.id, attempts, Date.now() + backoff + jitter, err.message);
    this.#backingOff.add(msg.destination);
    this.#log.warn(
      { destination: msg.destination, kind: msg.kind, attempts, err: err.message },
      'outbox delivery failed; will retry',
    );
    return false;
  }

  async #finish(msg: StoredOutboxMessage, result: DeliveryResult): Promise<void> {
    if (result.outcome === 'delivered') {
      await this.#store.remove(msg.id);
    } else {
      const error =
        result.outcome === 'dead'
          ? result.error
          : `rejected with ${result.status}: ${JSON.stringify(result.body).slice(0, 300)}`;
      await this.#store.markDead(msg.id, error);
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
