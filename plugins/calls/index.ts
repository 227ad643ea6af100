import { definePlugin, type MeshworkPlugin, type User } from '#core';
import type { ChatApi } from '../chat/public-api.ts';
import { CallEvents } from './call-events.ts';
import { callRules } from './call-rules.ts';
import { CallService, type CallsNamespace } from './call-service.ts';
import { readCallsConfig } from './calls-config.ts';
import { Liveness } from './liveness.ts';
import { s2sRouter } from './s2s-routes.ts';
import { SessionRegistry } from './session-registry.ts';
import { SignalRelay } from './signal-relay.ts';
import { attachSocketHandlers } from './socket-handlers.ts';
import { callsSocketEvents } from './socket-schemas.ts';
import { JanusAdapter } from './sfu/janus-adapter.ts';
import type { SfuAdapter } from './sfu/sfu-adapter.ts';
import { SfuGateway } from './sfu/sfu-gateway.ts';
import { CALLS_S2S, SfuRelay } from './sfu/sfu-relay.ts';
import { SfuTokens } from './sfu/sfu-tokens.ts';
import { iceServersFor } from './turn-credentials.ts';

/** Timings, mostly for tests and benchmarks. */
export interface CallsPluginOptions {
  /** How long a disconnected tab keeps its place in a call. Default 20 s. */
  graceMs?: number;
  /** How often a room's host checks that its calls' participants are still there. Default 5 s. */
  aliveMs?: number;
  /** How long a one-to-one call rings. Default 30 s. */
  ringMs?: number;
  /** How long a join waits for a remote host. Default 15 s. */
  hostTimeoutMs?: number;
  /** Receives the SFU adapter once set up (the benchmark reads its counts). */
  onSfu?: (sfu: SfuAdapter | null) => void;
}

/**
 * Audio/video calls in chat rooms (`/api/v1/calls`, socket namespace `/calls`, signed routes under
 * `/plugins/calls/s2s`). A call belongs to a room and its host orders the call's state in the room's event
 * stream (chat's published API); media goes peer-to-peer up to `MESHWORK_CALLS_MESH_MAX` participants and
 * through SFUs beyond, each server's own SFU holding its users' publications.
 */
export function callsPlugin(opts: CallsPluginOptions = {}): MeshworkPlugin {
  return definePlugin({
    id: 'calls',
    resourceTypes: [],
    dependsOn: ['chat'],
    async setup(ctx) {
      const { logger: log } = ctx;
      const cfg = readCallsConfig(ctx.config.variables);
      const chat = ctx.use<ChatApi>('chat');
      const selfHost = () => ctx.identity.host.toLowerCase();
      const io = callsSocketEvents.attach(ctx.realtime, log);
      const ns: CallsNamespace = io.ns;
      const graceMs = opts.graceMs ?? 20_000;

      const sfu = cfg.janusUrl
        ? new JanusAdapter({ url: cfg.janusUrl, apiSecret: cfg.janusApiSecret, adminKey: cfg.janusAdminKey, log })
        : null;
      // Connected now so a misconfiguration shows at start-up; calls connect again when they need it.
      sfu?.open().catch((err) => log.warn({ err: (err as Error).message }, 'Janus cannot be reached (yet)'));
      opts.onSfu?.(sfu);
      const gateway = sfu ? new SfuGateway({ sfu, tokens: new SfuTokens(), chat, selfHost, log }) : null;
      const relay = new SfuRelay({ remote: ctx.remote, gateway, selfHost });
      let service: CallService | null = null;
      const sessions = new SessionRegistry(graceMs, (s) => void service?.expired(s));
      service = new CallService({
        chat,
        cfg,
        sessions,
        relay,
        selfHost,
        log,
        hostTimeoutMs: opts.hostTimeoutMs ?? 15_000,
      });
      const events = new CallEvents({
        chat,
        ns,
        service,
        sessions,
        gateway,
        relay,
        log,
        ringMs: opts.ringMs ?? 30_000,
      });
      chat.setCallPlanner(
        callRules({ selfHost, meshMax: cfg.meshMax, sfuPolicy: cfg.sfuPolicy, hostHasSfu: gateway !== null }),
      );
      const offs = [
        chat.onEvents((room, evs) => events.onEvents(room, evs)),
        chat.onMemberGone((room, address) => events.memberGone(room, address)),
        chat.onRefused((f) => service?.refused(f.actionId, f.code, f.message)),
      ];
      const signals = new SignalRelay({ chat, ns, remote: ctx.remote, selfHost });
      const liveness = new Liveness({ chat, remote: ctx.remote, sessions, selfHost, log });
      attachSocketHandlers(io, { service, signals, sessions, cfg, log });
      ctx.mount(CALLS_S2S, s2sRouter({ peerAuth: ctx.peerAuth, signals, liveness, gateway, log }));

      ctx.api.get('/ice', (req, res) => {
        const ice = iceServersFor(cfg, (req.user as User).id);
        res.json({ iceServers: ice.iceServers, iceExpiresAt: ice.expiresAt, relayOnly: cfg.relayOnly });
      });
      ctx.api.get('/rooms/:roomId', async (req, res) => {
        const room = await service.memberRoom(req.user as User, String(req.params.roomId));
        res.json({ roomId: room.id, call: await chat.activeCall(room.id) });
      });

      let closed = false;
      const round = () => {
        if (!closed) liveness.round().catch((err) => log.warn({ err: (err as Error).message }, 'call liveness failed'));
      };
      const timer = setInterval(round, opts.aliveMs ?? 5000);
      timer.unref();
      // After a restart: unanswered one-to-one calls hosted here still end as missed.
      const first = setTimeout(() => {
        chat
          .activeCalls()
          .then((all) => all.forEach(({ room, call }) => events.resumeRinging(room, call)))
          .catch(() => undefined);
      }, 100);

      return {
        async dispose() {
          closed = true;
          clearInterval(timer);
          clearTimeout(first);
          for (const off of offs) off();
          events.dispose();
          sessions.clear();
          await sfu?.dispose();
        },
      };
    },
  });
}
