import { randomUUID } from 'node:crypto';
import type { Logger, RemoteClient } from '#core';
import type { ChatApi, ChatRoomRef, CallState } from '../chat/public-api.ts';
import type { SessionRegistry } from './session-registry.ts';
import { CALLS_S2S } from './sfu/sfu-relay.ts';

/** A host's question to a participant's server, and its answer. */
export interface AliveQuery {
  host: string;
  hostRoomId: string;
  callId: string;
  sessions: string[];
}

/** How many missed rounds make a participant's server count as gone. */
const MISSES = 3;

/**
 * The room host's watch over the calls it orders: every round it asks each participant's server which of its
 * sessions are still there (signed, short timeout, never queued) and drops the ones that are not; a server that
 * does not answer for MISSES rounds in a row has gone down, and its users leave the call (the others stay, with
 * their media). Its own users' sessions it knows itself.
 */
/** What the liveness watch needs. */
export interface LivenessDeps {
  chat: ChatApi;
  remote: RemoteClient;
  sessions: SessionRegistry;
  selfHost: () => string;
  log: Logger;
}

export class Liveness {
  readonly #d: LivenessDeps;
  readonly #misses = new Map<string, number>();
  #running = false;

  constructor(d: LivenessDeps) {
    this.#d = d;
  }

  /** One round over every call hosted here. */
  async round(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (const { room, call } of await this.#d.chat.activeCalls()) {
        if (room.hosted) await this.#check(room, call);
      }
    } finally {
      this.#running = false;
    }
  }

  async #check(room: ChatRoomRef, call: CallState): Promise<void> {
    const self = this.#d.selfHost();
    const byServer = new Map<string, string[]>();
    for (const p of call.participants) {
      const server = p.address.slice(p.address.lastIndexOf('@') + 1).toLowerCase();
      byServer.set(server, [...(byServer.get(server) ?? []), p.session]);
    }
    for (const [server, sessions] of byServer) {
      let gone: string[];
      let reason: 'timeout' | 'server-gone' = 'timeout';
      if (server === self) gone = sessions.filter((s) => !this.#d.sessions.isLive(s));
      else {
        const answer = await this.#ask(server, {
          host: room.host,
          hostRoomId: room.hostRoomId,
          callId: call.callId,
          sessions,
        });
        const key = `${server} ${call.callId}`;
        if (answer === null) {
          const n = (this.#misses.get(key) ?? 0) + 1;
          this.#misses.set(key, n);
          if (n < MISSES) continue;
          this.#misses.delete(key);
          gone = sessions;
          reason = 'server-gone';
        } else {
          this.#misses.delete(key);
          gone = sessions.filter((s) => !answer.includes(s));
        }
      }
      for (const session of gone) {
        const p = call.participants.find((x) => x.session === session);
        if (!p) continue;
        this.#d.log.info({ callId: call.callId, server, reason }, 'dropping a call participant that went away');
        await this.#d.chat
          .systemCall(room.id, p.address, `drop:${call.callId}:${randomUUID()}`, {
            op: 'drop',
            callId: call.callId,
            address: p.address,
            reason,
          })
          .catch((err) => this.#d.log.warn({ err: (err as Error).message }, 'could not drop a call participant'));
      }
    }
  }

  async #ask(server: string, q: AliveQuery): Promise<string[] | null> {
    try {
      const res = await this.#d.remote.post(server, `${CALLS_S2S}/alive`, q, { base: 'origin', timeoutMs: 3000 });
      const live = (res.body as { live?: unknown } | null)?.live;
      if (res.status !== 200 || !Array.isArray(live)) return null;
      return live.filter((s): s is string => typeof s === 'string');
    } catch {
      return null;
    }
  }

  /** A host asks which of this server's sessions in one of its calls are still there. */
  async answer(peerHost: string, q: AliveQuery): Promise<string[]> {
    if (typeof q?.host !== 'string' || q.host.toLowerCase() !== peerHost || !Array.isArray(q.sessions)) return [];
    const room = await this.#d.chat.roomOnHost(q.host, String(q.hostRoomId));
    if (!room) return [];
    return q.sessions
      .filter((s): s is string => typeof s === 'string')
      .slice(0, 1000)
      .filter((s) => {
        const local = this.#d.sessions.get(s);
        return local ? local.roomId === room.id : this.#d.sessions.isLive(s);
      });
  }
}
