/** What a tab's call looks like to the call screen: its phase, the people in it, and the words for how it ended. */
import type { Socket } from 'socket.io-client';
import type { CallMode, CallState, CallsClientToServer, CallsServerToClient } from '../../shared.ts';
import type { LinkState } from './mesh-link.ts';

/** The /calls socket of the web UI. */
export type CallsSocket = Socket<CallsServerToClient, CallsClientToServer>;

/** One other participant as the call screen shows them. */
export interface RemoteView {
  address: string;
  session: string;
  displayName: string;
  stream: MediaStream | null;
  audio: boolean;
  video: boolean;
  screen: boolean;
  speaking: boolean;
  state: LinkState;
  via: 'mesh' | 'sfu';
}

/** Where this tab is with its call. */
export type CallPhase = 'idle' | 'joining' | 'connected' | 'reconnecting' | 'ended' | 'failed';

/** Everything the call screen shows. */
export interface CallClientState {
  phase: CallPhase;
  /** Plain words for `ended` and `failed` (and device problems while connected). */
  message: string | null;
  roomId: string | null;
  callId: string | null;
  session: string | null;
  call: CallState | null;
  mode: CallMode;
  me: {
    address: string;
    audio: boolean;
    video: boolean;
    screen: boolean;
    speaking: boolean;
    stream: MediaStream | null;
  };
  remotes: RemoteView[];
}

/** Plain words for why this tab left a call (the server's reasons). */
export const ENDED_WORDS: Record<string, string> = {
  removed: 'You were removed from the room, so you left the call.',
  replaced: 'You joined this call in another window.',
  ended: 'The call has ended.',
  'server-gone': 'Your server lost touch with the call.',
  timeout: 'You were disconnected for too long and left the call.',
};
