import { userRoom } from '#core';
import type { PluginNamespace } from '#sdk';
import type { ChatClientToServer, ChatEvent, ChatServerToClient, RoomSummary, TypingNotice } from './shared.ts';

/** The /chat namespace with its typed events. */
export type ChatNamespace = PluginNamespace<ChatClientToServer, ChatServerToClient>;

/** The socket.io room every session of a room's local members joins. */
export function roomChannel(roomId: string): string {
  return `room:${roomId}`;
}

/** Pushes to local browser sessions; knows nothing about storage or federation. */
export class FanOut {
  readonly #ns: ChatNamespace;
  // Local users with at least one live /chat session, and how many.
  readonly #sessions = new Map<string, number>();

  constructor(ns: ChatNamespace) {
    this.#ns = ns;
  }

  /** Delivers stored events, in order, to every session in the room. */
  events(roomId: string, events: readonly ChatEvent[]): void {
    const to = this.#ns.to(roomChannel(roomId));
    for (const e of events) to.emit('event', e);
  }

  /** Typing is volatile: a session that misses it loses nothing worth replaying. */
  typing(notice: TypingNotice, exceptSocket?: string): void {
    let to = this.#ns.volatile.to(roomChannel(notice.roomId));
    if (exceptSocket) to = to.except(exceptSocket);
    to.emit('typing', notice);
  }

  /** Puts a local user's live sessions into a room (they just joined it). */
  join(userId: string, roomId: string, summary: RoomSummary): void {
    this.#ns.in(userRoom(userId)).socketsJoin(roomChannel(roomId));
    this.#ns.to(userRoom(userId)).emit('room', summary);
  }

  /** Takes a local user's sessions out of a room: nothing more reaches them from it. */
  leave(userId: string, roomId: string): void {
    this.#ns.in(userRoom(userId)).socketsLeave(roomChannel(roomId));
    this.#ns.to(userRoom(userId)).emit('roomRemoved', { roomId });
  }

  /** Tells a user's sessions that a room changed (name, unread count). */
  room(userId: string, summary: RoomSummary): void {
    this.#ns.to(userRoom(userId)).emit('room', summary);
  }

  /** A queued action was refused by the room's host. */
  actionFailed(userId: string, f: { roomId: string; clientMsgId: string; code: string; message: string }): void {
    this.#ns.to(userRoom(userId)).emit('actionFailed', f);
  }

  /** Counts a session; true when the user just came online. */
  sessionOpened(userId: string): boolean {
    const n = (this.#sessions.get(userId) ?? 0) + 1;
    this.#sessions.set(userId, n);
    return n === 1;
  }

  /** Uncounts a session; true when the user just went offline. */
  sessionClosed(userId: string): boolean {
    const n = (this.#sessions.get(userId) ?? 1) - 1;
    if (n <= 0) this.#sessions.delete(userId);
    else this.#sessions.set(userId, n);
    return n <= 0;
  }

  /** Local users with a live session. */
  onlineUsers(): string[] {
    return [...this.#sessions.keys()];
  }

  /** Whether a local user has a live session. */
  isOnline(userId: string): boolean {
    return this.#sessions.has(userId);
  }

  /** Presence change of an address, to every session sharing a room with it. */
  presence(roomIds: readonly string[], address: string, online: boolean): void {
    if (roomIds.length === 0) return;
    this.#ns.volatile.to(roomIds.map(roomChannel)).emit('presence', { address, online });
  }
}
