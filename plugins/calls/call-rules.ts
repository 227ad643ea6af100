import { ConflictError, NotAllowedError, NotFoundError } from '#core';
import type { CallEventDraft, CallPlanInput, CallPlanner, CallState } from '../chat/public-api.ts';
import { CALL_ERRORS } from './error-codes.ts';

/** What the host's rules depend on. */
export interface CallRulesOptions {
  /** This (the host) server's `host[:port]`. */
  selfHost: () => string;
  /** Largest call that stays peer-to-peer. */
  meshMax: number;
  sfuPolicy: 'auto' | 'always' | 'never';
  /** Whether this server runs an SFU (servers without one publish to the host's). */
  hostHasSfu: boolean;
  /** How old a start or join may be when it reaches the host (queued for long, it is refused). */
  staleMs?: number;
}

function hostOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function requireMember(input: CallPlanInput): void {
  if (input.member?.state !== 'joined')
    throw new NotAllowedError('only members of the room can take part in its calls', CALL_ERRORS.CALL_NOT_MEMBER);
}

function participant(call: CallState | null, address: string, session?: string) {
  return call?.participants.find((p) => p.address === address && (session === undefined || p.session === session));
}

function ended(call: CallState, reason: 'ended' | 'empty' | 'declined' | 'missed', now: number): CallEventDraft {
  return {
    type: 'call.ended',
    data: {
      callId: call.callId,
      reason,
      startedBy: call.startedBy,
      startedAt: call.startedAt,
      durationMs: Math.max(0, now - call.startedAt),
      participants: call.everyone,
    },
  };
}

/**
 * The host's rules for calls, consulted inside the transaction that orders each call action (so two people
 * starting a call at once get one call, and the fifth joiner switches everyone to the SFU in the same event).
 * - start: a member starts a call, or joins the one already going on;
 * - join: only the current call; a second tab of the same person replaces the first (one session per person);
 *   the join that makes the call larger than `meshMax` switches it to SFU mode (when the host has an SFU);
 * - leave / media / publish: only the participant's own session;
 * - end: the starter, a moderator or owner, or either person of a one-to-one call; `declined` only while a
 *   one-to-one call still rings;
 * - system drop (removed member, server gone) and close (empty, missed): the host's own.
 */
export function callRules(opts: CallRulesOptions): CallPlanner {
  const staleMs = opts.staleMs ?? 120_000;
  return (input) => {
    const { action, call, actor, now } = input;
    if (action.op === 'start' || action.op === 'join') {
      requireMember(input);
      if (now - action.at > staleMs)
        throw new ConflictError('the request reached the room’s server too late', CALL_ERRORS.CALL_STALE);
      const media = { audio: action.audio, video: action.video };
      if (!call) {
        if (action.op === 'join') throw new NotFoundError('that call has ended', CALL_ERRORS.CALL_NOT_FOUND);
        const sfu = opts.sfuPolicy === 'always' && opts.hostHasSfu;
        return {
          type: 'call.started',
          data: {
            callId: action.callId,
            session: action.session,
            displayName: action.displayName,
            mode: sfu ? 'sfu' : 'mesh',
            ring: input.room.kind === 'direct',
            ...media,
          },
        };
      }
      if (action.op === 'join' && action.callId !== call.callId)
        throw new NotFoundError('that call has ended', CALL_ERRORS.CALL_NOT_FOUND);
      if (participant(call, actor, action.session)) return null;
      const count = call.participants.filter((p) => p.address !== actor).length + 1;
      const switchToSfu = call.mode === 'mesh' && count > opts.meshMax && opts.hostHasSfu && opts.sfuPolicy !== 'never';
      return {
        type: 'call.joined',
        data: {
          callId: call.callId,
          session: action.session,
          displayName: action.displayName,
          ...media,
          ...(switchToSfu ? { mode: 'sfu' as const } : {}),
        },
      };
    }
    if (!call || call.callId !== action.callId) {
      if (action.op === 'leave' || action.op === 'drop' || action.op === 'close') return null;
      throw new NotFoundError('that call has ended', CALL_ERRORS.CALL_NOT_FOUND);
    }
    switch (action.op) {
      case 'leave': {
        const p = participant(call, actor, action.session);
        return p
          ? { type: 'call.left', data: { callId: call.callId, session: p.session, reason: action.reason } }
          : null;
      }
      case 'media': {
        const p = participant(call, actor, action.session);
        if (!p) throw new ConflictError('you are not in this call', CALL_ERRORS.CALL_NOT_PARTICIPANT);
        if (p.audio === action.audio && p.video === action.video && p.screen === action.screen) return null;
        const { audio, video, screen, session } = action;
        return { type: 'call.media', data: { callId: call.callId, session, audio, video, screen } };
      }
      case 'publish': {
        const p = participant(call, actor, action.session);
        if (!p) throw new ConflictError('you are not in this call', CALL_ERRORS.CALL_NOT_PARTICIPANT);
        // Publications live on the participant's own server's SFU, or on the host's.
        if (action.sfu !== hostOf(actor) && action.sfu !== opts.selfHost())
          throw new NotAllowedError(
            'publications live on your own server or the room’s',
            CALL_ERRORS.SFU_TOKEN_INVALID,
          );
        if (p.pub?.sfu === action.sfu && p.pub.feed === action.feed) return null;
        const { session, sfu, feed } = action;
        return { type: 'call.published', data: { callId: call.callId, session, sfu, feed } };
      }
      case 'end': {
        requireMember(input);
        if (action.reason === 'declined') {
          const ringing = call.ring && call.participants.length <= 1 && call.everyone.length === 1;
          return ringing && call.startedBy !== actor ? ended(call, 'declined', now) : null;
        }
        const allowed =
          input.room.kind === 'direct' ||
          call.startedBy === actor ||
          input.member?.role === 'owner' ||
          input.member?.role === 'moderator';
        if (!allowed)
          throw new NotAllowedError(
            'only the starter or a moderator can end the call',
            CALL_ERRORS.CALL_END_NOT_ALLOWED,
          );
        return ended(call, 'ended', now);
      }
      case 'drop': {
        if (!input.system) return null;
        const p = participant(call, action.address);
        return p
          ? { type: 'call.left', data: { callId: call.callId, session: p.session, reason: action.reason } }
          : null;
      }
      case 'close': {
        if (!input.system) return null;
        if (action.reason === 'empty') return call.participants.length === 0 ? ended(call, 'empty', now) : null;
        const unanswered = call.ring && call.everyone.length === 1;
        return unanswered ? ended(call, 'missed', now) : null;
      }
    }
  };
}
