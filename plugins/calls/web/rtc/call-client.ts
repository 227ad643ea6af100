import type { Ack, CallParticipant, CallsClientToServer, CallView, JoinResult, SignalMessage } from '../../shared.ts';
import { ENDED_WORDS, type CallClientState, type CallsSocket, type RemoteView } from './call-state.ts';
import { LocalMedia } from './local-media.ts';
import { MeshLink, type PcConfig } from './mesh-link.ts';
import { SfuPublisher, SfuSubscription } from './sfu-links.ts';
import { SpeakingMeter } from './speaking.ts';

function before(a: { address: string; session: string }, b: { address: string; session: string }): boolean {
  return a.address < b.address || (a.address === b.address && a.session < b.session);
}

/**
 * One tab's call: joins through its own server, keeps a peer connection to every other participant in mesh mode
 * (the lower of two (address, session) pairs offers), and in SFU mode publishes to its SFU and subscribes to
 * everyone else's publication. Switching to SFU mode keeps each mesh connection until that person's SFU stream
 * arrives (nobody re-dials). After a dropped connection it resumes its session; failed connections negotiate
 * again by themselves.
 */
export class CallClient {
  readonly #socket: CallsSocket;
  readonly media = new LocalMedia();
  readonly #meter: SpeakingMeter;
  readonly #mesh = new Map<string, MeshLink>();
  readonly #subs = new Map<string, SfuSubscription>();
  #pub: SfuPublisher | null = null;
  #join: JoinResult | null = null;
  #listeners = new Set<(s: CallClientState) => void>();
  #state: CallClientState;
  #wasDisconnected = false;
  #iceTimer: ReturnType<typeof setTimeout> | null = null;
  // Signals that reach this tab while its join is on its way (its server listens for them from the start).
  #beforeJoined: SignalMessage[] = [];

  constructor(socket: CallsSocket, me: string) {
    this.#socket = socket;
    this.#meter = new SpeakingMeter(() => this.#emit());
    this.#state = {
      phase: 'idle',
      message: null,
      roomId: null,
      callId: null,
      session: null,
      call: null,
      mode: 'mesh',
      me: { address: me, audio: true, video: true, screen: false, speaking: false, stream: null },
      remotes: [],
    };
    socket.on('call', this.#onCall);
    socket.on('signal', this.#onSignal);
    socket.on('dropped', this.#onDropped);
    socket.on('disconnect', this.#onDisconnect);
    socket.on('connect', this.#onConnect);
  }

  get state(): CallClientState {
    return this.#state;
  }

  /** Every peer connection of this call (tests and statistics). */
  connections(): RTCPeerConnection[] {
    const all = [...this.#mesh.values(), ...this.#subs.values(), ...(this.#pub ? [this.#pub] : [])];
    return all.map((l) => l.pc).filter((pc): pc is RTCPeerConnection => pc !== null);
  }

  subscribe(fn: (s: CallClientState) => void): () => void {
    this.#listeners.add(fn);
    fn(this.#state);
    return () => void this.#listeners.delete(fn);
  }

  #patch(p: Partial<CallClientState>): void {
    this.#state = { ...this.#state, ...p };
    this.#emit();
  }

  #emit(): void {
    const s = this.#state;
    const me = { ...s.me, speaking: s.me.audio && this.#meter.isSpeaking('me') };
    this.#state = { ...s, me, remotes: this.#remotes() };
    for (const l of this.#listeners) l(this.#state);
  }

  async #ask<K extends keyof CallsClientToServer>(name: K, req: unknown): Promise<any> {
    const s = this.#socket.timeout(20_000) as any;
    const r = (await (req === undefined ? s.emitWithAck(name) : s.emitWithAck(name, req))) as Ack<any>;
    if (!r.ok) throw Object.assign(new Error(r.message), { code: r.code });
    return r;
  }

  /** Starts a call in the room (callId null) or joins the one going on. */
  async join(roomId: string, callId: string | null, opts: { audio: boolean; video: boolean }): Promise<void> {
    this.#patch({ phase: 'joining', message: null, roomId });
    try {
      const stream = await this.media.open();
      const audio = opts.audio && this.media.enable('audio', opts.audio);
      const video = opts.video && this.media.enable('video', opts.video);
      if (!opts.audio) this.media.enable('audio', false);
      if (!opts.video) this.media.enable('video', false);
      this.#meter.watch('me', stream);
      this.#patch({ me: { ...this.#state.me, audio, video, stream }, message: this.media.problem });
      const r: JoinResult = callId
        ? await this.#ask('join', { roomId, callId, audio, video })
        : await this.#ask('start', { roomId, audio, video });
      this.#joined(r);
    } catch (err) {
      this.#beforeJoined = [];
      this.media.close();
      this.#patch({ phase: 'failed', message: (err as Error).message || 'The call could not be joined.' });
      throw err;
    }
  }

  #joined(r: JoinResult): void {
    this.#join = r;
    this.#scheduleIce(r.iceExpiresAt);
    this.#patch({
      phase: 'connected',
      roomId: r.roomId,
      callId: r.callId,
      session: r.session,
      call: r.call,
      mode: r.call.mode,
    });
    this.#sync();
    const early = this.#beforeJoined;
    this.#beforeJoined = [];
    for (const m of early) this.#onSignal(m);
  }

  /** TURN credentials expire: fresh ones are fetched a minute before, for every later (re)negotiation. */
  #scheduleIce(expiresAt: number | null): void {
    if (this.#iceTimer) clearTimeout(this.#iceTimer);
    this.#iceTimer = null;
    if (!expiresAt) return;
    const wait = Math.max(30_000, expiresAt - Date.now() - 60_000);
    this.#iceTimer = setTimeout(() => {
      this.#ask('ice', undefined)
        .then((r: { iceServers: JoinResult['iceServers']; iceExpiresAt: number | null; relayOnly: boolean }) => {
          if (!this.#join) return;
          this.#join = { ...this.#join, iceServers: r.iceServers, relayOnly: r.relayOnly };
          const cfg = this.#cfg;
          for (const l of [...this.#mesh.values(), ...this.#subs.values(), ...(this.#pub ? [this.#pub] : [])]) {
            l.setConfig(cfg);
            l.pc?.setConfiguration({ ...l.pc.getConfiguration(), iceServers: cfg.iceServers });
          }
          this.#scheduleIce(r.iceExpiresAt);
        })
        .catch(() => this.#scheduleIce(Date.now() + 90_000));
    }, wait);
  }

  get #cfg(): PcConfig {
    return { iceServers: this.#join?.iceServers ?? [], relayOnly: this.#join?.relayOnly ?? false };
  }

  #ref() {
    return { roomId: this.#state.roomId, callId: this.#state.callId, session: this.#state.session };
  }

  #onCall = (v: CallView): void => {
    if (v.roomId !== this.#state.roomId || (this.#state.phase !== 'connected' && this.#state.phase !== 'reconnecting'))
      return;
    if (!v.call || v.call.callId !== this.#state.callId) return this.#ended(ENDED_WORDS.ended as string);
    this.#patch({ call: v.call, mode: v.call.mode });
    this.#sync();
  };

  #onSignal = (m: SignalMessage): void => {
    // Someone saw this tab join before its own answer arrived: keep what they sent until the session is known.
    if (this.#state.phase === 'joining') {
      if (this.#beforeJoined.length < 200) this.#beforeJoined.push(m);
      return;
    }
    if (m.to.session !== this.#state.session || m.callId !== this.#state.callId) return;
    let link = this.#mesh.get(m.from.session);
    // An offer from someone this tab has not seen join yet (the event is on its way): answer it anyway.
    if (!link && m.data.kind === 'offer') link = this.#meshLink(m.from);
    void link?.handle(m.data);
  };

  #onDropped = (d: { session: string; reason: string }): void => {
    if (d.session !== this.#state.session) return;
    this.#ended(ENDED_WORDS[d.reason] ?? (ENDED_WORDS.ended as string));
  };

  #onDisconnect = (reason: string): void => {
    console.debug(`[calls] socket disconnected (${reason}) while ${this.#state.phase}`);
    if (this.#state.phase !== 'connected') return;
    this.#wasDisconnected = true;
    this.#patch({ phase: 'reconnecting' });
  };

  #onConnect = (): void => {
    console.debug(`[calls] socket connected while ${this.#state.phase}`);
    if (!this.#wasDisconnected || this.#state.phase !== 'reconnecting') return;
    this.#wasDisconnected = false;
    const { roomId, callId, session, me } = this.#state;
    // Take the same place again; media that kept flowing meanwhile is not interrupted.
    this.#ask('join', { roomId, callId, resume: session, audio: me.audio, video: me.video })
      .then((r: JoinResult) => {
        console.debug(`[calls] joined again: ${r.session === session ? 'same place' : 'a new place'}`);
        if (r.session !== session) this.#closeLinks(); // our place was gone: we joined afresh
        this.#joined(r);
      })
      .catch(() => this.#ended('The call ended while you were disconnected.'));
  };

  #meshLink(remote: { address: string; session: string }): MeshLink {
    const me = { address: this.#state.me.address, session: this.#state.session ?? '' };
    const link = new MeshLink({
      remote,
      offerer: before(me, remote),
      cfg: this.#cfg,
      local: () => this.media.stream,
      send: (data) => this.#ask('signal', { ...this.#ref(), to: remote, data }),
      changed: () => this.#emit(),
    });
    this.#mesh.set(remote.session, link);
    link.start();
    return link;
  }

  /** Brings the connections in line with the call's participants and mode. */
  #sync(): void {
    const call = this.#state.call;
    if (!call) return;
    const others = call.participants.filter((p) => p.session !== this.#state.session);
    const present = new Set(others.map((p) => p.session));
    for (const links of [this.#mesh, this.#subs] as Array<Map<string, { close(): void }>>)
      for (const [s, l] of links) {
        if (present.has(s)) continue;
        l.close();
        links.delete(s);
        this.#meter.unwatch(s);
      }
    if (call.mode === 'mesh') {
      for (const p of others) if (!this.#mesh.has(p.session)) this.#meshLink(p);
    } else {
      this.#publish();
      for (const p of others) this.#subscribeTo(p);
    }
    this.#emit();
  }

  #publish(): void {
    if (this.#pub || !this.#join?.publishTo) return;
    const target = this.#join.publishTo;
    this.#pub = new SfuPublisher({
      cfg: this.#cfg,
      request: (req) => this.#ask('sfu', { ...this.#ref(), ...req }),
      changed: () => this.#emit(),
      target: () => target,
      local: () => this.media.stream,
    });
    void this.#pub.start();
  }

  #subscribeTo(p: CallParticipant): void {
    const cur = this.#subs.get(p.session);
    if (!p.pub) return;
    if (cur && cur.feed === p.pub.feed && cur.sfuHost === p.pub.sfu) return;
    cur?.close();
    const sub = new SfuSubscription({
      cfg: this.#cfg,
      request: (req) => this.#ask('sfu', { ...this.#ref(), ...req }),
      changed: () => {
        // Make before break: the mesh connection goes once the SFU stream is there.
        if (sub.state === 'connected' && sub.stream) {
          const mesh = this.#mesh.get(p.session);
          if (mesh) {
            mesh.close();
            this.#mesh.delete(p.session);
          }
        }
        this.#emit();
      },
      sfu: p.pub.sfu,
      feed: p.pub.feed,
    });
    this.#subs.set(p.session, sub);
    void sub.start();
  }

  #remotes(): RemoteView[] {
    const call = this.#state.call;
    if (!call) return [];
    return call.participants
      .filter((p) => p.session !== this.#state.session)
      .map((p) => {
        const sub = this.#subs.get(p.session);
        const mesh = this.#mesh.get(p.session);
        // The mesh stream stays on screen until the SFU's copy is connected (make before break).
        const useSfu = sub && ((sub.state === 'connected' && sub.stream) || !mesh);
        const stream = (useSfu ? sub?.stream : mesh?.stream) ?? null;
        this.#meter.watch(p.session, stream);
        return {
          address: p.address,
          session: p.session,
          displayName: p.displayName,
          stream,
          audio: p.audio,
          video: p.video,
          screen: p.screen,
          speaking: p.audio && this.#meter.isSpeaking(p.session),
          state: (useSfu ? sub?.state : mesh?.state) ?? 'connecting',
          via: useSfu ? 'sfu' : 'mesh',
        };
      });
  }

  async #media(): Promise<void> {
    const { audio, video, screen } = this.#state.me;
    await this.#ask('media', { ...this.#ref(), audio, video, screen }).catch(() => undefined);
  }

  /** Mutes or unmutes the microphone. */
  async setAudio(on: boolean): Promise<void> {
    if (!this.media.enable('audio', on) && on) return;
    this.#patch({ me: { ...this.#state.me, audio: on } });
    await this.#media();
  }

  /** Turns the camera off or on. */
  async setVideo(on: boolean): Promise<void> {
    if (!this.media.enable('video', on) && on) return;
    this.#patch({ me: { ...this.#state.me, video: on } });
    await this.#media();
  }

  async #replace(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    for (const l of this.#mesh.values()) await l.replaceTrack(kind, track);
    await this.#pub?.replaceTrack(kind, track);
  }

  /** Starts or stops sharing the screen (sent instead of the camera). */
  async toggleScreen(): Promise<void> {
    if (this.#state.me.screen) {
      await this.#replace('video', this.media.stopScreen());
      this.#patch({ me: { ...this.#state.me, screen: false } });
    } else {
      const track = await this.media.startScreen(() => void this.toggleScreen());
      if (!track) return;
      await this.#replace('video', track);
      this.#patch({ me: { ...this.#state.me, screen: true, video: true } });
    }
    await this.#media();
  }

  /** Switches microphone or camera. */
  async switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const track = await this.media.switchDevice(kind, deviceId);
    if (track) await this.#replace(kind, track);
    if (kind === 'audio') this.#meter.watch('me', this.media.stream);
    this.#emit();
  }

  /** Leaves the call (others stay). */
  async leave(): Promise<void> {
    const ref = this.#ref();
    this.#ended(null);
    if (ref.session) await this.#ask('leave', ref).catch(() => undefined);
  }

  /** Ends the call for everyone. */
  async end(): Promise<void> {
    const { roomId, callId } = this.#state;
    await this.#ask('end', { roomId, callId });
  }

  #closeLinks(): void {
    for (const l of this.#mesh.values()) l.close();
    for (const l of this.#subs.values()) l.close();
    this.#pub?.close();
    this.#mesh.clear();
    this.#subs.clear();
    this.#pub = null;
  }

  #ended(message: string | null): void {
    if (this.#iceTimer) clearTimeout(this.#iceTimer);
    this.#iceTimer = null;
    this.#closeLinks();
    this.#meter.close();
    this.media.close();
    this.#patch({ phase: 'ended', message, call: null, me: { ...this.#state.me, stream: null, screen: false } });
  }

  /** Detaches from the socket (the tab closes the call screen for good). */
  dispose(): void {
    if (this.#state.phase === 'connected' || this.#state.phase === 'reconnecting') void this.leave();
    this.#socket.off('call', this.#onCall);
    this.#socket.off('signal', this.#onSignal);
    this.#socket.off('dropped', this.#onDropped);
    this.#socket.off('disconnect', this.#onDisconnect);
    this.#socket.off('connect', this.#onConnect);
    this.#listeners.clear();
  }
}
