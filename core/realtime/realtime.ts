import type * as IoRedis from 'ioredis';
import type * as RedisAdapter from '@socket.io/redis-adapter';
import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace } from 'socket.io';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

// Redis client and adapter load only when MESHWORK_REDIS_URL is set (several app nodes).
const require = createRequire(import.meta.url);
import type { AccountService, SessionsEnded } from '../accounts/account-service.ts';
import type { EngineEventBus } from '../events.ts';
import type { Logger } from '../logger.ts';
import { incomingView } from '../transport/api-routes.ts';
import type { ClientToServerEvents, ServerToClientEvents } from './realtime-events.ts';
import { SessionSockets, userRoom, type SessionCheckTimes } from './session-sockets.ts';

export { userRoom, sessionRoom } from './session-sockets.ts';

/** Socket.io on the HTTP server: authenticated by session (sockets end with it), forwarding the user's engine events, one namespace per plugin. */
export class Realtime {
  readonly io: Server<Record<string, never>, ServerToClientEvents>;
  readonly #sessions: SessionSockets;
  readonly #redis: Redis[] = [];

  constructor(
    http: HttpServer,
    accounts: AccountService,
    events: EngineEventBus,
    log: Logger,
    redisUrl: string | null = null,
    sessionChecks: SessionCheckTimes = {},
  ) {
    this.#sessions = new SessionSockets(accounts, log, sessionChecks);
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
      // The adapter publishes without handling a rejection; an emit racing shutdown (a socket's disconnect
      // handler after quit) would otherwise end the process with an unhandled rejection.
      const publish = pub.publish.bind(pub) as (channel: string, message: string | Buffer) => Promise<number>;
      pub.publish = ((channel: string, message: string | Buffer) =>
        publish(channel, message).catch((err: Error) => {
          log.warn({ err: err.message }, 'redis publish failed');
          return 0;
        })) as typeof pub.publish;
      this.#redis.push(pub, sub);
      this.io.adapter(createAdapter(pub, sub));
    }
    this.#sessions.attach(this.io.of('/'));
    // A user with no socket here gets no push: socket.io would still encode the packet (and we build its view)
    // for nobody. With Redis the user's sockets may be on another node, so every push goes out.
    const rooms = this.io.of('/').adapter.rooms;
    const toUser = (id: string) =>
      this.#redis.length > 0 || rooms.has(userRoom(id)) ? this.io.to(userRoom(id)) : undefined;
    events.on(
      'share:received',
      ({ share }) => void toUser(share.recipientId)?.emit('share:received', incomingView(share)),
    );
    events.on(
      'share:incoming-updated',
      ({ share }) => void toUser(share.recipientId)?.emit('share:incoming-updated', incomingView(share)),
    );
    events.on(
      'share:incoming-removed',
      ({ share, endedBy }) =>
        void toUser(share.recipientId)?.emit('share:incoming-removed', { ...incomingView(share), endedBy }),
    );
    events.on(
      'share:outgoing-updated',
      ({ share }) => void toUser(share.ownerId)?.emit('share:outgoing-updated', share),
    );
    events.on('account:sessions-ended', (e) => this.#sessions.end(e));
    events.on(
      'share:outgoing-removed',
      ({ share }) => void toUser(share.ownerId)?.emit('share:outgoing-removed', share),
    );
    events.on('contact:added', ({ contact }) => void toUser(contact.userId)?.emit('contact:added', contact));
    events.on(
      'invite:removed',
      ({ userId, inviteId }) => void toUser(userId)?.emit('invite:removed', { id: inviteId }),
    );
    log.debug('realtime ready');
  }

  /** The authenticated namespace of a plugin (`/<pluginId>`). */
  namespace(pluginId: string): Namespace {
    const ns = this.io.of(`/${pluginId}`);
    this.#sessions.attach(ns);
    return ns;
  }

  /** Disconnects the sockets of sessions that ended, in every namespace and on every node. */
  endSessions(e: SessionsEnded): void {
    this.#sessions.end(e);
  }

  /** Checks every local socket's session now (the periodic sweep, on demand). */
  sweep(): Promise<void> {
    return this.#sessions.sweep();
  }

  async close(): Promise<void> {
    this.#sessions.close();
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
    await Promise.all(this.#redis.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
