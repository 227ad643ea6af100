import { randomUUID } from 'node:crypto';
import { InputError, MeshworkError, NotAllowedError, NotFoundError, PeerError, type Logger, type User } from '#core';
import type { PluginNamespace } from '#sdk';
import type { CallAction, CallState, ChatApi, ChatEvent, ChatRoomRef } from '../chat/public-api.ts';
import type { CallsConfig } from './calls-config.ts';
import { CALL_ERRORS } from './error-codes.ts';
import { sessionChannel, type LocalSession, type SessionRegistry } from './session-registry.ts';
import type { SfuRelay } from './sfu/sfu-relay.ts';
import type { CallOnSfu, SfuOp } from './sfu/sfu-gateway.ts';
import type {
  CallMediaState,
  CallRef,
  CallsClientToServer,
  CallsServerToClient,
  JoinResult,
  SfuReply,
  SfuRequest,
} from './shared.ts';
import { iceServersFor } from './turn-credentials.ts';

/** The /calls namespace with its typed events. */
export type CallsNamespace = PluginNamespace<CallsClientToServer, CallsServerToClient>;

interface Waiter {
  resolve: (e: ChatEvent) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** What the call service needs. */
export interface CallServiceDeps {
  chat: ChatApi;
  cfg: CallsConfig;
  sessions: SessionRegistry;
  relay: SfuRelay;
  selfHost: () => string;
  log: Logger;
  /** How long a join waits for a remote host to order it. */
  hostTimeoutMs: number;
}

/** Called with a new session before the host orders it: the tab subscribes to what is sent to that session. */
export type EnterHook = (session: string) => Promise<void>;

/** A refusal from a remote host, with its code, as a domain error. */
class RefusedError extends MeshworkError {
  constructor(code: string, message: string) {
    super(code as never, message);
  }
}

/**
 * What this server's users do with calls: start, join (or resume after a reconnect), leave, end, decline,
 * mute, and the SFU requests of SFU-mode calls. State changes go to the room's host as call actions through
 * chat's host-ordered stream; a join waits until the host has ordered it (its event arrives here), so what the
 * browser is told is what every server agrees on.
 */
export class CallService {
  readonly #d: CallServiceDeps;
  readonly #waiters = new Map<string, Waiter>();
  // SFU subscriptions opened while a join waits for the host (session + feed → the SFU's offer).
  readonly #early = new Map<string, { reply: Promise<SfuReply>; sfu: string; c: CallOnSfu; address: string }>();

  constructor(d: CallServiceDeps) {
    this.#d = d;
  }

  address(userId: string): string {
    return `${userId}@${this.#d.selfHost()}`;
  }

  /** The room, if the user is a joined member of it. */
  async memberRoom(user: User, roomId: unknown): Promise<ChatRoomRef> {
    const room = typeof roomId === 'string' ? await this.#d.chat.room(roomId) : null;
    if (!room) throw new NotFoundError('no such room', CALL_ERRORS.CALL_NOT_FOUND);
    if (!(await this.#d.chat.isMember(room.id, this.address(user.id))))
      throw new NotAllowedError('only members of the room can take part in its calls', CALL_ERRORS.CALL_NOT_MEMBER);
    return room;
  }

  /** The call going on in a room. */
  callOf(roomId: string): Promise<CallState | null> {
    return this.#d.chat.activeCall(roomId);
  }

  /** Starts a call in a room, or joins the one going on (the host decides). */
  async start(
    user: User,
    roomId: unknown,
    media: Omit<CallMediaState, 'screen'>,
    socketId: string,
    enter?: EnterHook,
  ): Promise<JoinResult> {
    const room = await this.memberRoom(user, roomId);
    const session = randomUUID();
    const action: CallAction = {
      op: 'start',
      callId: randomUUID(),
      session,
      displayName: user.displayName,
      audio: media.audio,
      video: media.video,
      at: Date.now(),
    };
    return this.#enter(user, room, session, action, socketId, enter);
  }

  /** Joins a room's call; `resume` takes up a session this tab held before its connection dropped. */
  async join(
    user: User,
    roomId: unknown,
    callId: string,
    media: Omit<CallMediaState, 'screen'>,
    resume: string | undefined,
    socketId: string,
    enter?: EnterHook,
  ): Promise<JoinResult> {
    const room = await this.memberRoom(user, roomId);
    const address = this.address(user.id);
    const call = await this.#d.chat.activeCall(room.id);
    if (!call || call.callId !== callId) throw new NotFoundError('that call has ended', CALL_ERRORS.CALL_NOT_FOUND);
    if (resume && call.participants.some((p) => p.address === address && p.session === resume)) {
      this.#d.sessions.bind({ session: resume, userId: user.id, address, roomId: room.id, callId }, socketId);
      return this.#result(user, room, resume, call);
    }
    // Tokens for other servers' SFUs are fetched while the host orders the join (a member may hold one already).
    this.prefetchTokens(room, call, address);
    const session = randomUUID();
    this.#subscribeEarly(room, call, address, session);
    const action: CallAction = {
      op: 'join',
      callId,
      session,
      displayName: user.displayName,
      audio: media.audio,
      video: media.video,
      at: Date.now(),
    };
    return this.#enter(user, room, session, action, socketId, enter);
  }

  async #enter(
    user: User,
    room: ChatRoomRef,
    session: string,
    action: CallAction,
    socketId: string,
    enter?: EnterHook,
  ): Promise<JoinResult> {
    const address = this.address(user.id);
    // The tab listens on its session's channel before anyone can learn the session (offers sent to it at once).
    await enter?.(session);
    const actionId = `${action.op}:${session}`;
    this.#d.sessions.expect(session, this.#d.hostTimeoutMs + 5000);
    const ordered = this.#wait(session, actionId);
    ordered.catch(() => undefined); // awaited below only when the action was queued
    let r;
    try {
      r = await this.#d.chat.actCall(user.id, room.id, actionId, action);
    } catch (err) {
      this.#forget(session, actionId);
      throw err;
    }
    // Hosted here: the event came back at once (and was also seen by onEvent). Elsewhere: wait for it.
    if (!r.queued) this.#forget(session, actionId);
    const ev = r.queued ? await ordered : r.event;
    if (!ev) throw new NotFoundError('that call has ended', CALL_ERRORS.CALL_NOT_FOUND);
    const callId = (ev.data as { callId: string }).callId;
    this.#d.sessions.bind({ session, userId: user.id, address, roomId: room.id, callId }, socketId);
    const call = await this.#d.chat.activeCall(room.id);
    if (!call || call.callId !== callId) throw new NotFoundError('that call has ended', CALL_ERRORS.CALL_NOT_FOUND);
    this.prefetchTokens(room, call, address);
    return this.#result(user, room, session, call);
  }

  /**
   * In an SFU call, the joiner's subscriptions are opened while the host orders the join (members may subscribe;
   * the SFU checks membership, not participation), so the browser's `subscribe` finds its offer ready. What the
   * browser does not take within 30 s is closed.
   */
  #subscribeEarly(room: ChatRoomRef, call: CallState, address: string, session: string): void {
    if (call.mode !== 'sfu') return;
    const c: CallOnSfu = { host: room.host, hostRoomId: room.hostRoomId, callId: call.callId };
    for (const p of call.participants) {
      if (!p.pub || p.address === address) continue;
      const key = `${session} ${p.pub.sfu} ${p.pub.feed}`;
      const reply = this.#d.relay.request(p.pub.sfu, c, address, { op: 'subscribe', feed: p.pub.feed, tag: session });
      reply.catch(() => undefined);
      const sfu = p.pub.sfu;
      this.#early.set(key, { reply, sfu, c, address });
      setTimeout(() => {
        if (!this.#early.delete(key)) return;
        void reply
          .then((r) =>
            r.handle ? this.#d.relay.request(sfu, c, address, { op: 'unsubscribe', handle: r.handle }) : undefined,
          )
          .catch(() => undefined);
      }, 30_000).unref?.();
    }
  }

  /** In an SFU call, tokens for the other servers' SFUs are fetched before the browser asks to subscribe. */
  prefetchTokens(room: ChatRoomRef, call: CallState, address: string): void {
    if (call.mode !== 'sfu') return;
    const c: CallOnSfu = { host: room.host, hostRoomId: room.hostRoomId, callId: call.callId };
    for (const sfu of new Set(call.participants.map((p) => p.pub?.sfu).filter((s): s is string => Boolean(s))))
      this.#d.relay.prefetch(sfu, c, address);
  }

  #result(user: User, room: ChatRoomRef, session: string, call: CallState): JoinResult {
    const ice = iceServersFor(this.#d.cfg, user.id);
    return {
      roomId: room.id,
      callId: call.callId,
      session,
      address: this.address(user.id),
      call,
      iceServers: ice.iceServers,
      iceExpiresAt: ice.expiresAt,
      publishTo: this.#d.relay.hasSfu ? this.#d.selfHost() : room.host,
      relayOnly: this.#d.cfg.relayOnly,
    };
  }

  /** Waits until the host ordered the action with this session (or refused it, or did not answer in time). */
  #wait(session: string, actionId: string): Promise<ChatEvent> {
    return new Promise<ChatEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#forget(session, actionId);
        reject(new PeerError('the room’s server did not answer in time', undefined, CALL_ERRORS.CALL_HOST_UNREACHABLE));
      }, this.#d.hostTimeoutMs);
      const w: Waiter = {
        timer,
        resolve: (e) => {
          this.#forget(session, actionId);
          resolve(e);
        },
        reject: (err) => {
          this.#forget(session, actionId);
          reject(err);
        },
      };
      this.#waiters.set(`s:${session}`, w);
      this.#waiters.set(`a:${actionId}`, w);
    });
  }

  #forget(session: string, actionId: string): void {
    const w = this.#waiters.get(`s:${session}`);
    if (w) clearTimeout(w.timer);
    this.#waiters.delete(`s:${session}`);
    this.#waiters.delete(`a:${actionId}`);
  }

  /** A call event was stored here: a join or start this server is waiting for completes. */
  settle(e: ChatEvent): void {
    if (e.type !== 'call.started' && e.type !== 'call.joined') return;
    this.#waiters.get(`s:${e.data.session}`)?.resolve(e);
  }

  /** The room's host refused an action this server forwarded. */
  refused(actionId: string, code: string, message: string): void {
    this.#waiters.get(`a:${actionId}`)?.reject(new RefusedError(code, message));
  }

  /** The caller's own session in a call, or a refusal. */
  own(user: User, ref: Partial<CallRef>): LocalSession {
    const s = typeof ref?.session === 'string' ? this.#d.sessions.get(ref.session) : undefined;
    if (!s || s.userId !== user.id || s.roomId !== ref.roomId || s.callId !== ref.callId)
      throw new NotAllowedError('you are not in this call', CALL_ERRORS.CALL_NOT_PARTICIPANT);
    return s;
  }

  /** Leaves the call (this tab). */
  async leave(user: User, ref: CallRef, reason: 'left' | 'timeout' = 'left'): Promise<void> {
    const s = this.own(user, ref);
    this.#d.sessions.remove(s.session);
    await this.#act(s, { op: 'leave', callId: s.callId, session: s.session, reason });
  }

  /** A tab that did not come back within its grace period has left. */
  async expired(s: LocalSession): Promise<void> {
    await this.#act(s, { op: 'leave', callId: s.callId, session: s.session, reason: 'timeout' }).catch((err) =>
      this.#d.log.warn({ err: (err as Error).message }, 'could not tell the host a call session timed out'),
    );
  }

  /** Ends the call for everyone, or declines a ringing one-to-one call. */
  async end(user: User, roomId: unknown, callId: unknown, reason: 'ended' | 'declined'): Promise<void> {
    const room = await this.memberRoom(user, roomId);
    if (typeof callId !== 'string') throw new InputError('callId is required');
    await this.#d.chat.actCall(user.id, room.id, `${reason}:${callId}:${user.id}`, { op: 'end', callId, reason });
  }

  /** Mute, camera and screen-sharing changes, for everyone's participant list. */
  async media(user: User, ref: CallRef, m: CallMediaState): Promise<void> {
    const s = this.own(user, ref);
    await this.#act(s, { op: 'media', callId: s.callId, session: s.session, ...m });
  }

  /** An SFU request: to this server's SFU or, with a token, to another server's. */
  async sfu(user: User, ref: CallRef, req: SfuRequest): Promise<SfuReply> {
    const t0 = performance.now();
    try {
      return await this.#sfu(user, ref, req);
    } finally {
      // How long each SFU step took, end to end, for diagnosing calls that do not come up (debug level).
      this.#d.log.debug(
        { op: req.op, who: this.address(user.id), ms: Math.round(performance.now() - t0) },
        'SFU request',
      );
    }
  }

  async #sfu(user: User, ref: CallRef, req: SfuRequest): Promise<SfuReply> {
    const s = this.own(user, ref);
    const room = await this.memberRoom(user, s.roomId);
    const c: CallOnSfu = { host: room.host, hostRoomId: room.hostRoomId, callId: s.callId };
    const publishTo = this.#d.relay.hasSfu ? this.#d.selfHost() : room.host;
    const target = req.op === 'publish' || req.op === 'unpublish' ? publishTo : req.sfu;
    const op = toOp(req, s.session);
    const early = req.op === 'subscribe' ? this.#early.get(`${s.session} ${req.sfu} ${req.feed}`) : undefined;
    if (early && req.op === 'subscribe') {
      this.#early.delete(`${s.session} ${req.sfu} ${req.feed}`);
      const r = await early.reply.catch(() => null);
      if (r?.sdp) return r;
    }
    const reply = await this.#d.relay.request(target, c, s.address, op);
    if (req.op === 'publish' && reply.feed)
      await this.#act(s, { op: 'publish', callId: s.callId, session: s.session, sfu: target, feed: reply.feed });
    return reply;
  }

  /** A call action for a local session, through the room's host. */
  async #act(s: LocalSession, action: CallAction): Promise<void> {
    await this.#d.chat.actCall(s.userId, s.roomId, `${action.op}:${s.session}:${randomUUID()}`, action);
  }

  /** Tells a tab its participation ended, and forgets it. */
  drop(ns: CallsNamespace, s: LocalSession, reason: Parameters<CallsServerToClient['dropped']>[0]['reason']): void {
    this.#d.sessions.remove(s.session);
    ns.to(sessionChannel(s.session)).emit('dropped', {
      roomId: s.roomId,
      callId: s.callId,
      session: s.session,
      reason,
    });
  }
}

/** The operation relayed for a browser's request; a subscription is tagged with the browser's session. */
function toOp(req: SfuRequest, session: string): SfuOp {
  switch (req.op) {
    case 'publish':
      return { op: 'publish', sdp: req.sdp };
    case 'unpublish':
      return { op: 'unpublish' };
    case 'subscribe':
      return { op: 'subscribe', feed: req.feed, tag: session };
    case 'start':
      return { op: 'start', handle: req.handle, sdp: req.sdp };
    case 'trickle':
      return { op: 'trickle', handle: req.handle, candidate: req.candidate };
    case 'unsubscribe':
      return { op: 'unsubscribe', handle: req.handle };
  }
}
