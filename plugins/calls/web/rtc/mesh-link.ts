import type { Endpoint, SignalData } from '../../shared.ts';

/** How a connection to one remote participant (or SFU handle) is doing. */
export type LinkState = 'connecting' | 'connected' | 'failed' | 'closed';

/** What a peer connection is created with. */
export interface PcConfig {
  iceServers: RTCIceServer[];
  relayOnly: boolean;
}

/** A new RTCPeerConnection with this user's ICE servers (TURN from their own server). */
export function newPeerConnection(cfg: PcConfig): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: cfg.iceServers,
    iceTransportPolicy: cfg.relayOnly ? 'relay' : 'all',
    bundlePolicy: 'max-bundle',
  });
}

/** Sends this stream's tracks on a connection; a missing kind is still received (recvonly). */
export function addLocalTracks(pc: RTCPeerConnection, stream: MediaStream | null, receive: boolean): void {
  for (const kind of ['audio', 'video'] as const) {
    const track = stream?.getTracks().find((t) => t.kind === kind);
    if (track && stream) pc.addTrack(track, stream);
    else if (receive) pc.addTransceiver(kind, { direction: 'recvonly' });
  }
}

function newId(): string {
  return Math.random().toString(36).slice(2, 12);
}

const ANSWER_WAIT_MS = 10_000;
const DISCONNECTED_GRACE_MS = 5000;

/**
 * A peer-to-peer connection with one other participant (mesh mode). Roles are fixed, as MSC3401 does it: the
 * participant with the lower (address, session) offers, the other answers, so both never offer at once. Every
 * negotiation has an id (`pc`): a new offer with a new id replaces the connection (ICE restart after a network
 * blip, or a participant who reloaded), and messages of an old negotiation are ignored. Candidates that arrive
 * before their offer wait for it. The offerer repeats an offer nobody answered.
 */
export class MeshLink {
  readonly remote: Endpoint;
  readonly offerer: boolean;
  state: LinkState = 'connecting';
  stream: MediaStream | null = null;
  #pc: RTCPeerConnection | null = null;
  #pcId = '';
  #cfg: PcConfig;
  readonly #local: () => MediaStream | null;
  readonly #send: (d: SignalData) => Promise<void>;
  readonly #changed: () => void;
  readonly #pending = new Map<string, RTCIceCandidateInit[]>();
  #queue: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;
  #attempt = 0;

  constructor(o: {
    remote: Endpoint;
    offerer: boolean;
    cfg: PcConfig;
    local: () => MediaStream | null;
    send: (d: SignalData) => Promise<void>;
    changed: () => void;
  }) {
    this.remote = o.remote;
    this.offerer = o.offerer;
    this.#cfg = o.cfg;
    this.#local = o.local;
    this.#send = o.send;
    this.#changed = o.changed;
  }

  /** The live peer connection (for tests and statistics). */
  get pc(): RTCPeerConnection | null {
    return this.#pc;
  }

  /** Starts: the offerer offers; the answerer waits for the offer. */
  start(): void {
    if (this.offerer) void this.#offer();
  }

  /** New ICE servers (fresh TURN credentials) for the next negotiation. */
  setConfig(cfg: PcConfig): void {
    this.#cfg = cfg;
  }

  #post(d: SignalData): void {
    // One message at a time, in order: candidates never overtake their offer on the way.
    this.#queue = this.#queue.then(() => this.#send(d).catch(() => undefined));
  }

  #newPc(id: string): RTCPeerConnection {
    this.#pc?.close();
    this.#pcId = id;
    const pc = newPeerConnection(this.#cfg);
    this.#pc = pc;
    addLocalTracks(pc, this.#local(), true);
    pc.onicecandidate = (e) => {
      if (this.#pc !== pc) return;
      this.#post({ kind: 'candidate', pc: id, candidate: e.candidate ? (e.candidate.toJSON() as never) : null });
    };
    pc.ontrack = (e) => {
      if (this.#pc !== pc) return;
      this.stream = e.streams[0] ?? this.stream ?? new MediaStream();
      if (!this.stream.getTracks().includes(e.track)) this.stream.addTrack(e.track);
      this.#changed();
    };
    pc.onconnectionstatechange = () => {
      if (this.#pc !== pc) return;
      const s = pc.connectionState;
      if (s === 'connected') {
        this.#attempt = 0;
        this.#clearTimer();
        this.#set('connected');
      } else if (s === 'failed') this.#recover();
      else if (s === 'disconnected') {
        // Often a short blip that ICE gets over by itself; if not, negotiate again.
        this.#clearTimer();
        this.#timer = setTimeout(() => pc.connectionState !== 'connected' && this.#recover(), DISCONNECTED_GRACE_MS);
      }
    };
    return pc;
  }

  #set(s: LinkState): void {
    if (this.state === s) return;
    this.state = s;
    this.#changed();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #recover(): void {
    if (this.#closed) return;
    this.#set('failed');
    if (this.offerer) void this.#offer();
    else this.#post({ kind: 'restart', pc: this.#pcId });
  }

  async #offer(): Promise<void> {
    if (this.#closed) return;
    this.#clearTimer();
    const id = newId();
    const pc = this.#newPc(id);
    if (this.state !== 'connected') this.#set('connecting');
    try {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      this.#post({ kind: 'offer', pc: id, sdp: pc.localDescription?.sdp ?? offer.sdp ?? '' });
    } catch {
      // A closed connection; the next attempt starts afresh.
    }
    // Nobody answered (their server was unreachable, or they had not joined yet): offer again, less often.
    this.#attempt++;
    const wait = Math.min(ANSWER_WAIT_MS * this.#attempt, 30_000);
    this.#timer = setTimeout(() => {
      if (this.#pc === pc && pc.connectionState !== 'connected') void this.#offer();
    }, wait);
  }

  /** A negotiation message from the remote participant. */
  async handle(d: SignalData): Promise<void> {
    if (this.#closed) return;
    try {
      if (d.kind === 'offer') {
        if (this.offerer) return;
        const pc = this.#newPc(d.pc);
        this.#set('connecting');
        await pc.setRemoteDescription({ type: 'offer', sdp: d.sdp });
        await this.#flush(d.pc);
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        this.#post({ kind: 'answer', pc: d.pc, sdp: pc.localDescription?.sdp ?? answer.sdp ?? '' });
      } else if (d.kind === 'answer') {
        if (!this.offerer || d.pc !== this.#pcId || this.#pc?.signalingState !== 'have-local-offer') return;
        await this.#pc.setRemoteDescription({ type: 'answer', sdp: d.sdp });
        await this.#flush(d.pc);
      } else if (d.kind === 'candidate') {
        if (!d.candidate) return;
        if (d.pc === this.#pcId && this.#pc?.remoteDescription) await this.#pc.addIceCandidate(d.candidate);
        else {
          const list = this.#pending.get(d.pc) ?? [];
          if (list.length < 100) list.push(d.candidate);
          this.#pending.set(d.pc, list);
        }
      } else if (d.kind === 'restart' && this.offerer) void this.#offer();
    } catch {
      // A message for a connection that went away meanwhile: the next negotiation replaces it.
    }
  }

  async #flush(id: string): Promise<void> {
    const list = this.#pending.get(id) ?? [];
    this.#pending.clear();
    for (const c of list) await this.#pc?.addIceCandidate(c).catch(() => undefined);
  }

  /** Sends another track of a kind (camera ↔ screen, another microphone). */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const sender = this.#pc?.getSenders().find((s) => s.track?.kind === kind || (!s.track && kind === 'video'));
    await sender?.replaceTrack(track).catch(() => undefined);
  }

  close(): void {
    this.#closed = true;
    this.#clearTimer();
    this.#pc?.close();
    this.#pc = null;
    this.state = 'closed';
  }
}
