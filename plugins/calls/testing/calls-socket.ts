import { io, type Socket } from 'socket.io-client';
import { eventually } from '../../../test/harness/test-server.ts';
import type { CallView, CallsClientToServer, CallsServerToClient, SignalMessage } from '../shared.ts';

/** A test stand-in for a browser's /calls socket that records what the server pushes. */
export interface CallsSocket {
  socket: Socket<CallsServerToClient, CallsClientToServer>;
  views: CallView[];
  rings: Array<Parameters<CallsServerToClient['ring']>[0]>;
  signals: SignalMessage[];
  dropped: Array<Parameters<CallsServerToClient['dropped']>[0]>;
  /** Sends a request and returns its ack. */
  ask<K extends keyof CallsClientToServer>(name: K, req?: unknown): Promise<any>;
  /** Waits until the latest call view of a room satisfies `check`. */
  until(roomId: string, check: (v: CallView) => boolean, what?: string, ms?: number): Promise<CallView>;
  close(): void;
}

/** Connects to `/calls` on a server as the user owning `token`. */
export async function callsSocket(origin: string, token: string): Promise<CallsSocket> {
  const socket: Socket<CallsServerToClient, CallsClientToServer> = io(`${origin}/calls`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
  });
  const s: CallsSocket = {
    socket,
    views: [],
    rings: [],
    signals: [],
    dropped: [],
    ask: (name, req) =>
      name === 'ice'
        ? (socket.timeout(20_000) as any).emitWithAck(name)
        : (socket.timeout(20_000) as any).emitWithAck(name, req ?? {}),
    until: (roomId, check, what = 'call state', ms = 10_000) =>
      eventually(
        async () => {
          const v = [...s.views].reverse().find((x) => x.roomId === roomId);
          return v && check(v) ? v : null;
        },
        ms,
        what,
      ),
    close: () => void socket.close(),
  };
  socket.on('call', (v) => void s.views.push(v));
  socket.on('ring', (r) => void s.rings.push(r));
  socket.on('signal', (m) => void s.signals.push(m));
  socket.on('dropped', (d) => void s.dropped.push(d));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return s;
}
