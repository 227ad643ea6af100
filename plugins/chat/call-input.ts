import { InputError } from '#core';
import type { CallAction } from './call-types.ts';

function bad(field: string, message: string): InputError {
  return new InputError(message, [{ name: `call.${field}`, message: 'INVALID' }]);
}

function id(v: unknown, field: string): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9._:-]{1,100}$/.test(v)) throw bad(field, `${field} must be an id`);
  return v;
}

function flag(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw bad(field, `${field} must be true or false`);
  return v;
}

function displayName(v: unknown): string {
  if (typeof v !== 'string' || v.length > 300) throw bad('displayName', 'displayName must be a short text');
  return v;
}

/**
 * Validates a call action from another server (or the calls plugin). Only what a participant's server may ask
 * is accepted: the host's own `drop` and `close` never come from outside.
 */
export function parseCallAction(raw: unknown): CallAction {
  const a = (raw ?? {}) as Record<string, unknown>;
  const callId = id(a.callId, 'callId');
  switch (a.op) {
    case 'start':
    case 'join': {
      if (!Number.isSafeInteger(a.at) || (a.at as number) < 0) throw bad('at', 'at must be a time in ms');
      return {
        op: a.op,
        callId,
        session: id(a.session, 'session'),
        displayName: displayName(a.displayName),
        audio: flag(a.audio, 'audio'),
        video: flag(a.video, 'video'),
        at: a.at as number,
      };
    }
    case 'leave': {
      const reason = a.reason ?? 'left';
      if (reason !== 'left' && reason !== 'timeout' && reason !== 'replaced')
        throw bad('reason', 'reason must be left, timeout or replaced');
      return { op: 'leave', callId, session: id(a.session, 'session'), reason };
    }
    case 'media':
      return {
        op: 'media',
        callId,
        session: id(a.session, 'session'),
        audio: flag(a.audio, 'audio'),
        video: flag(a.video, 'video'),
        screen: flag(a.screen, 'screen'),
      };
    case 'publish': {
      if (typeof a.sfu !== 'string' || !/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/.test(a.sfu))
        throw bad('sfu', 'sfu must be a server name');
      return {
        op: 'publish',
        callId,
        session: id(a.session, 'session'),
        sfu: a.sfu.toLowerCase(),
        feed: a.feed === null ? null : id(a.feed, 'feed'),
      };
    }
    case 'end': {
      const reason = a.reason ?? 'ended';
      if (reason !== 'ended' && reason !== 'declined') throw bad('reason', 'reason must be ended or declined');
      return { op: 'end', callId, reason };
    }
    default:
      throw bad('op', 'unknown call operation');
  }
}
