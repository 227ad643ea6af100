import type { RTCIceCandidateLike, SfuReply, SfuRequest } from '../../shared.ts';
import { LinkRetry } from './link-retry.ts';
import { addLocalTracks, newPeerConnection, type LinkState, type PcConfig } from './mesh-link.ts';

/** A line in the browser console at debug level (hidden by default): how each SFU link's attempts went. */
function trace(what: string): void {
  console.debug(`[calls] ${what}`);
}

/** Sends an SFU request through this user's own server. */
export type SfuRequester = (req: SfuRequest) => Promise<SfuReply>;

abstract class SfuLink {
  state: LinkState = 'connecting';
  protected pcRef: RTCPeerConnection | null = null;
  protected handle: string | null = null;
  protected closed = false;
  #early: Array<RTCIceCandidateLike | null> = [];
  // Failures and stalls start the link again (a stall: not connected 15 s after the SFU had our side: LinkRetry).
  readonly #retry = new LinkRetry({
    restart: () => {
      trace(`${this.label} restarts (${this.pcRef?.connectionState ?? 'no connection'})`);
      void this.start();
    },
  });
  protected cfg: PcConfig;
  protected readonly request: SfuRequester;
  protected readonly changed: () => void;

  constructor(o: { cfg: PcConfig; request: SfuRequester; changed: () => void }) {
    this.cfg = o.cfg;
    this.request = o.request;
    this.changed = o.changed;
  }

  get pc(): RTCPeerConnection | null {
    return this.pcRef;
  }

  /** Which server's SFU (for trickling). */
  protected abstract get sfu(): string;

  /** What this link is, for the debug trail. */
  protected abstract get label(): string;

  protected set(s: LinkState): void {
    if (this.state === s) return;
    this.state = s;
    this.changed();
  }

  protected fresh(): RTCPeerConnection {
    this.pcRef?.close();
    this.handle = null;
    this.#early = [];
    this.#retry.reset();
    const pc = newPeerConnection(this.cfg);
    this.pcRef = pc;
    pc.onicecandidate = (e) => {
      if (this.pcRef !== pc) return;
      const c = e.candidate ? (e.candidate.toJSON() as RTCIceCandidateLike) : null;
      if (this.handle) void this.#trickle(this.handle, c);
      else this.#early.push(c);
    };
    pc.onconnectionstatechange = () => {
      if (this.pcRef !== pc) return;
      if (pc.connectionState === 'connected') {
        // Up: a failure reported before (the stall watchdog firing while DTLS finished) restarts nothing.
        this.#retry.connected();
        this.set('connected');
      }
      if (pc.connectionState === 'failed') this.fail();
      trace(`${this.label} ${pc.connectionState}`);
    };
    return pc;
  }

  /**
   * The SFU has this attempt's description (its handle is known): candidates gathered meanwhile go now, together
   * (not one round trip after another), the end-of-candidates mark last. Then the connection must come up.
   */
  protected async ready(handle: string): Promise<void> {
    const pc = this.pcRef;
    this.handle = handle;
    const early = this.#early;
    this.#early = [];
    await Promise.all(early.filter((c) => c !== null).map((c) => this.#trickle(handle, c)));
    if (early.includes(null) && this.handle === handle) await this.#trickle(handle, null);
    if (pc && this.pcRef === pc) this.#retry.watch(() => this.pcRef === pc && pc.connectionState !== 'connected');
    trace(`${this.label} signalled (${early.length} candidates)`);
  }

  async #trickle(handle: string, candidate: RTCIceCandidateLike | null): Promise<void> {
    await this.request({ op: 'trickle', sfu: this.sfu, handle, candidate }).catch(() => undefined);
  }

  /** Tries again after a failure, until closed. */
  protected fail(why = 'failed'): void {
    if (this.closed) return;
    trace(`${this.label} ${why}: starting again`);
    this.set('failed');
    this.#retry.failed();
  }

  abstract start(): Promise<void>;

  setConfig(cfg: PcConfig): void {
    this.cfg = cfg;
  }

  close(): void {
    this.closed = true;
    this.#retry.stop();
    this.pcRef?.close();
    this.pcRef = null;
    this.state = 'closed';
  }
}

/** This user's publication on an SFU (their own server's, or the room host's when theirs has none). */
export class SfuPublisher extends SfuLink {
  feed: string | null = null;
  readonly #target: () => string;
  readonly #local: () => MediaStream | null;

  constructor(o: {
    cfg: PcConfig;
    request: SfuRequester;
    changed: () => void;
    target: () => string;
    local: () => MediaStream | null;
  }) {
    super(o);
    this.#target = o.target;
    this.#local = o.local;
  }

  protected get sfu(): string {
    return this.#target();
  }

  protected get label(): string {
    return `publication ${this.feed ?? '(new)'}`;
  }

  async start(): Promise<void> {
    const pc = this.fresh();
    this.set('connecting');
    try {
      addLocalTracks(pc, this.#local(), false);
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      trace(`${this.label} publishes`);
      const r = await this.request({ op: 'publish', sdp: pc.localDescription?.sdp ?? offer.sdp ?? '' });
      // Closed while the SFU answered: the publication it made goes again (a newer start has replaced it itself).
      if (this.closed) return void this.request({ op: 'unpublish' }).catch(() => undefined);
      if (this.pcRef !== pc) return;
      if (!r.handle || !r.sdp) throw new Error('the SFU gave no answer');
      this.feed = r.feed ?? null;
      await pc.setRemoteDescription({ type: 'answer', sdp: r.sdp });
      await this.ready(r.handle);
    } catch (err) {
      if (this.pcRef === pc) this.fail((err as Error).message);
    }
  }

  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const sender = this.pcRef?.getSenders().find((s) => s.track?.kind === kind || (!s.track && kind === 'video'));
    await sender?.replaceTrack(track).catch(() => undefined);
  }

  override close(): void {
    if (!this.closed) void this.request({ op: 'unpublish' }).catch(() => undefined);
    super.close();
  }
}

/** This user's copy of one other participant's publication, from the SFU that holds it. */
export class SfuSubscription extends SfuLink {
  readonly sfuHost: string;
  readonly feed: string;
  stream: MediaStream | null = null;
  // The SFU handle of the attempt under way, from the SFU's offer on (`handle` is set only once it is started).
  #opened: string | null = null;

  constructor(o: { cfg: PcConfig; request: SfuRequester; changed: () => void; sfu: string; feed: string }) {
    super(o);
    this.sfuHost = o.sfu;
    this.feed = o.feed;
  }

  protected get sfu(): string {
    return this.sfuHost;
  }

  protected get label(): string {
    return `subscription ${this.feed}`;
  }

  async start(): Promise<void> {
    const pc = this.fresh();
    this.set('connecting');
    pc.ontrack = (e) => {
      if (this.pcRef !== pc) return;
      this.stream = e.streams[0] ?? this.stream ?? new MediaStream();
      if (!this.stream.getTracks().includes(e.track)) this.stream.addTrack(e.track);
      this.changed();
    };
    try {
      trace(`${this.label} asks for an offer`);
      const r = await this.request({ op: 'subscribe', sfu: this.sfuHost, feed: this.feed });
      // Closed or started again while the SFU answered: nobody will use this subscription, so it goes at once.
      if (this.pcRef !== pc) {
        if (r.handle) void this.#drop(r.handle);
        return;
      }
      if (!r.handle || !r.sdp) throw new Error('the SFU gave no offer');
      this.#opened = r.handle;
      await pc.setRemoteDescription({ type: 'offer', sdp: r.sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await this.request({
        op: 'start',
        sfu: this.sfuHost,
        handle: r.handle,
        sdp: pc.localDescription?.sdp ?? answer.sdp ?? '',
      });
      // Closed or started again meanwhile: that dropped the handle (`#opened`), which is not this link's any more.
      if (this.pcRef !== pc) return;
      await this.ready(r.handle);
    } catch (err) {
      if (this.pcRef === pc) this.fail((err as Error).message);
    }
  }

  async #drop(handle: string): Promise<void> {
    await this.request({ op: 'unsubscribe', sfu: this.sfuHost, handle }).catch(() => undefined);
  }

  /**
   * A fresh start drops the previous attempt's subscription (its handle would stay open on the SFU), also one whose
   * offer had come but which was not started yet (a link closed then, say for its publisher's new feed, left it open).
   */
  protected override fresh(): RTCPeerConnection {
    this.#dropOpened();
    return super.fresh();
  }

  override close(): void {
    if (!this.closed) this.#dropOpened();
    super.close();
  }

  #dropOpened(): void {
    const h = this.handle ?? this.#opened;
    this.#opened = null;
    if (h) void this.#drop(h);
  }
}
