/**
 * Call events in a room's log: their wire types and the one reducer that turns them into the room's call
 * state. A call belongs to a chat room and its host orders every change of it, exactly like messages, so every
 * member server (and every browser) derives the same state from the same events. The calls plugin decides
 * what an action does (`CallPlanner`, through the public API); chat stores, streams and shows the events.
 * Browser-safe: types and pure functions only.
 */

/** Peer-to-peer between every pair, or through SFUs (each server's own, else the host's). */
export type CallMode = 'mesh' | 'sfu';
/** Why a participant is no longer in a call. */
export type CallLeaveReason = 'left' | 'timeout' | 'replaced' | 'removed' | 'server-gone';
/** Why a call ended. */
export type CallEndReason = 'ended' | 'empty' | 'declined' | 'missed';

/** What a participant sends. */
export interface CallMediaState {
  audio: boolean;
  video: boolean;
  screen: boolean;
}

/** Someone in a call right now (one session, i.e. one browser tab, per address). */
export interface CallParticipant extends CallMediaState {
  address: string;
  session: string;
  displayName: string;
  joinedAt: number;
  /** SFU mode: the server whose SFU holds this participant's publication, and its feed id there. */
  pub: { sfu: string; feed: string } | null;
}

/** The call going on in a room, as every member server derives it from the room's events. */
export interface CallState {
  callId: string;
  startedBy: string;
  startedAt: number;
  mode: CallMode;
  /** A one-to-one call that rings the other person until they answer, decline or miss it. */
  ring: boolean;
  participants: CallParticipant[];
  /** Everyone who took part so far (for the summary when it ends). */
  everyone: string[];
}

/** The payload of each call event (the sender is the person concerned, or the starter for `call.ended`). */
export interface CallEventData {
  'call.started': { callId: string; session: string; displayName: string; mode: CallMode; ring: boolean } & Omit<
    CallMediaState,
    'screen'
  >;
  /** `mode` is set when this join switched the call to another mode (the fifth person: SFU). */
  'call.joined': { callId: string; session: string; displayName: string; mode?: CallMode } & Omit<
    CallMediaState,
    'screen'
  >;
  'call.left': { callId: string; session: string; reason: CallLeaveReason };
  'call.media': { callId: string; session: string } & CallMediaState;
  'call.published': { callId: string; session: string; sfu: string; feed: string | null };
  'call.ended': {
    callId: string;
    reason: CallEndReason;
    startedBy: string;
    startedAt: number;
    durationMs: number;
    participants: string[];
  };
}

/** Every call event type. */
export type CallEventType = keyof CallEventData;

/** The call event types, for validation. */
export const CALL_EVENT_TYPES: readonly CallEventType[] = [
  'call.started',
  'call.joined',
  'call.left',
  'call.media',
  'call.published',
  'call.ended',
];

/** What a participant's server asks the room's host to do with a call. */
export type CallAction =
  | { op: 'start'; callId: string; session: string; displayName: string; audio: boolean; video: boolean; at: number }
  | { op: 'join'; callId: string; session: string; displayName: string; audio: boolean; video: boolean; at: number }
  | { op: 'leave'; callId: string; session: string; reason: 'left' | 'timeout' | 'replaced' }
  | { op: 'media'; callId: string; session: string; audio: boolean; video: boolean; screen: boolean }
  | { op: 'publish'; callId: string; session: string; sfu: string; feed: string | null }
  | { op: 'end'; callId: string; reason: 'ended' | 'declined' };

/** Actions only the host's own calls plugin takes (never accepted from another server). */
export type CallSystemAction =
  | { op: 'drop'; callId: string; address: string; reason: 'removed' | 'server-gone' | 'timeout' }
  | { op: 'close'; callId: string; reason: 'empty' | 'missed' };

/** A call event as the host is about to append it. */
export type CallEventDraft = { [K in CallEventType]: { type: K; data: CallEventData[K] } }[CallEventType];

/** A call event as it appears in the log (the fields the reducer needs). */
export type CallEventLike = {
  [K in CallEventType]: { type: K; sender: string; ts: number; data: CallEventData[K] };
}[CallEventType];

/**
 * The room's call after one more event (null: no call). Hosts, mirrors and browsers all use this, so they
 * agree. Events of another call than the current one change nothing (a late event of an ended call).
 */
export function reduceCall(state: CallState | null, ev: CallEventLike): CallState | null {
  if (ev.type === 'call.started') {
    if (state && state.callId !== ev.data.callId) return state;
    const d = ev.data;
    return {
      callId: d.callId,
      startedBy: ev.sender,
      startedAt: ev.ts,
      mode: d.mode,
      ring: d.ring,
      participants: [
        {
          address: ev.sender,
          session: d.session,
          displayName: d.displayName,
          joinedAt: ev.ts,
          audio: d.audio,
          video: d.video,
          screen: false,
          pub: null,
        },
      ],
      everyone: [ev.sender],
    };
  }
  if (!state || state.callId !== ev.data.callId) return state;
  switch (ev.type) {
    case 'call.joined': {
      const d = ev.data;
      const others = state.participants.filter((p) => p.address !== ev.sender);
      const me: CallParticipant = {
        address: ev.sender,
        session: d.session,
        displayName: d.displayName,
        joinedAt: ev.ts,
        audio: d.audio,
        video: d.video,
        screen: false,
        pub: null,
      };
      return {
        ...state,
        mode: d.mode ?? state.mode,
        participants: [...others, me],
        everyone: state.everyone.includes(ev.sender) ? state.everyone : [...state.everyone, ev.sender],
      };
    }
    case 'call.left':
      return {
        ...state,
        participants: state.participants.filter((p) => !(p.address === ev.sender && p.session === ev.data.session)),
      };
    case 'call.media': {
      const { audio, video, screen, session } = ev.data;
      return {
        ...state,
        participants: state.participants.map((p) =>
          p.address === ev.sender && p.session === session ? { ...p, audio, video, screen } : p,
        ),
      };
    }
    case 'call.published': {
      const { sfu, feed, session } = ev.data;
      return {
        ...state,
        participants: state.participants.map((p) =>
          p.address === ev.sender && p.session === session ? { ...p, pub: feed ? { sfu, feed } : null } : p,
        ),
      };
    }
    case 'call.ended':
      return null;
  }
}

const MODES: readonly string[] = ['mesh', 'sfu'];
const LEAVE: readonly string[] = ['left', 'timeout', 'replaced', 'removed', 'server-gone'];
const END: readonly string[] = ['ended', 'empty', 'declined', 'missed'];
const id = (v: unknown): boolean => typeof v === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(v);
const bool = (v: unknown): boolean => typeof v === 'boolean';
const name = (v: unknown): boolean => typeof v === 'string' && v.length <= 300;
const host = (v: unknown): boolean => typeof v === 'string' && /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/.test(v);
const addr = (v: unknown): boolean => typeof v === 'string' && v.length <= 300 && v.lastIndexOf('@') > 0;
const time = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

/** Per-type checks of a call event's data, so a faulty or hostile host cannot store junk in a mirror. */
export const CALL_DATA_CHECKS: Record<CallEventType, (d: Record<string, unknown>) => boolean> = {
  'call.started': (d) =>
    id(d.callId) &&
    id(d.session) &&
    name(d.displayName) &&
    MODES.includes(d.mode as string) &&
    bool(d.ring) &&
    bool(d.audio) &&
    bool(d.video),
  'call.joined': (d) =>
    id(d.callId) &&
    id(d.session) &&
    name(d.displayName) &&
    bool(d.audio) &&
    bool(d.video) &&
    (d.mode === undefined || MODES.includes(d.mode as string)),
  'call.left': (d) => id(d.callId) && id(d.session) && LEAVE.includes(d.reason as string),
  'call.media': (d) => id(d.callId) && id(d.session) && bool(d.audio) && bool(d.video) && bool(d.screen),
  'call.published': (d) => id(d.callId) && id(d.session) && host(d.sfu) && (d.feed === null || id(d.feed)),
  'call.ended': (d) =>
    id(d.callId) &&
    END.includes(d.reason as string) &&
    addr(d.startedBy) &&
    time(d.startedAt) &&
    time(d.durationMs) &&
    Array.isArray(d.participants) &&
    d.participants.length <= 1000 &&
    d.participants.every(addr),
};
