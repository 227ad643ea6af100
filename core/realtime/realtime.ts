import type * as IoRedis from 'ioredis';
import type * as RedisAdapter from '@socket.io/redis-adapter';
import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

// Redis client and adapter load only when MESHWORK_REDIS_URL is set (several app nodes).
const require = createRequire(import.meta.url);
import type { AccountService } from '../accounts/account-service.ts';
import { authenticate } from '../accounts/auth-middleware.ts';
import type { EngineEventBus } from '../events.ts';
import type { Logger } from '../logger.ts';
import { incomingView } from '../transport/api-routes.ts';
import type { ClientToServerEvents, ServerToClientEvents } from './realtime-events.ts';

/** The room every socket of one user joins, in every namespace. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}

/** Rejects a socket that has no valid session token (`auth.token` or a Bearer header). */
function authMiddleware(accounts: AccountService) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const header = typeof fromAuth === 'string' ? `Bearer ${fromAuth}` : socket.handshake.headers.authorization;
    authenticate(accounts, header).then(
      (auth) => {
        if (!auth) return next(new Error('UNAUTHENTICATED'));
        socket.data.user = auth.user;
        void socket.join(userRoom(auth.user.id));
        next();
      },
      () => next(new Error('UNAUTHENTICATED')),
    );
  };
}

/** Socket.io on the HTTP server: authenticated, forwarding the user's engine events, one namespace per plugin. */
export class Realtime {
  readonly io: Server<Record<string, never>, ServerToClientEvents>;
  readonly #accounts: AccountService;
  readonly #redis: Redis[] = [];

  constructor(
    http: HttpServer,
    accounts: AccountService,
    events: EngineEventBus,
    log: Logger,
    redisUrl: string | null = null,
  ) {
    this.#accounts = accounts;
    this.io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
      serveClient: false,
      cors: { origin: false },
    });
    if (redisUrl) {
      // Several app nodes: every emit to a user's room reaches their sockets on any node.
      const { Redis: RedisClient } = require('ioredis') as typeof IoRedis;
      const { createAdapter } = require('@socket.io/redis-adapter') as typeof RedisAdapter;
      const pub = new RedisClient(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
      const sub = pub.duplicate();
      for (const c of [pub, sub]) c.on('error', (err) => log.warn({ err: err.message }, 'redis connection problem'));
      this.#redis.push(pub, sub);
      this.io.adapter(createAdapter(pub, sub));
    }
    this.io.use(authMiddleware(accounts));
    const toUser = (id: string) => this.io.to(userRoom(id));
    events.on(
      'share:received',
      ({ share }) => void toUser(share.recipientId).emit('share:received', incomingView(share)),
    );
    events.on(
      'share:incoming-updated',
      ({ share }) => void toUser(share.recipientId).emit('share:incoming-updated', incomingView(share)),
    );
    events.on(
      'share:incoming-removed',
      ({ share, endedBy }) =>
        void toUser(share.recipientId).emit('share:incoming-removed', { ...incomingView(share), endedBy }),
    );
    events.on(
      'share:outgoing-updated',
      ({ share }) => void toUser(share.ownerId).emit('share:outgoing-updated', share),
    );
    events.on(
      'share:outgoing-removed',
      ({ share }) => void toUser(share.ownerId).emit('share:outgoing-removed', share),
    );
    events.on('contact:added', ({ contact }) => void toUser(contact.userId).emit('contact:added', contact));
    events.on('invite:removed', ({ userId, inviteId }) => void toUser(userId).emit('invite:removed', { id: inviteId }));
    log.debug('realtime ready');
  }

  /** The authenticated namespace of a plugin (`/<pluginId>`). */
  namespace(pluginId: string): Namespace {
    const ns = this.io.of(`/${pluginId}`);
    ns.use(authMiddleware(this.#accounts));
    return ns;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
    await Promise.all(this.#redis.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
