import { randomUUID } from 'node:crypto';
import { userRoom, type Logger } from '#core';
import type { CallState, ChatApi, ChatEvent, ChatRoomRef } from '../chat/public-api.ts';
import type { CallService, CallsNamespace } from './call-service.ts';
import type { SessionRegistry } from './session-registry.ts';
import type { SfuGateway, CallOnSfu } from './sfu/sfu-gateway.ts';
import type { SfuRelay } from './sfu/sfu-relay.ts';
import type { DropReason } from './shared.ts';

/** What the event reactions need. */
export interface CallEventsDeps {
  chat: ChatApi;
  ns: CallsNamespace;
  service: CallService;
  sessions: SessionRegistry;
  gateway: SfuGateway | null;
  relay: SfuRelay;
  log: Logger;
  /** How long a one-to-one call rings before it counts as missed. */
  ringMs: number;
}

function onSfu(room: ChatRoomRef, callId: string): CallOnSfu {
  return { host: room.host, hostRoomId: room.hostRoomId, callId };
}

/**
 * What every server does when call events of a room reach it (hosted or mirrored alike): tell the room's local
 * members' browsers, ring and stop ringing, drop local tabs that are no longer in the call, release SFU
 * resources; and what only the room's host does: close a call that emptied, mark an unanswered ring missed,
 * drop removed members from the call.
 */
export class CallEvents {
  readonly #d: CallEventsDeps;
  readonly #ringTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(d: CallEventsDeps) {
    this.#d = d;
  }

  /** Call events of a room were stored here. */
  async onEvents(room: ChatRoomRef, events: ChatEvent[]): Promise<void> {
    const calls = events.filter((e) => e.type.startsWith('call.'));
    if (calls.length === 0) return;
    const { chat, ns, service } = this.#d;
    for (const e of calls) service.settle(e);
    const call = await chat.activeCall(room.id);
    const local = (await chat.members(room.id)).filter((m) => m.local);
    const rooms = local.map((m) => userRoom(m.address.slice(0, m.address.lastIndexOf('@'))));
    if (rooms.length) ns.to(rooms).emit('call', { roomId: room.id, call });
    for (const e of calls) await this.#react(room, e, local, rooms);
    this.#dropStale(room, call, calls);
    if (call && calls.some((e) => e.type === 'call.published'))
      for (const s of new Set(this.#d.sessions.inRoom(room.id).map((x) => x.address)))
        this.#d.service.prefetchTokens(room, call, s);
  }

  async #react(room: ChatRoomRef, e: ChatEvent, local: Array<{ address: string }>, rooms: string[]): Promise<void> {
    const { ns, gateway, relay, chat } = this.#d;
    switch (e.type) {
      case 'call.started':
        if (e.data.ring) {
          const ringing = local
            .filter((m) => m.address !== e.sender)
            .map((m) => userRoom(m.address.slice(0, m.address.lastIndexOf('@'))));
          if (ringing.length)
            ns.to(ringing).emit('ring', {
              roomId: room.id,
              callId: e.data.callId,
              from: e.sender,
              fromName: e.data.displayName,
              video: e.data.video,
            });
          if (room.hosted) this.#ringTimer(room, e.data.callId, e.sender);
        }
        return;
      case 'call.joined':
        if (rooms.length) ns.to(rooms).emit('ringStop', { roomId: room.id, callId: e.data.callId });
        return;
      case 'call.left': {
        await gateway?.revoke(onSfu(room, e.data.callId), e.sender);
        if (!room.hosted) return;
        const call = await chat.activeCall(room.id);
        if (call && call.callId === e.data.callId && call.participants.length === 0)
          await chat.systemCall(room.id, call.startedBy, `close:${call.callId}:empty`, {
            op: 'close',
            callId: call.callId,
            reason: 'empty',
          });
        return;
      }
      case 'call.ended': {
        if (rooms.length) ns.to(rooms).emit('ringStop', { roomId: room.id, callId: e.data.callId });
        const t = this.#ringTimers.get(e.data.callId);
        if (t) clearTimeout(t);
        this.#ringTimers.delete(e.data.callId);
        await gateway?.closeCall(onSfu(room, e.data.callId));
        relay.forget(onSfu(room, e.data.callId));
        return;
      }
      default:
        return;
    }
  }

  /** Local tabs whose participation the latest state no longer holds are told and forgotten. */
  #dropStale(room: ChatRoomRef, call: CallState | null, events: ChatEvent[]): void {
    for (const s of this.#d.sessions.inRoom(room.id)) {
      const still = call?.callId === s.callId && call.participants.some((p) => p.session === s.session);
      if (still) continue;
      let reason: DropReason = 'ended';
      for (const e of events) {
        if (e.type === 'call.left' && e.data.session === s.session)
          reason = e.data.reason === 'left' ? 'ended' : (e.data.reason as DropReason);
        if (e.type === 'call.joined' && e.sender === s.address && e.data.session !== s.session) reason = 'replaced';
      }
      this.#d.service.drop(this.#d.ns, s, reason);
    }
  }

  #ringTimer(room: ChatRoomRef, callId: string, starter: string): void {
    const t = setTimeout(() => {
      this.#ringTimers.delete(callId);
      this.#d.chat
        .systemCall(room.id, starter, `close:${callId}:missed`, { op: 'close', callId, reason: 'missed' })
        .catch((err) => this.#d.log.warn({ err: (err as Error).message }, 'could not mark a call missed'));
    }, this.#d.ringMs);
    t.unref?.();
    this.#ringTimers.set(callId, t);
  }

  /** After a restart: ringing calls hosted here still get their missed mark. */
  resumeRinging(room: ChatRoomRef, call: CallState): void {
    if (room.hosted && call.ring && call.everyone.length === 1 && !this.#ringTimers.has(call.callId))
      this.#ringTimer(room, call.callId, call.startedBy);
  }

  /** A member is no longer in a room: their tabs here are dropped, their SFU handles closed, the host drops them. */
  async memberGone(room: ChatRoomRef, address: string): Promise<void> {
    const { chat, gateway, sessions, ns, service } = this.#d;
    for (const s of sessions.inRoom(room.id, address)) service.drop(ns, s, 'removed');
    const call = await chat.activeCall(room.id);
    if (!call) return;
    await gateway?.revoke(onSfu(room, call.callId), address);
    if (room.hosted && call.participants.some((p) => p.address === address))
      await chat.systemCall(room.id, address, `drop:${call.callId}:${randomUUID()}`, {
        op: 'drop',
        callId: call.callId,
        address,
        reason: 'removed',
      });
  }

  /** Shutdown. */
  dispose(): void {
    for (const t of this.#ringTimers.values()) clearTimeout(t);
    this.#ringTimers.clear();
  }
}
