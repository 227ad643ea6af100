/**
 * The member-server → host stream of local users' actions in rooms hosted elsewhere: stored durably, sent through
 * one coalesced outbox message per host (paced), settled by the host's answer, whose ordered events are applied
 * at once (the MirrorService's apply) and whose refusals reach the actor.
 */
import type { Kysely } from 'kysely';
import { PreparedQuery, type Logger, type PluginContext } from '#core';
import type { CommitQueue } from './commit-queue.ts';
import { isValidEvent } from './event-validate.ts';
import type { FanOut } from './fanout.ts';
import { S2S_BASE, WAITING_MS } from './host-stream.ts';
import { Pacer } from './pacer.ts';
import type { RoomRoutes } from './room-routes.ts';
import { splitAddress, type RoomRow } from './room-store.ts';
import type { ChatAction, ChatEvent } from './shared.ts';
import type { ChatTables } from './tables.ts';

/** Outbox kind of the member-server → host stream of local users' actions. */
export const ACTIONS_KIND = 'chat:actions';

/** Body of an action push: local users' actions in the order they were made. */
export interface ActionsPush {
  actions: Array<{ roomId: string; secret: string; actor: string; actionId: string; action: ChatAction }>;
}

/** A sent push with the local outbound row ids it carried (kept out of the wire body's meaning). */
type SentActions = ActionsPush & { rows?: number[] };

/** The host's answer: one result per action, with the event it ordered. */
export interface ActionsReply {
  results: Array<{
    roomId: string;
    actor: string;
    actionId: string;
    ok: boolean;
    event?: ChatEvent | null;
    code?: string;
    message?: string;
  }>;
}

const ACTIONS_PER_PUSH = 100;

// Every action push runs these (compiled once, see room-store.ts).
const WAITING_ACTIONS = new PreparedQuery<Record<string, any>>(1, (db, host) =>
  (db as Kysely<ChatTables>)
    .selectFrom('chat_outbound as o')
    .innerJoin('chat_rooms as r', 'r.id', 'o.room_id')
    .select(['o.id', 'o.actor', 'o.action_id', 'o.action', 'r.remote_id', 'r.secret'])
    .where('o.host', '=', host)
    .orderBy('o.id')
    .limit(ACTIONS_PER_PUSH),
);
const ANY_WAITING = new PreparedQuery<{ id: number }>(1, (db, host) =>
  (db as Kysely<ChatTables>).selectFrom('chat_outbound').select('id').where('host', '=', host).limit(1),
);

/** What the action stream needs from the plugin (a part of MirrorDeps). */
export interface ActionStreamDeps {
  db: Kysely<ChatTables>;
  commits: CommitQueue;
  routes: RoomRoutes;
  fanout: FanOut;
  outbox: PluginContext['outbox'];
  log: Logger;
  /** A local user's action the host refused. */
  refused: (f: { roomId: string; actor: string; actionId: string; code: string; message: string }) => void;
  /** Minimum spacing of action pushes to one host (see Pacer). */
  gapMs?: number;
}

/** Local users' actions on their way to the hosts of their rooms. */
export class ActionStream {
  readonly #d: ActionStreamDeps;
  readonly #apply: (roomId: string, events: ChatEvent[]) => Promise<unknown>;
  // Hosts with an action push queued and not yet built here; trusted for WAITING_MS only (another app node
  // may build and send it, and this node would never hear of it), see host-stream.ts.
  readonly #waiting = new Map<string, number>();
  readonly #pacer: Pacer;

  constructor(deps: ActionStreamDeps, apply: (roomId: string, events: ChatEvent[]) => Promise<unknown>) {
    this.#d = deps;
    this.#apply = apply;
    this.#pacer = new Pacer(deps.gapMs ?? 5);
    deps.outbox.buildBody(ACTIONS_KIND, ({ destination }) => this.#build(destination));
    deps.outbox.onResult(ACTIONS_KIND, (msg, result) => {
      this.#waiting.delete(msg.destination);
      return this.#answered(msg.destination, msg.body as SentActions, result.outcome === 'dead' ? null : result.body);
    });
  }

  /** Stores a local user's action for the host (durable before the user is told "queued"), then sends. */
  async forward(room: RoomRow, actor: string, actionId: string, action: ChatAction): Promise<void> {
    await this.#d.commits.submit((trx) =>
      trx
        .insertInto('chat_outbound')
        .values({
          host: room.host!, // a mirror's room: its host is set
          room_id: room.id,
          actor,
          action_id: actionId,
          action: JSON.stringify(action),
          created_at: Date.now(),
        })
        .onConflict((oc) => oc.doNothing())
        .execute(),
    );
    await this.#enqueue(String(room.host));
  }

  async #enqueue(host: string, force = false): Promise<void> {
    const since = this.#waiting.get(host);
    if (!force && since !== undefined && Date.now() - since < WAITING_MS) return;
    this.#waiting.set(host, Date.now());
    try {
      await this.#d.outbox.enqueue({
        destination: host,
        kind: ACTIONS_KIND,
        path: `${S2S_BASE}/actions`,
        base: 'origin',
        body: {},
        ref: 'actions',
        coalesce: true,
      });
    } catch (err) {
      this.#waiting.delete(host);
      throw err;
    }
  }

  async #build(host: string): Promise<SentActions | null> {
    await this.#pacer.wait(host);
    this.#waiting.delete(host);
    const { rows } = await WAITING_ACTIONS.execute(this.#d.db, [host]);
    if (rows.length === 0) return null;
    return {
      actions: rows.map((r) => ({
        roomId: String(r.remote_id),
        secret: String(r.secret),
        actor: String(r.actor),
        actionId: String(r.action_id),
        action: JSON.parse(String(r.action)),
      })),
      rows: rows.map((r) => Number(r.id)),
    };
  }

  /** The host answered an action push: drop what it settled, apply the events it ordered, report refusals. */
  async #answered(host: string, sent: SentActions, body: unknown): Promise<void> {
    const { db, fanout, log, routes } = this.#d;
    const results = (body as ActionsReply | null)?.results;
    if (!Array.isArray(results)) {
      log.warn({ host, body }, 'chat action push failed without results; the sweep will retry');
      return;
    }
    const ordered = new Map<string, ChatEvent[]>();
    const settled: number[] = [];
    for (const [i, a] of sent.actions.entries()) {
      const r =
        results[i]?.actionId === a.actionId
          ? results[i]
          : results.find((x) => x && x.actionId === a.actionId && x.actor === a.actor && x.roomId === a.roomId);
      if (!r) continue;
      const row = sent.rows?.[i];
      if (row !== undefined) settled.push(row);
      const roomId = await routes.mirrorId(host, a.roomId);
      if (!roomId) continue;
      if (row === undefined)
        await db
          .deleteFrom('chat_outbound')
          .where('room_id', '=', roomId)
          .where('actor', '=', a.actor)
          .where('action_id', '=', a.actionId)
          .execute();
      if (r.ok && isValidEvent(r.event)) ordered.set(roomId, [...(ordered.get(roomId) ?? []), r.event]);
      else if (!r.ok) {
        const code = String(r.code ?? 'REFUSED');
        const message = String(r.message ?? 'the host refused the action');
        if (a.action.type === 'call') this.#d.refused({ roomId, actor: a.actor, actionId: a.actionId, code, message });
        else fanout.actionFailed(splitAddress(a.actor).id, { roomId, clientMsgId: a.actionId, code, message });
      }
    }
    if (settled.length) await db.deleteFrom('chat_outbound').where('id', 'in', settled).execute();
    // Applying the host's answer directly saves the sender's server a wait for the event push. Not waited for: the
    // outbox starts the next push to this host once this returns, and the applies go to the commit queue now, in
    // this order, so a later answer's events are still stored after these.
    void Promise.all([...ordered].map(([roomId, events]) => this.#apply(roomId, events))).catch((err: unknown) =>
      log.warn({ err, host }, 'events in the host answer could not be applied; its event push brings them'),
    );
    const left = await ANY_WAITING.first(db, [host]);
    if (left) await this.#enqueue(host);
  }

  /** Restart and periodic recovery: resend every host's waiting actions. */
  async resendAll(): Promise<void> {
    const hosts = await this.#d.db.selectFrom('chat_outbound').select('host').distinct().execute();
    for (const h of hosts) await this.#enqueue(String(h.host), true);
  }
}
