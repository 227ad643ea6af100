import { InputError } from '#core';
import type { SfuOp } from './sfu/sfu-gateway.ts';
import { CALL_LIMITS, type RTCIceCandidateLike, type SfuRequest } from './shared.ts';

const ID = /^[A-Za-z0-9._:-]{1,100}$/;
const HOST = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/;

function id(v: unknown, field: string): string {
  if (typeof v !== 'string' || !ID.test(v)) throw new InputError(`${field} must be an id`);
  return v;
}

function sdp(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > CALL_LIMITS.sdp)
    throw new InputError('sdp is missing or too long');
  return v;
}

function candidate(v: unknown): RTCIceCandidateLike | null {
  if (v === null) return null;
  const c = (v ?? {}) as Record<string, unknown>;
  if (typeof c.candidate !== 'string' || c.candidate.length > CALL_LIMITS.candidate)
    throw new InputError('candidate is invalid');
  return {
    candidate: c.candidate,
    sdpMid: typeof c.sdpMid === 'string' ? c.sdpMid.slice(0, 64) : null,
    sdpMLineIndex: Number.isSafeInteger(c.sdpMLineIndex) ? (c.sdpMLineIndex as number) : null,
  };
}

/** An SFU operation as a peer server relays it. */
export function parseSfuOp(b: Record<string, unknown>): SfuOp {
  switch (b.op) {
    case 'publish':
      return { op: 'publish', sdp: sdp(b.sdp) };
    case 'unpublish':
      return { op: 'unpublish' };
    case 'subscribe':
      return { op: 'subscribe', feed: id(b.feed, 'feed'), ...(b.tag === undefined ? {} : { tag: id(b.tag, 'tag') }) };
    case 'start':
      return { op: 'start', handle: id(b.handle, 'handle'), sdp: sdp(b.sdp) };
    case 'trickle':
      return { op: 'trickle', handle: id(b.handle, 'handle'), candidate: candidate(b.candidate) };
    case 'unsubscribe':
      return { op: 'unsubscribe', handle: id(b.handle, 'handle') };
    default:
      throw new InputError('op must be publish, unpublish, subscribe, start, trickle or unsubscribe');
  }
}

/** An SFU request from a browser: the operation and, except for its own publication, the SFU's server. */
export function parseSfuRequest(b: Record<string, unknown>): SfuRequest {
  const op = parseSfuOp(b);
  if (op.op === 'publish' || op.op === 'unpublish') return op;
  if (typeof b.sfu !== 'string' || !HOST.test(b.sfu)) throw new InputError('sfu must be a server name');
  return { ...op, sfu: b.sfu.toLowerCase() } as SfuRequest;
}
