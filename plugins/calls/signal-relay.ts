import { InputError, isMeshworkError, NotAllowedError, NotFoundError, PeerError, type RemoteClient } from '#core';
import type { ChatApi, ChatRoomRef } from '../chat/public-api.ts';
import type { CallsNamespace } from './call-service.ts';
import { CALL_ERRORS } from './error-codes.ts';
import { sessionChannel, type LocalSession } from './session-registry.ts';
import { CALLS_S2S } from './sfu/sfu-relay.ts';
import { CALL_LIMITS, type Endpoint, type SignalData } from './shared.ts';

/** A negotiation message between servers: the room by its host's ids, sender and receiver, the payload. */
export interface SignalEnvelope {
  host: string;
  hostRoomId: string;
  callId: string;
  from: Endpoint;
  to: Endpoint;
  data: SignalData;
}

const ID = /^[A-Za-z0-9._:-]{1,100}$/;

function hostOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** Checks an endpoint from a browser or a peer. */
export function parseEndpoint(v: unknown): Endpoint {
  const e = (v ?? {}) as Record<string, unknown>;
  if (typeof e.address !== 'string' || e.address.length > 300 || e.address.lastIndexOf('@') < 1)
    throw new InputError('to.address must be an address');
  if (typeof e.session !== 'string' || !ID.test(e.session)) throw new InputError('to.session must be a session id');
  return { address: e.address, session: e.session };
}

/** Checks a negotiation payload (SDP and candidates are passed on as they are, within size limits). */
export function parseSignal(v: unknown): SignalData {
  const d = (v ?? {}) as Record<string, unknown>;
  if (typeof d.pc !== 'string' || !ID.test(d.pc)) throw new InputError('data.pc must be an id');
  const pc = d.pc;
  switch (d.kind) {
    case 'offer':
    case 'answer':
      if (typeof d.sdp !== 'string' || d.sdp.length > CALL_LIMITS.sdp)
        throw new InputError('data.sdp is missing or too long');
      return { kind: d.kind, pc, sdp: d.sdp };
    case 'candidate': {
      if (d.candidate === null) return { kind: 'candidate', pc, candidate: null };
      const c = (d.candidate ?? {}) as Record<string, unknown>;
      if (typeof c.candidate !== 'string' || c.candidate.length > CALL_LIMITS.candidate)
        throw new InputError('data.candidate is invalid');
      return {
        kind: 'candidate',
        pc,
        candidate: {
          candidate: c.candidate,
          sdpMid: typeof c.sdpMid === 'string' ? c.sdpMid.slice(0, 64) : null,
          sdpMLineIndex: Number.isSafeInteger(c.sdpMLineIndex) ? (c.sdpMLineIndex as number) : null,
        },
      };
    }
    case 'restart':
      return { kind: 'restart', pc };
    default:
      throw new InputError('data.kind must be offer, answer, candidate or restart');
  }
}

/**
 * Mesh signaling: offers, answers and ICE candidates between two participants' browsers. Each browser talks to
 * its own server; between servers a message goes directly from the sender's server to the receiver's (signed,
 * 5 s timeout, never queued: a negotiation message that arrives late is useless, and the browsers retry). The
 * room's host is not on this path, so a call between two servers needs neither a third one nor the host to be up.
 */
export class SignalRelay {
  readonly #d: { chat: ChatApi; ns: CallsNamespace; remote: RemoteClient; selfHost: () => string };

  constructor(d: { chat: ChatApi; ns: CallsNamespace; remote: RemoteClient; selfHost: () => string }) {
    this.#d = d;
  }

  /** A local participant's message to another participant. */
  async send(from: LocalSession, room: ChatRoomRef, to: Endpoint, data: SignalData): Promise<void> {
    const env: SignalEnvelope = {
      host: room.host,
      hostRoomId: room.hostRoomId,
      callId: from.callId,
      from: { address: from.address, session: from.session },
      to,
      data,
    };
    const target = hostOf(to.address);
    if (target === this.#d.selfHost()) return this.#deliver(room, env);
    let res: { status: number; body: unknown };
    try {
      res = await this.#d.remote.post(target, `${CALLS_S2S}/signal`, env, { base: 'origin', timeoutMs: 5000 });
    } catch (err) {
      if (isMeshworkError(err) && err.code !== 'PEER_ERROR') throw err;
      throw new PeerError(`${target} cannot be reached`, undefined, CALL_ERRORS.CALL_PEER_UNREACHABLE);
    }
    if (res.status >= 300)
      throw new PeerError(
        `${target} refused the message (${res.status})`,
        res.status,
        CALL_ERRORS.CALL_PEER_UNREACHABLE,
      );
  }

  /** A message from another server for one of our participants: both must be members of the room. */
  async receive(peerHost: string, raw: unknown): Promise<void> {
    const b = (raw ?? {}) as Record<string, unknown>;
    if (typeof b.host !== 'string' || typeof b.hostRoomId !== 'string' || typeof b.callId !== 'string')
      throw new InputError('host, hostRoomId and callId are required');
    const env: SignalEnvelope = {
      host: b.host,
      hostRoomId: b.hostRoomId,
      callId: b.callId,
      from: parseEndpoint(b.from),
      to: parseEndpoint(b.to),
      data: parseSignal(b.data),
    };
    if (hostOf(env.from.address) !== peerHost)
      throw new NotAllowedError(`${peerHost} may not speak for ${env.from.address}`, CALL_ERRORS.CALL_NOT_MEMBER);
    if (hostOf(env.to.address) !== this.#d.selfHost())
      throw new NotFoundError('not a user here', CALL_ERRORS.CALL_NOT_FOUND);
    const room = await this.#d.chat.roomOnHost(env.host, env.hostRoomId);
    if (!room) throw new NotFoundError('no such room here', CALL_ERRORS.CALL_NOT_FOUND);
    const [a, b2] = await Promise.all([
      this.#d.chat.isMember(room.id, env.from.address),
      this.#d.chat.isMember(room.id, env.to.address),
    ]);
    if (!a || !b2) throw new NotAllowedError('not members of this room', CALL_ERRORS.CALL_NOT_MEMBER);
    this.#deliver(room, env);
  }

  #deliver(room: ChatRoomRef, env: SignalEnvelope): void {
    this.#d.ns.to(sessionChannel(env.to.session)).emit('signal', {
      roomId: room.id,
      callId: env.callId,
      from: env.from,
      to: env.to,
      data: env.data,
    });
  }
}
