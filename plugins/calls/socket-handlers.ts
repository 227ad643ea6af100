import type { Logger } from '#core';
import type { SocketApi } from '#sdk';
import type { CallService, EnterHook } from './call-service.ts';
import type { CallsConfig } from './calls-config.ts';
import { sessionChannel, type SessionRegistry } from './session-registry.ts';
import { parseEndpoint, parseSignal, type SignalRelay } from './signal-relay.ts';
import { parseSfuRequest } from './sfu-input.ts';
import type { CallMediaState, CallsClientToServer, CallsServerToClient } from './shared.ts';
import { iceServersFor } from './turn-credentials.ts';

/** Media flags as sent (each optional: audio and video default on, screen off). */
function flags(req: Partial<CallMediaState>): CallMediaState {
  return { audio: req.audio !== false, video: req.video !== false, screen: req.screen === true };
}

/**
 * Browser sessions on `/calls` (authenticated by the core; `socket.data.user`): start, join, leave, end,
 * decline, media changes, mesh signals and SFU requests, each answered with an ack. A socket that goes away
 * leaves its call sessions in their grace period: the tab reconnects and resumes them.
 */
export function attachSocketHandlers(
  io: SocketApi<CallsClientToServer, CallsServerToClient>,
  d: { service: CallService; signals: SignalRelay; sessions: SessionRegistry; cfg: CallsConfig; log: Logger },
): void {
  const { service, signals, sessions, cfg } = d;
  io.ns.on('connection', (socket) => {
    const user = socket.data.user;
    // Every request passed its schema (socket-schemas.ts) before a handler sees it; a bad one is an error ack.
    // The tab's socket joins its new session's channel before the host orders the join, so an offer another
    // participant sends as soon as they see it join is not lost; a refused join leaves the channel again.
    const joined = async <T extends { session: string }>(run: (enter: EnterHook) => Promise<T>): Promise<T> => {
      let entered: string | null = null;
      try {
        const r = await run(async (session) => {
          entered = session;
          await socket.join(sessionChannel(session));
        });
        await socket.join(sessionChannel(r.session));
        return r;
      } catch (err) {
        if (entered) await socket.leave(sessionChannel(entered));
        throw err;
      }
    };
    const ref = (req: { roomId: string; callId: string; session: string }) => ({
      roomId: req.roomId,
      callId: req.callId,
      session: req.session,
    });
    io.handle(socket, 'start', (req) =>
      joined((enter) => service.start(user, req.roomId, flags(req), socket.id, enter)),
    );
    io.handle(socket, 'join', (req) =>
      joined((enter) => service.join(user, req.roomId, req.callId, flags(req), req.resume, socket.id, enter)),
    );
    io.handle(socket, 'leave', async (req) => {
      await service.leave(user, ref(req));
      return {};
    });
    io.handle(socket, 'end', async (req) => {
      await service.end(user, req.roomId, req.callId, 'ended');
      return {};
    });
    io.handle(socket, 'decline', async (req) => {
      await service.end(user, req.roomId, req.callId, 'declined');
      return {};
    });
    io.handle(socket, 'media', async (req) => {
      await service.media(user, ref(req), flags(req));
      return {};
    });
    io.handle(socket, 'signal', async (req) => {
      const s = service.own(user, ref(req));
      const room = await service.memberRoom(user, s.roomId);
      await signals.send(s, room, parseEndpoint(req.to), parseSignal(req.data));
      return {};
    });
    io.handle(socket, 'sfu', (req) =>
      service.sfu(user, ref(req), parseSfuRequest(req as unknown as Record<string, unknown>)),
    );
    io.handle(socket, 'state', async (req) => {
      const room = await service.memberRoom(user, req.roomId);
      return { roomId: room.id, call: await service.callOf(room.id) };
    });
    io.handle(socket, 'ice', async () => {
      const ice = iceServersFor(cfg, user.id);
      return { iceServers: ice.iceServers, iceExpiresAt: ice.expiresAt, relayOnly: cfg.relayOnly };
    });
    socket.on('disconnect', () => sessions.socketClosed(socket.id));
  });
}
