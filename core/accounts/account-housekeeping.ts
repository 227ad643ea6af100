/**
 * Account housekeeping on every node: finishes deleting accounts, and every 10 minutes removes expired sessions.
 *
 * Finishing a deletion: accounts (marked by `meshwork user delete`, possibly while no server ran): revokes the user's
 * outgoing shares (receivers are told, access ends), leaves their incoming shares (senders are told), drops their
 * contacts and open invites, and emits `account:deleted` so plugins remove or set aside what they keep for the user
 * (files moves the tree to `files-deleted/`). The `users` row stays as a tombstone so the id, which other servers
 * may still address, is never given to someone else.
 *
 * Runs at start and every few seconds on every node; a node claims an account for a lease first, so two nodes do
 * not work on the same one. Every step is idempotent: a crash midway is finished by the next run.
 */
import type { Kysely } from 'kysely';
import type { EngineEventBus } from '../events.ts';
import type { Logger } from '../logger.ts';
import type { IncomingShareService } from '../shares/incoming-share-service.ts';
import type { OutgoingShareService } from '../shares/outgoing-share-service.ts';
import type { ShareStore } from '../shares/share-store.ts';
import type { AccountService } from './account-service.ts';

const EVERY_MS = 3_000;
const LEASE_MS = 60_000;
const PURGE_EVERY_MS = 10 * 60_000;

/** What the worker needs. */
export interface AccountHousekeepingDeps {
  db: Kysely<any>;
  accounts: AccountService;
  store: ShareStore;
  outgoing: OutgoingShareService;
  incoming: IncomingShareService;
  events: EngineEventBus;
  log: Logger;
}

/** The housekeeping worker of one node. */
export class AccountHousekeeping {
  readonly #deps: AccountHousekeepingDeps;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #lastPurge = 0;

  constructor(deps: AccountHousekeepingDeps) {
    this.#deps = deps;
  }

  /** Runs now and then every few seconds. */
  start(): void {
    void this.runOnce();
    this.#timer = setInterval(() => void this.runOnce(), EVERY_MS);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Purges expired sessions when due and finishes every pending deletion this node can claim (one run at a time). */
  runOnce(): Promise<void> {
    this.#running ??= this.#run().finally(() => (this.#running = null));
    return this.#running;
  }

  async #run(): Promise<void> {
    const { accounts, log } = this.#deps;
    if (Date.now() - this.#lastPurge >= PURGE_EVERY_MS) {
      this.#lastPurge = Date.now();
      await accounts.sessions.purgeExpired().catch((err: unknown) => log.warn({ err }, 'cannot purge sessions'));
    }
    let pending: string[];
    try {
      pending = await accounts.pendingRemovals();
    } catch (err) {
      return void log.warn({ err }, 'cannot list deleted accounts');
    }
    for (const userId of pending) {
      if (!(await accounts.claimRemoval(userId, LEASE_MS).catch(() => false))) continue;
      try {
        await this.#remove(userId);
        await accounts.finishRemoval(userId);
        log.info({ user: userId }, 'deleted account removed: shares revoked and left');
      } catch (err) {
        // Claimed but not finished: the lease runs out and a later run (here or on another node) resumes.
        log.warn({ err, user: userId }, 'removing a deleted account failed; will retry');
      }
    }
  }

  async #remove(userId: string): Promise<void> {
    const { db, store, outgoing, incoming, events } = this.#deps;
    for (const share of await store.listOutgoing(userId))
      if (share.state !== 'unshared') await outgoing.unshare(userId, share.id);
    for (const share of await store.listIncoming(userId))
      if (share.state === 'pending' || share.state === 'accepted') await incoming.leave(userId, share.id);
    await db.deleteFrom('contacts').where('user_id', '=', userId).execute();
    await db.deleteFrom('invites').where('user_id', '=', userId).execute();
    events.emit('account:deleted', { userId });
  }
}
