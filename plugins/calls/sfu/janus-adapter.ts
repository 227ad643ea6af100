import { randomInt, randomUUID } from 'node:crypto';
import type Janode from 'janode';
import type VideoRoomPlugin from 'janode/plugins/videoroom';
import type { JanodeConnection, JanodeSession, VideoRoomHandle } from 'janode';
import { ConflictError, NotFoundError, type Logger } from '#core';
import { CALL_ERRORS } from '../error-codes.ts';
import type { SfuAdapter, SfuRoomSpec } from './sfu-adapter.ts';
import { bounded, FeedReadiness } from './janus-waits.ts';

/** How long one request to Janus may take (it answers in milliseconds when well). */
const REQUEST_MS = 6000;
/**
 * How long a subscription waits for its publisher's media to reach Janus. Below the relay's 8 s for a request
 * from another server, so a remote subscriber hears SFU_FEED_NOT_READY rather than a timeout.
 */
const FEED_WAIT_MS = 5000;

interface RoomEntry {
  janusRoom: number;
  secret: string;
  pin: string;
  creating: Promise<void> | null;
}

interface HandleEntry {
  handle: VideoRoomHandle;
  owner: string;
  roomKey: string;
  kind: 'publisher' | 'subscriber';
  /** Publications: the feed id, and whether its media reached Janus yet. */
  feed: string | null;
  readiness: FeedReadiness;
}

interface JanodeModules {
  Janode: typeof Janode;
  VideoRoomPlugin: typeof VideoRoomPlugin;
}
let janodeModules: Promise<JanodeModules> | undefined;

/** janode (and its WebSocket client) when a server first talks to Janus, not in every server's start-up. */
function loadJanode(): Promise<JanodeModules> {
  return (janodeModules ??= Promise.all([import('janode'), import('janode/plugins/videoroom')]).then(
    ([{ default: Janode }, { default: VideoRoomPlugin }]) => {
      // janode logs to stdout on its own; Meshwork's logger carries what matters.
      Janode.Logger.setLevel('none');
      return { Janode, VideoRoomPlugin };
    },
  ));
}

/**
 * The Janus VideoRoom adapter (Debian's `janus`, driven with Meetecho's janode over Janus's WebSocket API).
 * One Janus session per server, one VideoRoom room per call (created with the call's `secret` and `pin`, private,
 * opus + VP8), one plugin handle per publication and per subscription. Handle ids given out are Meshwork's own
 * (random), never Janus's.
 */
export class JanusAdapter implements SfuAdapter {
  readonly kind = 'janus';
  readonly #url: string;
  readonly #apiSecret: string | null;
  readonly #adminKey: string | null;
  readonly #log: Logger;
  readonly #rooms = new Map<string, RoomEntry>();
  readonly #handles = new Map<string, HandleEntry>();
  #conn: JanodeConnection | null = null;
  #session: JanodeSession | null = null;
  #manager: VideoRoomHandle | null = null;
  #opening: Promise<void> | null = null;
  readonly #requestMs: number;
  readonly #feedWaitMs: number;

  constructor(opts: {
    url: string;
    apiSecret: string | null;
    adminKey: string | null;
    log: Logger;
    /** Tests shorten these. */
    requestMs?: number;
    feedWaitMs?: number;
  }) {
    this.#url = opts.url;
    this.#apiSecret = opts.apiSecret;
    this.#adminKey = opts.adminKey;
    this.#log = opts.log;
    this.#requestMs = opts.requestMs ?? REQUEST_MS;
    this.#feedWaitMs = opts.feedWaitMs ?? FEED_WAIT_MS;
  }

  /** A request to Janus, bounded in time (SFU_TIMEOUT). */
  #ask<T>(what: string, p: Promise<T>, late?: (v: T) => void): Promise<T> {
    return bounded(what, this.#requestMs, p, late);
  }

  open(): Promise<void> {
    this.#opening ??= this.#connect().catch((err) => {
      this.#opening = null;
      throw err;
    });
    return this.#opening;
  }

  async #connect(): Promise<void> {
    const address = { url: this.#url, ...(this.#apiSecret ? { apisecret: this.#apiSecret } : {}) };
    const { Janode, VideoRoomPlugin } = await loadJanode();
    const conn = await Janode.connect({ address, retry_time_secs: 1, max_retries: 2 });
    conn.once(Janode.EVENT.CONNECTION_CLOSED, () => this.#lost('closed'));
    conn.once(Janode.EVENT.CONNECTION_ERROR, (err: Error) => this.#lost(err.message));
    try {
      const session = await this.#ask('create a session', conn.create());
      this.#manager = await this.#ask('attach the room manager', session.attach(VideoRoomPlugin));
      this.#conn = conn;
      this.#session = session;
    } catch (err) {
      // The next open() connects afresh: this connection would only linger.
      await conn.close().catch(() => undefined);
      throw err;
    }
    this.#log.info('connected to Janus (VideoRoom): calls with many people go through this SFU');
  }

  #lost(why: string): void {
    if (!this.#conn) return;
    this.#log.warn({ why }, 'connection to Janus lost; calls through this SFU stop until it is back');
    this.#conn = null;
    this.#session = null;
    this.#manager = null;
    this.#opening = null;
    this.#rooms.clear();
    for (const h of this.#handles.values()) h.readiness.end();
    this.#handles.clear();
  }

  async #ready(): Promise<{ session: JanodeSession; manager: VideoRoomHandle }> {
    await this.open();
    if (!this.#session || !this.#manager) throw new Error('Janus is not connected');
    return { session: this.#session, manager: this.#manager };
  }

  async ensureRoom(spec: SfuRoomSpec): Promise<void> {
    const { manager } = await this.#ready();
    let entry = this.#rooms.get(spec.roomKey);
    if (!entry) {
      entry = { janusRoom: randomInt(1, 2 ** 47), secret: spec.secret, pin: spec.pin, creating: null };
      const e = entry;
      e.creating = this.#ask(
        'create a room',
        manager.create({
          room: e.janusRoom,
          description: 'meshwork call',
          max_publishers: spec.maxPublishers,
          is_private: true,
          permanent: false,
          secret: spec.secret,
          pin: spec.pin,
          audiocodec: 'opus',
          videocodec: 'vp8',
          notify_joining: false,
          ...(this.#adminKey ? { admin_key: this.#adminKey } : {}),
        }),
      ).then(() => {
        e.creating = null;
      });
      this.#rooms.set(spec.roomKey, entry);
      try {
        await e.creating;
      } catch (err) {
        this.#rooms.delete(spec.roomKey);
        throw err;
      }
    } else if (entry.creating) await entry.creating;
  }

  #room(roomKey: string): RoomEntry {
    const r = this.#rooms.get(roomKey);
    if (!r || r.creating) throw new Error('no such SFU room');
    return r;
  }

  async destroyRoom(roomKey: string): Promise<void> {
    const r = this.#rooms.get(roomKey);
    if (!r) return;
    this.#rooms.delete(roomKey);
    for (const [id, h] of this.#handles) if (h.roomKey === roomKey) await this.close(id);
    if (this.#manager)
      await this.#ask('destroy a room', this.#manager.destroy({ room: r.janusRoom, secret: r.secret })).catch(
        (err: Error) => this.#log.warn({ err: err.message }, 'Janus room not destroyed'),
      );
  }

  async #attach(owner: string, roomKey: string, kind: HandleEntry['kind']): Promise<[string, VideoRoomHandle]> {
    const { session } = await this.#ready();
    const { Janode, VideoRoomPlugin } = await loadJanode();
    // A handle that arrives after its request timed out is released at once.
    const handle = await this.#ask('attach a handle', session.attach(VideoRoomPlugin), (late) => {
      void late.detach().catch(() => undefined);
    });
    const id = randomUUID();
    const readiness = new FeedReadiness();
    this.#handles.set(id, { handle, owner, roomKey, kind, feed: null, readiness });
    // Janus hangs up on ICE failure or when the browser goes away: forget the handle then.
    handle.once(Janode.EVENT.HANDLE_HANGUP, () => void this.close(id));
    // A publisher's connection is up: subscriptions to its feed can be made (see #feedLive).
    if (kind === 'publisher') handle.once(Janode.EVENT.HANDLE_WEBRTCUP, () => readiness.up());
    return [id, handle];
  }

  async publish(roomKey: string, owner: string, offerSdp: string) {
    const r = this.#room(roomKey);
    const [id, handle] = await this.#attach(owner, roomKey, 'publisher');
    try {
      const joined = await this.#ask(
        'publish',
        handle.joinConfigurePublisher({
          room: r.janusRoom,
          pin: r.pin,
          display: owner,
          audio: true,
          video: true,
          jsep: { type: 'offer', sdp: offerSdp },
        }),
      );
      const answer = joined.jsep?.sdp;
      if (!answer || joined.feed === undefined) throw new Error('Janus gave no answer to the publication');
      const entry = this.#handles.get(id);
      if (entry) entry.feed = String(joined.feed);
      return { handle: id, feed: String(joined.feed), answerSdp: answer };
    } catch (err) {
      await this.close(id);
      throw err;
    }
  }

  /**
   * A publication is announced as soon as Janus answers it, while the publisher's connection is still being set
   * up; Janus refuses subscriptions until that connection is up ("No such feed"). So a subscription to a feed
   * published here waits for it (at most `feedWaitMs`), and meanwhile the subscriber's server has its answer ready.
   */
  async #feedLive(roomKey: string, feed: string): Promise<void> {
    let pub: HandleEntry | undefined;
    for (const h of this.#handles.values())
      if (h.kind === 'publisher' && h.roomKey === roomKey && h.feed === feed) pub = h;
    // Not published through this adapter (gone, or another node's): Janus decides.
    if (!pub) return;
    const s = await pub.readiness.wait(this.#feedWaitMs);
    if (s === 'waiting')
      throw new ConflictError(
        `feed ${feed}: the publisher’s media has not reached the SFU within ${this.#feedWaitMs} ms`,
        CALL_ERRORS.SFU_FEED_NOT_READY,
      );
    if (s === 'ended') throw new NotFoundError(`feed ${feed} ended`, CALL_ERRORS.SFU_NO_FEED);
  }

  async subscribe(roomKey: string, owner: string, feed: string) {
    await this.#feedLive(roomKey, feed);
    const r = this.#room(roomKey);
    const [id, handle] = await this.#attach(owner, roomKey, 'subscriber');
    try {
      const joined = await this.#ask(
        'subscribe',
        handle.joinSubscriber({ room: r.janusRoom, feed: Number(feed), pin: r.pin }),
      );
      const offer = joined.jsep?.sdp;
      if (!offer) throw new Error('Janus gave no offer for the subscription');
      return { handle: id, offerSdp: offer };
    } catch (err) {
      await this.close(id);
      // Janus 1.1: "No such feed" (error 428) for a publisher that left or never came up.
      if (/no such feed/i.test((err as Error).message))
        throw new NotFoundError(`feed ${feed} is not on the SFU`, CALL_ERRORS.SFU_NO_FEED);
      throw err;
    }
  }

  async start(handle: string, answerSdp: string): Promise<void> {
    const h = this.#handles.get(handle);
    if (!h || h.kind !== 'subscriber') throw new Error('no such subscription');
    await this.#ask('start a subscription', h.handle.start({ jsep: { type: 'answer', sdp: answerSdp } }));
  }

  async trickle(
    handle: string,
    candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null } | null,
  ): Promise<void> {
    const h = this.#handles.get(handle);
    if (!h) throw new Error('no such handle');
    await this.#ask('trickle', candidate ? h.handle.trickle(candidate) : h.handle.trickleComplete());
  }

  async close(handle: string): Promise<void> {
    const h = this.#handles.get(handle);
    if (!h) return;
    this.#handles.delete(handle);
    h.readiness.end();
    await this.#ask('detach', h.handle.detach()).catch(() => undefined);
  }

  async revoke(owner: string, roomKey: string | null): Promise<number> {
    const ids = [...this.#handles].filter(([, h]) => h.owner === owner && (roomKey === null || h.roomKey === roomKey));
    for (const [id] of ids) await this.close(id);
    return ids.length;
  }

  handleInfo(handle: string) {
    const h = this.#handles.get(handle);
    return h ? { owner: h.owner, roomKey: h.roomKey, kind: h.kind } : null;
  }

  stats(owner?: string) {
    let publishers = 0;
    let subscribers = 0;
    for (const h of this.#handles.values()) {
      if (owner !== undefined && h.owner !== owner) continue;
      if (h.kind === 'publisher') publishers++;
      else subscribers++;
    }
    return { rooms: this.#rooms.size, publishers, subscribers };
  }

  async dispose(): Promise<void> {
    const conn = this.#conn;
    this.#conn = null;
    for (const id of [...this.#handles.keys()]) await this.close(id);
    for (const r of this.#rooms.values())
      if (this.#manager)
        await this.#ask('destroy a room', this.#manager.destroy({ room: r.janusRoom, secret: r.secret })).catch(
          () => undefined,
        );
    this.#rooms.clear();
    if (this.#session) await this.#ask('destroy the session', this.#session.destroy()).catch(() => undefined);
    await conn?.close().catch(() => undefined);
  }
}
