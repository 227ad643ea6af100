/**
 * Sockets live exactly as long as the session that opened them. Each socket joins a room named after its session
 * (by token hash, never the token) besides its user's room, in every namespace. When sessions end (logout, password
 * change, disabled or deleted account) the matching rooms are disconnected in every namespace: locally at once, and
 * through the adapter (Redis) on every other node. Besides that:
 * - a timer disconnects each socket when its session expires;
 * - each incoming event is checked: the expiry from memory, and at most every 2 s the session in the database
 *   (a dead session's packet is dropped and its socket disconnected);
 * - a sweep every 5 s checks all local sockets' sessions in one query, which also catches changes made where no
 *   socket server runs (the `meshwork user` CLI without Redis) and a Redis message lost while Redis was down.
 */
import type { Namespace, Socket } from 'socket.io';
import type { AccountService, SessionsEnded } from '../accounts/account-service.ts';
import type { Logger } from '../logger.ts';

/** How often a socket's session is re-read from the database: on its next event, and for all sockets in a sweep. */
export interface SessionCheckTimes {
  recheckMs?: number;
  sweepMs?: number;
}

const RECHECK_MS = 2_000;
const SWEEP_MS = 5_000;
// setTimeout's limit (~24.8 days); sessions expiring later are caught by the sweep.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The room every socket of one session joins, in every namespace. */
export function sessionRoom(tokenHash: string): string {
  return `session:${tokenHash}`;
}

/** The room every socket of one user joins, in every namespace. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}

/**
 * Disconnects the sockets of ended sessions in one namespace: this node's at once, and through the adapter (Redis)
 * every other node's. Also used by the CLI, which runs no socket server, to reach the nodes over Redis.
 */
export function disconnectSessions(ns: Namespace, e: SessionsEnded): void {
  let target = e.tokenHashes ? ns.in(e.tokenHashes.map(sessionRoom)) : ns.in(userRoom(e.userId));
  if (!e.tokenHashes && e.exceptTokenHash) target = target.except(sessionRoom(e.exceptTokenHash));
  // Local first, so this node's sockets go even when the adapter's broker is unreachable.
  target.local.disconnectSockets();
  target.disconnectSockets();
}

/** What a socket knows about the session that authenticated it (`socket.data.session`). */
interface SocketSession {
  userId: string;
  tokenHash: string;
  expiresAt: number;
  checkedAt: number;
}

/** Binds sockets to sessions in every namespace it is attached to. */
export class SessionSockets {
  readonly #accounts: AccountService;
  readonly #log: Logger;
  readonly #namespaces: Namespace[] = [];
  readonly #sweep: NodeJS.Timeout;
  readonly #recheckMs: number;
  #sweeping = false;

  constructor(accounts: AccountService, log: Logger, times: SessionCheckTimes = {}) {
    this.#accounts = accounts;
    this.#log = log;
    this.#recheckMs = times.recheckMs ?? RECHECK_MS;
    this.#sweep = setInterval(() => void this.sweep(), Math.min(times.sweepMs ?? SWEEP_MS, MAX_TIMER_MS));
    this.#sweep.unref();
  }

  /** Authenticates a namespace's sockets by session token (`auth.token` or a Bearer header) and guards their events. */
  attach(ns: Namespace): void {
    this.#namespaces.push(ns);
    ns.use((socket, next) => {
      const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const header = socket.handshake.headers.authorization;
      const token =
        typeof fromAuth === 'string' ? fromAuth : /^bearer /i.test(header ?? '') ? header!.slice(7).trim() : '';
      this.#accounts.sessionFor(token).then(
        (found) => {
          if (!found) return next(new Error('UNAUTHENTICATED'));
          const { user, session } = found;
          socket.data.user = user;
          socket.data.session = { ...session, checkedAt: Date.now() } satisfies SocketSession;
          void socket.join([userRoom(user.id), sessionRoom(session.tokenHash)]);
          this.#guard(socket);
          next();
        },
        () => next(new Error('UNAUTHENTICATED')),
      );
    });
  }

  /** Disconnects the sockets of ended sessions in every namespace, here and on every other node. */
  end(e: SessionsEnded): void {
    for (const ns of this.#namespaces) disconnectSessions(ns, e);
  }

  /** Checks every local socket's session in one query; disconnects those whose session is gone. */
  async sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      const sockets = this.#namespaces.flatMap((ns) => [...ns.sockets.values()]);
      if (sockets.length === 0) return;
      const hashes = [...new Set(sockets.map((s) => (s.data.session as SocketSession).tokenHash))];
      const alive = await this.#accounts.sessions.alive(hashes);
      const now = Date.now();
      for (const s of sockets) {
        const session = s.data.session as SocketSession;
        if (alive.has(session.tokenHash)) session.checkedAt = now;
        else s.disconnect();
      }
    } catch (err) {
      this.#log.warn({ err }, 'session sweep failed');
    } finally {
      this.#sweeping = false;
    }
  }

  /** Stops the sweep. */
  close(): void {
    clearInterval(this.#sweep);
  }

  #guard(socket: Socket): void {
    const session = socket.data.session as SocketSession;
    const left = session.expiresAt - Date.now();
    if (left <= MAX_TIMER_MS) {
      const timer = setTimeout(() => socket.disconnect(), Math.max(left, 0));
      timer.unref();
      socket.once('disconnect', () => clearTimeout(timer));
    }
    socket.use((_packet, next) => {
      const now = Date.now();
      // A packet that never reaches next() is dropped; socket.io also drops packets of a disconnected socket.
      if (now >= session.expiresAt) return void socket.disconnect();
      if (now - session.checkedAt < this.#recheckMs) return next();
      this.#accounts.sessions.alive([session.tokenHash]).then(
        (alive) => {
          if (!alive.has(session.tokenHash)) return void socket.disconnect();
          session.checkedAt = Date.now();
          next();
        },
        (err: unknown) => this.#log.warn({ err }, 'session check failed; packet dropped'),
      );
    });
  }
}
