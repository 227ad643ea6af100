import type { Logger, RemoteClient } from '#core';
import { S2S_BASE } from './host-stream.ts';

/** A typing or presence notice between servers (never stored, never retried). */
export interface EphemeralNotice {
  roomId: string;
  secret: string;
  kind: 'typing' | 'presence';
  address: string;
  on: boolean;
}

/** Body of an `/ephemeral` request carrying several notices (one notice alone is sent as itself). */
export interface EphemeralBatch {
  notices: EphemeralNotice[];
}

/** Notices per request, sent and received. */
export const MAX_NOTICES = 500;
const TIMEOUT_MS = 3000;

/**
 * Typing and presence notices to other servers, one request in flight per server: the notices that come up
 * meanwhile go together in the next request. Without this every notice was a signed request of its own, and
 * a thousand sessions connecting (a server restart, the bench's clients) or the periodic presence
 * re-announcement sent a thousand requests at once to the same peer, each signed and verified on the event
 * loop. A later notice for the same room, address and kind replaces one still waiting (only the last state
 * matters), so a slow or dead peer holds at most one notice per room, address and kind. Best effort: a
 * request that fails is not retried.
 */
export class EphemeralRelay {
  readonly #remote: RemoteClient;
  readonly #log: Logger;
  readonly #waiting = new Map<string, Map<string, EphemeralNotice>>();
  readonly #busy = new Set<string>();

  constructor(remote: RemoteClient, log: Logger) {
    this.#remote = remote;
    this.#log = log;
  }

  /** Queues a notice for `server`; it leaves in the next request to that server. */
  send(server: string, n: EphemeralNotice): void {
    let q = this.#waiting.get(server);
    if (!q) this.#waiting.set(server, (q = new Map()));
    q.set(`${n.kind} ${n.roomId} ${n.address}`, n);
    if (this.#busy.has(server)) return;
    this.#busy.add(server);
    // After the current pass of the loop: the notices it raises (every room of a user, many sessions read
    // in one pass) share the request.
    setImmediate(() => void this.#drain(server));
  }

  async #drain(server: string): Promise<void> {
    try {
      for (;;) {
        const q = this.#waiting.get(server);
        if (!q || q.size === 0) break;
        const notices = [...q.values()].slice(0, MAX_NOTICES);
        if (notices.length === q.size) this.#waiting.delete(server);
        else for (const k of [...q.keys()].slice(0, MAX_NOTICES)) q.delete(k);
        const body: EphemeralNotice | EphemeralBatch =
          notices.length === 1 ? (notices[0] as EphemeralNotice) : { notices };
        await this.#remote
          .post(server, `${S2S_BASE}/ephemeral`, body, { base: 'origin', timeoutMs: TIMEOUT_MS })
          .catch((err: Error) => this.#log.debug({ err: err.message, server }, 'chat notice not delivered'));
      }
    } finally {
      this.#busy.delete(server);
    }
  }
}
