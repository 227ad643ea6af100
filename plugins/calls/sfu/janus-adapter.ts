import { randomInt, randomUUID } from 'node:crypto';
import type Janode from 'janode';
import type VideoRoomPlugin from 'janode/plugins/videoroom';
import type { JanodeConnection, JanodeSession, VideoRoomHandle } from 'janode';
import type { Logger } from '#core';
import type { SfuAdapter, SfuRoomSpec } from './sfu-adapter.ts';

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

  constructor(opts: { url: string; apiSecret: string | null; adminKey: string | null; log: Logger }) {
    this.#url = opts.url;
    this.#apiSecret = opts.apiSecret;
    this.#adminKey = opts.adminKey;
    this.#log = opts.log;
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
    const session = await conn.create();
    this.#conn = conn;
    this.#session = session;
    this.#manager = await session.attach(VideoRoomPlugin);
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
      e.creating = manager
        .create({
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
        })
        .then(() => {
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
    await this.#manager?.destroy({ room: r.janusRoom, secret: r.secret }).catch(() => undefined);
  }

  async #attach(owner: string, roomKey: string, kind: HandleEntry['kind']): Promise<[string, VideoRoomHandle]> {
    const { session } = await this.#ready();
    const { Janode, VideoRoomPlugin } = await loadJanode();
    const handle = await session.attach(VideoRoomPlugin);
    const id = randomUUID();
    this.#handles.set(id, { handle, owner, roomKey, kind });
    // Janus hangs up on ICE failure or when the browser goes away: forget the handle then.
    handle.once(Janode.EVENT.HANDLE_HANGUP, () => void this.close(id));
    return [id, handle];
  }

  async publish(roomKey: string, owner: string, offerSdp: string) {
    const r = this.#room(roomKey);
    const [id, handle] = await this.#attach(owner, roomKey, 'publisher');
    try {
      const joined = await handle.joinConfigurePublisher({
        room: r.janusRoom,
        pin: r.pin,
        display: owner,
        audio: true,
        video: true,
        jsep: { type: 'offer', sdp: offerSdp },
      });
      const answer = joined.jsep?.sdp;
      if (!answer || joined.feed === undefined) throw new Error('Janus gave no answer to the publication');
      return { handle: id, feed: String(joined.feed), answerSdp: answer };
    } catch (err) {
      await this.close(id);
      throw err;
    }
  }

  async subscribe(roomKey: string, owner: string, feed: string) {
    const r = this.#room(roomKey);
    const [id, handle] = await this.#attach(owner, roomKey, 'subscriber');
    try {
      const joined = await handle.joinSubscriber({ room: r.janusRoom, feed: Number(feed), pin: r.pin });
      const offer = joined.jsep?.sdp;
      if (!offer) throw new Error('Janus gave no offer for the subscription');
      return { handle: id, offerSdp: offer };
    } catch (err) {
      await this.close(id);
      throw err;
    }
  }

  async start(handle: string, answerSdp: string): Promise<void> {
    const h = this.#handles.get(handle);
    if (!h || h.kind !== 'subscriber') throw new Error('no such subscription');
    await h.handle.start({ jsep: { type: 'answer', sdp: answerSdp } });
  }

  async trickle(
    handle: string,
    candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null } | null,
  ): Promise<void> {
    const h = this.#handles.get(handle);
    if (!h) throw new Error('no such handle');
    if (candidate) await h.handle.trickle(candidate);
    else await h.handle.trickleComplete();
  }

  async close(handle: string): Promise<void> {
    const h = this.#handles.get(handle);
    if (!h) return;
    this.#handles.delete(handle);
    await h.handle.detach().catch(() => undefined);
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
      await this.#manager?.destroy({ room: r.janusRoom, secret: r.secret }).catch(() => undefined);
    this.#rooms.clear();
    await this.#session?.destroy().catch(() => undefined);
    await conn?.close().catch(() => undefined);
  }
}
