import { io, type Socket } from 'socket.io-client';
import type { ServerToClientEvents } from './types.ts';

/** The main namespace socket: server-to-client events from the core, nothing sent by the browser. */
export type MeshworkSocket = Socket<ServerToClientEvents, Record<never, never>>;

/** Options of a socket connection. */
export interface SocketOptions {
  /** Called when the server refuses the token or ends the socket's session (logout elsewhere, expiry…). */
  onUnauthorized?: () => void;
}

function connect<S extends Socket>(namespace: string, token: string, opts: SocketOptions): S {
  // Same origin as the page; the token travels in the handshake's `auth`, never in the URL.
  const socket = io(namespace, {
    auth: { token },
    transports: ['websocket', 'polling'],
    reconnectionDelayMax: 10_000,
  }) as unknown as S;
  socket.on('connect_error', (err: Error) => {
    if (err.message === 'UNAUTHENTICATED') opts.onUnauthorized?.();
  });
  // The server disconnects a socket itself only when its session ended (logout elsewhere, password changed,
  // account disabled or deleted, expiry); socket.io does not reconnect after that, so the app asks to log in.
  socket.on('disconnect', (reason: string) => {
    if (reason === 'io server disconnect') opts.onUnauthorized?.();
  });
  return socket;
}

/** Opens the authenticated socket.io connection for share and contact events. */
export function connectSocket(token: string, opts: SocketOptions = {}): MeshworkSocket {
  return connect<MeshworkSocket>('/', token, opts);
}

/** socket.io's own bound for event maps: any interface of listener signatures (hence `any`). */

export type EventMap = { [event: string]: any };

/** Opens a plugin's authenticated namespace (`/<pluginId>`), typed by the plugin's own event maps. */
export function connectPluginSocket<S2C extends EventMap, C2S extends EventMap = Record<never, never>>(
  pluginId: string,
  token: string,
  opts: SocketOptions = {},
): Socket<S2C, C2S> {
  return connect<Socket<S2C, C2S>>(`/${pluginId}`, token, opts);
}
