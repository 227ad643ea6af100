import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  type Logger,
  type OutgoingShare,
  type ShareRegistry,
  type User,
} from '#core';
import type { CallAction, CallSystemAction } from './call-types.ts';
import { readCall, storeEvent } from './event-apply.ts';
import type { FanOut } from './fanout.ts';
import { checkCanInvite, planAction, type EventDraft, type LocalUserLookup } from './host-rules.ts';
import { EVENT_OF_ACTION, NEXT_SEQ } from './host-queries.ts';
import type { HostStream } from './host-stream.ts';
import type { CommitQueue } from './commit-queue.ts';
import {
  getHostedRoom,
  getMember,
  lockRoom,
  splitAddress,
  toEvent,
  type MemberRow,
  type RoomRow,
} from './room-store.ts';
import type { CallPlanner } from './public-api.ts';
import type { ChatAction, ChatEvent, RoomKind } from './shared.ts';
import { CHAT_ERRORS } from './error-codes.ts';
import type { ChatTables } from './tables.ts';

/** What an action produced: the appended event (none for a no-op), or the first result when it was a repeat. */
export interface ActOutcome {
  events: ChatEvent[];
  replayed: boolean;
}

/** Everything the host service needs from the plugin. */
export interface HostDeps {
  db: Kysely<ChatTables>;
  postgres: boolean;
  selfHost: () => string;
  commits: CommitQueue;
  fanout: FanOut;
  stream: HostStream;
  shares: ShareRegistry;
  lookupLocal: LocalUserLookup;
  log: Logger;
  /** Local side effects of stored events (sessions joining and leaving rooms). */
  afterEvents: (room: RoomRow, events: ChatEvent[]) => Promise<void>;
  /** Every stored event, for plugins that follow rooms (calls). */
  published: (roomId: string, events: ChatEvent[]) => Promise<void>;
}

type Plan = (trx: Kysely<ChatTables>, room: RoomRow, me: MemberRow | null) => Promise<EventDraft | null>;

const LIVE_SHARE = ['sending', 'pending', 'accepted'];

/**
 * The authority for rooms created here: checks every action, gives each resulting event the room's next
 * sequence number inside one transaction, and hands it to local sessions and to the member servers' streams.
 * Actions carry an id; a repeated id returns the first result (retries and replays never act twice).
 */
export class HostService {
  readonly #d: HostDeps;
  // Invites the plugin itself is sending, so prepareOutgoingShare can tell them from direct share API calls.
  readonly #pluginInvites = new Set<string>();
  #planner: CallPlanner | null = null;

  constructor(deps: HostDeps) {
    this.#d = deps;
  }

  /** True while the plugin is creating the share for this invite. */
  isPluginInvite(roomId: string, address: string): boolean {
    return this.#pluginInvites.has(`${roomId} ${address}`);
  }

  /** Creates a room hosted here with its creator as owner, then adds the requested members. */
  async createRoom(
    creator: User,
    input: { name: string; topic: string; kind: RoomKind; members: string[] },
  ): Promise<{ room: RoomRow; failed: Array<{ address: string; code: string; message: string }> }> {
    const { db, selfHost } = this.#d;
    const me = `${creator.id}@${selfHost()}`;
    const id = randomUUID();
    await db
      .insertInto('chat_rooms')
      .values({
        id,
        host: null,
        remote_id: null,
        kind: input.kind,
        name: input.name,
        topic: input.topic,
        created_by: me,
        created_at: Date.now(),
        last_seq: 0,
        host_seq: 0,
        secret: randomBytes(32).toString('base64url'),
      })
      .execute();
    await this.#commit(id, me, null, async () => ({
      type: 'room.created',
      data: { name: input.name, topic: input.topic, kind: input.kind },
    }));
    const role = input.kind === 'group' ? 'owner' : 'member';
    await this.#commit(id, me, null, async () => ({
      type: 'member.joined',
      data: { address: me, displayName: creator.displayName, role },
    }));
    const failed: Array<{ address: string; code: string; message: string }> = [];
    for (const [i, address] of input.members.entries()) {
      try {
        await this.addMember(id, me, `create-${i}`, address, 'member', input.kind === 'direct');
      } catch (err) {
        const e = err as { code?: string; message: string };
        failed.push({ address, code: e.code ?? 'INTERNAL_ERROR', message: e.message });
      }
    }
    return { room: (await getHostedRoom(db, id)) as RoomRow, failed };
  }

  /** The calls plugin decides what call actions do (without it, call actions are refused). */
  setCallPlanner(planner: CallPlanner): void {
    this.#planner = planner;
  }

  /**
   * A call action, planned by the calls plugin against the room's current call inside the transaction that
   * orders it. `system` actions are the host's own (dropping a removed member, closing an empty call).
   */
  async callAct(
    roomId: string,
    actor: string,
    actionId: string,
    action: CallAction | CallSystemAction,
    system: boolean,
  ): Promise<ActOutcome> {
    return this.#commit(
      roomId,
      actor,
      actionId,
      async (trx, room, me) => {
        const planner = this.#planner;
        if (!planner)
          throw new NotImplementedError('calls are not enabled on this server', CHAT_ERRORS.CALLS_UNAVAILABLE);
        return planner({
          room: { id: room.id, kind: room.kind },
          actor,
          member: me ? { state: me.state, role: me.role } : null,
          call: await readCall(trx, room.id),
          action,
          system,
          now: Date.now(),
        });
      },
      { member: !system },
    );
  }

  /**
   * Applies a member's action to a hosted room. `answeredTo`: the member server that sent it in an action push and
   * gets the resulting event in the answer (see #after).
   */
  async act(
    roomId: string,
    actor: string,
    actionId: string,
    action: ChatAction,
    answeredTo?: string,
  ): Promise<ActOutcome> {
    if (action.type === 'call') return this.callAct(roomId, actor, actionId, action.call, false);
    if (action.type === 'addMember')
      return this.addMember(roomId, actor, actionId, action.address, action.role ?? 'member', false);
    return this.#commit(roomId, actor, actionId, (trx, room, me) => planAction(trx, room, me, action), {
      member: true,
      post: action.type === 'post',
      ...(answeredTo ? { answeredTo } : {}),
    });
  }

  /**
   * Invites a member: the invitee gets a `chat-room` share (in-process for a user of this server, over OCM for a
   * remote one) and joins when the share is accepted. `system` is the other side of a one-to-one room being
   * created: no rights check, and a user of this server joins at once (a conversation with one person is not an
   * invitation to answer first, as in Slack or Matrix clients' direct messages).
   */
  async addMember(
    roomId: string,
    actor: string,
    actionId: string,
    address: string,
    role: 'member' | 'moderator' | 'owner',
    system: boolean,
  ): Promise<ActOutcome> {
    const { db, selfHost, shares } = this.#d;
    const target = splitAddress(address);
    if (system && target.host === selfHost()) {
      const user = await this.#d.lookupLocal(address);
      return this.#commit(roomId, actor, actionId, async () => {
        if (!user) throw new NotFoundError(`no local user ${address}`, 'USER_NOT_FOUND');
        return { type: 'member.joined', data: { address, displayName: user.displayName, role } };
      });
    }
    const room = await getHostedRoom(db, roomId);
    if (!room) throw new NotFoundError('no such room', CHAT_ERRORS.ROOM_NOT_FOUND);
    const prior = await this.#seen(db, roomId, actor, actionId);
    if (prior) return prior;
    if (!system) checkCanInvite(room, await getMember(db, roomId, actor));
    const existing = await getMember(db, roomId, address);
    if (existing && (existing.state === 'joined' || existing.state === 'invited'))
      return { events: [], replayed: false };
    // The share's owner must be a local account: the inviter when local, else the room's creator.
    const inviter = splitAddress(actor);
    const owner = inviter.host === selfHost() ? inviter.id : splitAddress(room.created_by).id;
    const key = `${roomId} ${address}`;
    this.#pluginInvites.add(key);
    let share: OutgoingShare;
    try {
      share = await shares.createOutgoing(owner, { resourceType: 'chat-room', resourceId: roomId, shareWith: address });
    } finally {
      this.#pluginInvites.delete(key);
    }
    return this.#commit(roomId, actor, actionId, async (trx) => {
      const cur = await getMember(trx, roomId, address);
      if (cur?.state === 'joined') return null;
      return {
        type: 'member.invited',
        data: { address, displayName: share.recipientDisplayName ?? target.id, role },
        shareId: share.id,
      };
    });
  }

  /** The remote user accepted the room's share: they join. */
  async shareAccepted(share: OutgoingShare): Promise<void> {
    await this.#commit(share.resourceId, share.shareWith, `share:${share.id}:accepted`, async (trx) => {
      const cur = await getMember(trx, share.resourceId, share.shareWith);
      if (cur?.state === 'joined') return null;
      const displayName = share.recipientDisplayName ?? cur?.display_name ?? splitAddress(share.shareWith).id;
      return {
        type: 'member.joined',
        data: { address: share.shareWith, displayName, role: cur?.role ?? 'member' },
        shareId: share.id,
      };
    });
  }

  /** The share was declined, failed, or ended by either side: the member's access ends. */
  async shareEnded(share: OutgoingShare, how: 'declined' | 'ended'): Promise<void> {
    await this.#commit(share.resourceId, share.shareWith, `share:${share.id}:${how}`, async (trx) => {
      const cur = await getMember(trx, share.resourceId, share.shareWith);
      if (!cur || (cur.share_id !== null && cur.share_id !== share.id)) return null;
      if (how === 'declined' && cur.state === 'invited')
        return { type: 'member.declined', data: { address: share.shareWith } };
      if (how === 'ended' && (cur.state === 'joined' || cur.state === 'invited'))
        return { type: 'member.left', data: { address: share.shareWith } };
      return null;
    });
  }

  /**
   * The first result of an action id: the event it produced (found through the events' unique client id),
   * or, for actions that changed nothing, the seen-actions record. Posts always produce an event.
   */
  async #seen(
    db: Kysely<ChatTables>,
    roomId: string,
    actor: string,
    actionId: string,
    postOnly = false,
  ): Promise<ActOutcome | null> {
    const { rows } = await EVENT_OF_ACTION.execute(db, [roomId, actor, actionId]);
    if (rows[0]) return { events: [toEvent(rows[0], roomId)], replayed: true };
    if (postOnly) return null;
    const seen = await db
      .selectFrom('chat_seen_actions')
      .select('ts')
      .where('room_id', '=', roomId)
      .where('actor', '=', actor)
      .where('action_id', '=', actionId)
      .executeTakeFirst();
    if (!seen) return null;
    return { events: [], replayed: true };
  }

  /**
   * Plans and appends one action's event in the commit queue (in order, possibly sharing a transaction
   * with other actions), then fans it out: results come back in commit order, so local sessions see
   * each room's events in seq order.
   */
  async #commit(
    roomId: string,
    actor: string,
    actionId: string | null,
    plan: Plan,
    opts: { member: boolean; post?: boolean; answeredTo?: string } = { member: false },
  ): Promise<ActOutcome> {
    const { postgres, commits, fanout } = this.#d;
    const out = await commits.submit(async (trx): Promise<ActOutcome> => {
      const room = await lockRoom(trx, roomId, postgres);
      if (!room || room.host !== null) throw new NotFoundError('no such room', CHAT_ERRORS.ROOM_NOT_FOUND);
      const me = await getMember(trx, roomId, actor);
      if (actionId) {
        const prior = await this.#seen(trx, roomId, actor, actionId, opts.post);
        // A repeat gets its first answer, but only while the actor is still in the room: a request
        // captured before a removal must not keep working after it.
        if (prior && opts.member && me?.state !== 'joined')
          throw new NotAllowedError('you are not a member of this room', CHAT_ERRORS.NOT_MEMBER);
        if (prior) return prior;
      }
      const draft = await plan(trx, room, me);
      const events = draft ? [await this.#append(trx, roomId, actor, actionId, draft)] : [];
      // An event carries its client id; only actions that changed nothing need a record of their own.
      if (actionId && events.length === 0) {
        await trx
          .insertInto('chat_seen_actions')
          .values({ room_id: roomId, actor, action_id: actionId, ts: Date.now() })
          .execute();
      }
      return { events, replayed: false };
    });
    if (!out.replayed) fanout.events(roomId, out.events);
    if (!out.replayed && out.events.length) await this.#after(roomId, out.events, opts.answeredTo);
    return out;
  }

  async #append(
    trx: Kysely<ChatTables>,
    roomId: string,
    sender: string,
    clientMsgId: string | null,
    draft: EventDraft,
  ): Promise<ChatEvent> {
    const { rows } = await NEXT_SEQ.execute(trx, [roomId]);
    const ev = {
      roomId,
      seq: Number(rows[0]?.last_seq),
      eventId: randomUUID(),
      type: draft.type,
      sender,
      clientMsgId,
      ts: Date.now(),
      data: draft.data,
    } as ChatEvent;
    const selfHost = this.#d.selfHost();
    await storeEvent(trx, roomId, ev, selfHost);
    const address = (draft.data as { address?: string }).address;
    if (draft.type.startsWith('member.') && address) {
      if (draft.shareId)
        await trx
          .updateTable('chat_members')
          .set({ share_id: draft.shareId })
          .where('room_id', '=', roomId)
          .where('address', '=', address)
          .execute();
      const server = splitAddress(address).host;
      if (server !== selfHost) await this.#d.stream.syncPeer(trx, roomId, server, ev.seq);
    }
    return ev;
  }

  /**
   * After commit: wake the member servers' streams, end the shares of departed members, local effects. The server
   * the events are `answeredTo` (it sent the action and gets them in the answer, which it applies at once) is not
   * woken for them: a push would only carry them again. Its stream catches up with the next push it gets for any
   * room, or the sweep; a member server that could not apply the answer over a gap has a push in flight (the gap's
   * events), whose answer sees the stream still behind and pushes again. Membership changes wake every server.
   */
  async #after(roomId: string, events: ChatEvent[], answeredTo?: string): Promise<void> {
    const { db, shares, log, stream } = this.#d;
    const membership = events.some((e) => e.type.startsWith('member.'));
    if (membership) stream.invalidate(roomId);
    const except = membership ? undefined : answeredTo;
    await stream.kick(roomId, except).catch((err) => log.error({ err, roomId }, 'chat stream kick failed'));
    await this.#d.published(roomId, events);
    if (!membership) return;
    for (const ev of events) {
      if (ev.type !== 'member.removed' && ev.type !== 'member.left') continue;
      const m = await getMember(db, roomId, ev.data.address);
      const share = m?.share_id ? await shares.getOutgoing(m.share_id) : null;
      if (share && LIVE_SHARE.includes(share.state)) {
        await shares
          .revokeOutgoing(share.ownerId, share.id)
          .catch((err) => log.warn({ err, roomId }, 'could not revoke the chat share'));
      }
    }
    const room = await getHostedRoom(db, roomId);
    if (room) await this.#d.afterEvents(room, events);
  }
}
