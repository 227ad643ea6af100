/** Helpers for the sharing tests: what a user's socket received, and what went over OCM. */
import { io as connect, type Socket } from 'socket.io-client';
import type { TestServer } from '../harness/test-server.ts';

/** A user's main-namespace socket, recording every share event in order as `event:state:name`. */
export interface ShareSocket {
  events: string[];
  close(): void;
}

const SHARE_EVENTS = ['share:received', 'share:incoming-updated', 'share:incoming-removed', 'share:outgoing-updated'];

/** Connects as a user (like the web app does) and records the share events it is sent. */
export async function shareSocket(server: TestServer, token: string): Promise<ShareSocket> {
  const socket: Socket = connect(server.origin, { auth: { token }, transports: ['websocket'], reconnection: false });
  const events: string[] = [];
  for (const name of SHARE_EVENTS)
    socket.on(name, (s: { state: string; name: string }) => void events.push(`${name}:${s.state}:${s.name}`));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { events, close: () => void socket.disconnect() };
}

/** Waits until a socket has received an event (socket delivery is asynchronous even when the server is not). */
export async function received(socket: ShareSocket, event: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!socket.events.includes(event)) {
    if (Date.now() > until) throw new Error(`socket never received ${event}; got ${JSON.stringify(socket.events)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Counts the OCM requests a server receives (discovery, keys, shares, notifications, token) from now on: a share
 * between two of its users must cause none. Every HTTP request reaching the server passes the counter.
 */
export function ocmRequests(server: TestServer): { count(): number; paths: string[] } {
  const paths: string[] = [];
  server.engine.http.on('request', (req: { url?: string }) => {
    const url = req.url ?? '';
    if (/^\/(ocm(\/|$|-provider)|\.well-known\/(ocm|jwks\.json))/.test(url)) paths.push(url);
  });
  return { count: () => paths.length, paths };
}

/** Every outbox row ever stored and still present (queued or given up). */
export async function outboxRows(server: TestServer): Promise<number> {
  const row = await server.engine.database.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Every outgoing share row of a server, in any state. */
export async function outgoingRows(server: TestServer): Promise<number> {
  const row = await server.engine.database.db
    .selectFrom('shares_out')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
