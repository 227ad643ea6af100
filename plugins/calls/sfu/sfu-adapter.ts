/**
 * What Meshwork needs from an SFU, shaped so more than one can sit behind it. Janus (VideoRoom, driven with
 * janode) is the adapter built here; mediasoup fits the same calls with a server-side SDP bridge (a Router per
 * room, a WebRtcTransport + Producer per publication, a Consumer per subscription), and a token-based SFU such as
 * LiveKit by answering `publish`/`subscribe` with a join token instead of SDP (see plugins/calls/README.md).
 *
 * The model: one SFU room per call on each server that has an SFU; a publication is one participant's
 * audio+video (or screen) sent to it; a subscription is one receiver's copy of one publication. Every
 * publication and subscription belongs to an owner (the participant's address), so removing a member from a
 * room can revoke everything they hold at once.
 */
export interface SfuAdapter {
  /** A short name for logs and the README (`janus`). */
  readonly kind: string;
  /** Connects to the SFU; throws when it cannot be reached. */
  open(): Promise<void>;
  /** Creates the room for a call (idempotent); `secret` protects it, `pin` is needed to join it. */
  ensureRoom(room: SfuRoomSpec): Promise<void>;
  /** Removes a call's room and everything in it. */
  destroyRoom(roomKey: string): Promise<void>;
  /** Publishes a participant's media: the browser's offer in, the SFU's answer and the new feed out. */
  publish(
    roomKey: string,
    owner: string,
    offerSdp: string,
  ): Promise<{ handle: string; feed: string; answerSdp: string }>;
  /** Subscribes to a feed: the SFU's offer out; `start` completes it with the browser's answer. */
  subscribe(roomKey: string, owner: string, feed: string): Promise<{ handle: string; offerSdp: string }>;
  start(handle: string, answerSdp: string): Promise<void>;
  /** A browser's ICE candidate for a handle (null: gathering complete). */
  trickle(
    handle: string,
    candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null } | null,
  ): Promise<void>;
  /** Ends one publication or subscription. */
  close(handle: string): Promise<void>;
  /** Ends every publication and subscription an owner holds in a room (all rooms when `roomKey` is null). */
  revoke(owner: string, roomKey: string | null): Promise<number>;
  /** The owner and room of a handle (null: unknown or closed). */
  handleInfo(handle: string): { owner: string; roomKey: string; kind: 'publisher' | 'subscriber' } | null;
  /** Counts, for the benchmark and logs (of one owner's handles when `owner` is given). */
  stats(owner?: string): { rooms: number; publishers: number; subscribers: number };
  /** Disconnects. */
  dispose(): Promise<void>;
}

/** A call's room on an SFU. */
export interface SfuRoomSpec {
  /** Meshwork's key of the room (opaque to the SFU). */
  roomKey: string;
  /** Manages the room (destroy, kick); never leaves this server. */
  secret: string;
  /** Needed to join the room; never leaves this server. */
  pin: string;
  maxPublishers: number;
}
