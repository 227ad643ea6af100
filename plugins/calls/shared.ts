/**
 * Wire types of the calls plugin: the `/calls` socket namespace between a browser and its own server, shared by
 * the server, the web UI and the tests. Browser-safe: types and small constants only.
 */
import type { CallMediaState, CallState } from '../chat/public-api.ts';

export type { CallMediaState, CallMode, CallParticipant, CallState } from '../chat/public-api.ts';

/** An ICE server as `RTCPeerConnection` takes it (TURN entries carry short-lived credentials). */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** A call as a browser sees it: the room's call state plus what this server adds. */
export interface CallView {
  roomId: string;
  call: CallState | null;
}

/** What a browser gets when it starts, joins or resumes a call. */
export interface JoinResult {
  roomId: string;
  callId: string;
  /** This browser tab's participation; every later request names it. */
  session: string;
  address: string;
  call: CallState;
  iceServers: IceServer[];
  /** When the TURN credentials expire (ms since epoch); ask `ice` again before. */
  iceExpiresAt: number | null;
  /** SFU mode: the server whose SFU holds this user's publication (this server if it has one, else the host). */
  publishTo: string | null;
  /** Whether `iceServers` should be used for relayed candidates only (operator setting). */
  relayOnly: boolean;
}

/** A WebRTC negotiation message between two participants (mesh mode). */
export type SignalData =
  | { kind: 'offer'; pc: string; sdp: string }
  | { kind: 'answer'; pc: string; sdp: string }
  | { kind: 'candidate'; pc: string; candidate: RTCIceCandidateLike | null }
  /** Asks the other side (the offerer) to negotiate again, after a connection failed. */
  | { kind: 'restart'; pc: string };

/** An ICE candidate on the wire. */
export interface RTCIceCandidateLike {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
}

/** One participant's endpoint: address and session. */
export interface Endpoint {
  address: string;
  session: string;
}

/** A negotiation message delivered to a browser. */
export interface SignalMessage {
  roomId: string;
  callId: string;
  from: Endpoint;
  to: Endpoint;
  data: SignalData;
}

/** SFU requests a browser makes through its own server (which reaches the SFU's server when it is remote). */
export type SfuRequest =
  | { op: 'publish'; sdp: string }
  | { op: 'subscribe'; sfu: string; feed: string }
  | { op: 'start'; sfu: string; handle: string; sdp: string }
  | { op: 'trickle'; sfu: string; handle: string; candidate: RTCIceCandidateLike | null }
  | { op: 'unsubscribe'; sfu: string; handle: string }
  | { op: 'unpublish' };

/** Answers to SFU requests. */
export interface SfuReply {
  /** The SFU's handle for this publication or subscription (for `start`, `trickle`, `unsubscribe`). */
  handle?: string;
  /** The SFU's SDP: its answer to a publication, its offer for a subscription. */
  sdp?: string;
  /** `publish`: the feed id others subscribe to. */
  feed?: string;
  /** The server whose SFU answered. */
  sfu?: string;
}

/** An acknowledgement: success with data, or a domain error. */
export type Ack<T = Record<never, never>> = ({ ok: true } & T) | { ok: false; code: string; message: string };

/** The call a request is about. */
export interface CallRef {
  roomId: string;
  callId: string;
  session: string;
}

/** Events browsers send on `/calls`. */
export interface CallsClientToServer {
  /** Starts a call in a room (or joins the one going on). */
  start: (req: { roomId: string } & Omit<CallMediaState, 'screen'>, ack: (r: Ack<JoinResult>) => void) => void;
  /** Joins a room's call; `resume` takes up this tab's session again after a reconnect. */
  join: (
    req: { roomId: string; callId: string; resume?: string } & Omit<CallMediaState, 'screen'>,
    ack: (r: Ack<JoinResult>) => void,
  ) => void;
  leave: (req: CallRef, ack: (r: Ack) => void) => void;
  /** Ends the call for everyone (the starter, moderators, or either person of a one-to-one call). */
  end: (req: { roomId: string; callId: string }, ack: (r: Ack) => void) => void;
  /** Declines a ringing one-to-one call. */
  decline: (req: { roomId: string; callId: string }, ack: (r: Ack) => void) => void;
  media: (req: CallRef & CallMediaState, ack: (r: Ack) => void) => void;
  signal: (req: CallRef & { to: Endpoint; data: SignalData }, ack: (r: Ack) => void) => void;
  sfu: (req: CallRef & SfuRequest, ack: (r: Ack<SfuReply>) => void) => void;
  /** The call going on in a room. */
  state: (req: { roomId: string }, ack: (r: Ack<CallView>) => void) => void;
  /** Fresh TURN credentials. */
  ice: (ack: (r: Ack<{ iceServers: IceServer[]; iceExpiresAt: number | null; relayOnly: boolean }>) => void) => void;
}

/** Why a browser's participation ended without it asking. */
export type DropReason = 'removed' | 'replaced' | 'ended' | 'server-gone' | 'timeout';

/** Events the server pushes on `/calls`. */
export interface CallsServerToClient {
  /** A call in one of the user's rooms changed (started, someone joined, left, muted, published, ended). */
  call: (v: CallView) => void;
  /** A one-to-one call rings this user. */
  ring: (r: { roomId: string; callId: string; from: string; fromName: string; video: boolean }) => void;
  /** Stop ringing: answered (here or on another device), declined, missed or ended. */
  ringStop: (r: { roomId: string; callId: string }) => void;
  signal: (m: SignalMessage) => void;
  /** This tab's participation ended (removed from the room, replaced by another tab, call ended). */
  dropped: (d: { roomId: string; callId: string; session: string; reason: DropReason }) => void;
}

/** The socket.io namespace of the calls plugin. */
export const CALLS_NAMESPACE = '/calls';

/** Limits enforced on input. */
export const CALL_LIMITS = {
  /** Largest SDP accepted (bytes). */
  sdp: 64 * 1024,
  candidate: 2048,
} as const;
