import { answerAck, InputError, type Logger, type User } from '#core';
import type { CallService, CallsNamespace } from './call-service.ts';
import type { CallsConfig } from './calls-config.ts';
import type { SessionRegistry } from './session-registry.ts';
import { parseEndpoint, parseSignal, type SignalRelay } from './signal-relay.ts';
import { parseSfuRequest } from './sfu-input.ts';
import type { CallMediaState, CallRef, CallsClientToServer } from './shared.ts';
import { iceServersFor } from './turn-credentials.ts';

function ref(req: unknown): CallRef {
  const r = (req ?? {}) as Record<string, unknown>;
  if (typeof r.roomId !== 'string' || typeof r.callId !== 'string' || typeof r.session !== 'string')
    throw new InputError('roomId, callId and session are required');
  return { roomId: r.roomId, callId: r.callId, session: r.session };
}

function flags(req: unknown): CallMediaState {
  const r = (req ?? {}) as Record<string, unknown>;
  return { audio: r.audio !== false, video: r.video !== false, screen: r.screen === true };
}

/**
 * Browser sessions on `/calls` (authenticated by the core; `socket.data.user`): start, join, leave, end,
 * decline, media changes, mesh signals and SFU requests, each answered with an ack. A socket that goes away
 * leaves its call sessions in their grace period: the tab reconnects and resumes them.
 */
export function attachSocketHandlers(
  ns: CallsNamespace,
  d: { service: CallService; signals: SignalRelay; sessions: SessionRegistry; cfg: CallsConfig; log: Logger },
): void {
  const { service, signals, sessions, cfg, log } = d;
  ns.on('connection', (socket) => {
    const user = socket.data.user as User;
    const on = <K extends keyof CallsClientToServer>(
      name: K,
      fn: (req: Record<string, unknown>) => Promise<object>,
    ): void => {
      socket.on(name as string, (req: unknown, ack: unknown) => {
        // `ice` has no request argument: its ack comes first.
        if (typeof req === 'function') [req, ack] = [{}, req];
        answerAck(ack, log, `calls:${name}`, () => fn((req ?? {}) as Record<string, unknown>));
      });
    };
    const joined = async <T extends { session: string }>(p: Promise<T>): Promise<T> => {
      const r = await p;
      await socket.join(`session:${r.session}`);
      return r;
    };
    on('start', (req) => joined(service.start(user, req.roomId, flags(req), socket.id)));
    on('join', (req) => {
      if (typeof req.callId !== 'string') throw new InputError('callId is required');
      const resume = typeof req.resume === 'string' ? req.resume : undefined;
      return joined(service.join(user, req.roomId, req.callId, flags(req), resume, socket.id));
    });
    on('leave', async (req) => {
      await service.leave(user, ref(req));
      return {};
    });
    on('end', async (req) => {
      await service.end(user, req.roomId, req.callId, 'ended');
      return {};
    });
    on('decline', async (req) => {
      await service.end(user, req.roomId, req.callId, 'declined');
      return {};
    });
    on('media', async (req) => {
      await service.media(user, ref(req), flags(req));
      return {};
    });
    on('signal', async (req) => {
      const s = service.own(user, ref(req));
      const room = await service.memberRoom(user, s.roomId);
      await signals.send(s, room, parseEndpoint(req.to), parseSignal(req.data));
      return {};
    });
    on('sfu', (req) => service.sfu(user, ref(req), parseSfuRequest(req)));
    on('state', async (req) => {
      const room = await service.memberRoom(user, req.roomId);
      return { roomId: room.id, call: await service.callOf(room.id) };
    });
    on('ice', async () => {
      const ice = iceServersFor(cfg, user.id);
      return { iceServers: ice.iceServers, iceExpiresAt: ice.expiresAt, relayOnly: cfg.relayOnly };
    });
    socket.on('disconnect', () => sessions.socketClosed(socket.id));
  });
}
