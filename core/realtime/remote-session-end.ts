/**
 * Ending sessions from a process that runs no socket server (the `meshwork user` CLI): with Redis configured, the
 * disconnects are published on the socket.io Redis adapter's channels, so every running node drops the sockets at
 * once. Without Redis the nodes' periodic session sweep (every 5 s) does it.
 */
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { SessionsEnded } from '../accounts/session-store.ts';
import { disconnectSessions } from './session-sockets.ts';

/** Publishes the disconnects of ended sessions to every node, in the core namespace and the plugins' (`/<id>`). */
export async function endSessionsOverRedis(
  redisUrl: string,
  pluginIds: readonly string[],
  ended: readonly SessionsEnded[],
): Promise<void> {
  if (ended.length === 0) return;
  const pub = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 5000 });
  // No ready check (INFO) on the subscriber: the adapter subscribes at once, and INFO arriving after a subscription
  // is refused by Redis ("only (P|S)SUBSCRIBE … allowed"), which crashed the CLI once a fifth namespace was added.
  const sub = pub.duplicate({ enableReadyCheck: false });
  // Failures surface through the awaited commands below; the listeners only keep ioredis from crashing the process.
  for (const c of [pub, sub]) c.on('error', () => {});
  const io = new Server();
  try {
    io.adapter(createAdapter(pub, sub));
    await pub.ping();
    for (const name of ['/', ...pluginIds.map((id) => `/${id}`)])
      for (const e of ended) disconnectSessions(io.of(name), e);
    // Commands run in order: once this answers, every publish above has been sent.
    await pub.ping();
  } finally {
    // No io.close(): this server never listened (it has no engine); quitting the clients ends its subscriptions.
    await Promise.all([pub, sub].map((c) => c.quit().catch(() => c.disconnect())));
  }
}
