/** One browser tab's participation in a call, on its own server. */
export interface LocalSession {
  session: string;
  userId: string;
  address: string;
  /** This server's id of the room. */
  roomId: string;
  callId: string;
  /** Sockets of the tab (one normally; none while it reconnects). */
  sockets: Set<string>;
  /** Set while the tab is disconnected: when it fires, the tab has left. */
  grace: ReturnType<typeof setTimeout> | null;
}

/** The socket.io room a session's tab joins: signals for the session go there. */
export function sessionChannel(session: string): string {
  return `session:${session}`;
}

/**
 * The call sessions of this server's users, and which sockets carry them. A tab that loses its connection keeps
 * its place for a grace period (it reconnects and resumes with the same session); after that it has left.
 */
export class SessionRegistry {
  readonly #byId = new Map<string, LocalSession>();
  readonly #bySocket = new Map<string, Set<string>>();
  // Sessions whose join is on its way to the host: live already, so the host's check never drops them.
  readonly #expected = new Map<string, number>();
  readonly #graceMs: number;
  readonly #expired: (s: LocalSession) => void;
  /** When this registry started: sessions of calls that were going on before a restart get a grace period too. */
  readonly startedAt = Date.now();

  constructor(graceMs: number, expired: (s: LocalSession) => void) {
    this.#graceMs = graceMs;
    this.#expired = expired;
  }

  get(session: string): LocalSession | undefined {
    return this.#byId.get(session);
  }

  /** The sessions of one room (optionally one person). */
  inRoom(roomId: string, address?: string): LocalSession[] {
    return [...this.#byId.values()].filter(
      (s) => s.roomId === roomId && (address === undefined || s.address === address),
    );
  }

  /** A join with this session is on its way to the room's host (it counts as live until `ms` from now). */
  expect(session: string, ms: number): void {
    const now = Date.now();
    for (const [k, until] of this.#expected) if (until < now) this.#expected.delete(k);
    this.#expected.set(session, now + ms);
  }

  /** Binds a session to a socket (a join, or a resume after reconnecting). */
  bind(s: Omit<LocalSession, 'sockets' | 'grace'>, socketId: string): LocalSession {
    this.#expected.delete(s.session);
    let cur = this.#byId.get(s.session);
    if (!cur) {
      cur = { ...s, sockets: new Set(), grace: null };
      this.#byId.set(s.session, cur);
    }
    if (cur.grace) clearTimeout(cur.grace);
    cur.grace = null;
    cur.sockets.add(socketId);
    const set = this.#bySocket.get(socketId) ?? new Set<string>();
    set.add(s.session);
    this.#bySocket.set(socketId, set);
    return cur;
  }

  /** Forgets a session (it left, was dropped, or the call ended). */
  remove(session: string): LocalSession | undefined {
    const s = this.#byId.get(session);
    if (!s) return undefined;
    this.#byId.delete(session);
    if (s.grace) clearTimeout(s.grace);
    for (const sock of s.sockets) this.#bySocket.get(sock)?.delete(session);
    return s;
  }

  /** A socket closed: its sessions wait for the tab to come back, then expire. */
  socketClosed(socketId: string): void {
    const ids = this.#bySocket.get(socketId);
    this.#bySocket.delete(socketId);
    for (const id of ids ?? []) {
      const s = this.#byId.get(id);
      if (!s) continue;
      s.sockets.delete(socketId);
      if (s.sockets.size > 0 || s.grace) continue;
      s.grace = setTimeout(() => {
        s.grace = null;
        if (s.sockets.size === 0 && this.#byId.get(id) === s) {
          this.#byId.delete(id);
          this.#expired(s);
        }
      }, this.#graceMs);
      s.grace.unref?.();
    }
  }

  /** Whether a session is live here: connected, reconnecting within its grace, or just after a restart. */
  isLive(session: string, now = Date.now()): boolean {
    return this.#byId.has(session) || (this.#expected.get(session) ?? 0) > now || now - this.startedAt < this.#graceMs;
  }

  /** Stops the timers (shutdown). */
  clear(): void {
    for (const s of this.#byId.values()) if (s.grace) clearTimeout(s.grace);
    this.#byId.clear();
    this.#bySocket.clear();
  }
}
