import { randomBytes } from 'node:crypto';
import { NotAllowedError, NotFoundError, PeerError, type Logger } from '#core';
import type { ChatApi, ChatRoomRef } from '../../chat/public-api.ts';
import { CALL_ERRORS } from '../error-codes.ts';
import type { RTCIceCandidateLike, SfuReply } from '../shared.ts';
import type { SfuAdapter } from './sfu-adapter.ts';
import type { SfuGrant, SfuTokens } from './sfu-tokens.ts';

/** A call on this server's SFU, as a request names it. */
export interface CallOnSfu {
  /** The room's host and the host's room id (the ids every server shares). */
  host: string;
  hostRoomId: string;
  callId: string;
}

/** An SFU operation on a granted call. */
export type SfuOp =
  | { op: 'publish'; sdp: string }
  /** `tag`: the subscriber's session, so a retried subscription replaces the one before it (see `run`). */
  | { op: 'subscribe'; feed: string; tag?: string }
  | { op: 'start'; handle: string; sdp: string }
  | { op: 'trickle'; handle: string; candidate: RTCIceCandidateLike | null }
  | { op: 'unsubscribe'; handle: string }
  | { op: 'unpublish' };

/** The key of a call's SFU room (also what tokens name). */
export function callKey(c: CallOnSfu): string {
  return `${c.host.toLowerCase()} ${c.hostRoomId} ${c.callId}`;
}

function parseKey(key: string): CallOnSfu {
  const [host = '', hostRoomId = '', callId = ''] = key.split(' ');
  return { host, hostRoomId, callId };
}

/**
 * This server's SFU, guarded: it holds the publications of this server's own participants (and, for rooms
 * hosted here, of participants whose server has no SFU) and serves subscriptions to any current member of the
 * room, local or remote. Remote participants' servers get a short-lived token over a signed request after a
 * membership check; every request with it checks membership again, so a removed member's token stops working
 * at once, and `revoke` closes what they held.
 */
export class SfuGateway {
  readonly #sfu: SfuAdapter;
  readonly #tokens: SfuTokens;
  readonly #chat: ChatApi;
  readonly #selfHost: () => string;
  readonly #log: Logger;
  // Calls with a room on the SFU, and the owners' current publication handle per call.
  readonly #rooms = new Set<string>();
  readonly #published = new Map<string, string>();
  // The current subscription handle per call, subscriber, session tag and feed.
  readonly #subscribed = new Map<string, string>();

  constructor(d: { sfu: SfuAdapter; tokens: SfuTokens; chat: ChatApi; selfHost: () => string; log: Logger }) {
    this.#sfu = d.sfu;
    this.#tokens = d.tokens;
    this.#chat = d.chat;
    this.#selfHost = d.selfHost;
    this.#log = d.log;
  }

  /** The SFU's counts (benchmark, logs). */
  stats() {
    return this.#sfu.stats();
  }

  /** The room and call a request names, checked: the call is the room's current one here, the person a member. */
  async #check(c: CallOnSfu, address: string): Promise<ChatRoomRef> {
    const room = await this.#chat.roomOnHost(c.host, c.hostRoomId);
    if (!room) throw new NotFoundError('no such room here', CALL_ERRORS.CALL_NOT_FOUND);
    const call = await this.#chat.activeCall(room.id);
    if (!call || call.callId !== c.callId) throw new NotFoundError('that call has ended', CALL_ERRORS.CALL_NOT_FOUND);
    if (!(await this.#chat.isMember(room.id, address)))
      throw new NotAllowedError('not a member of this room', CALL_ERRORS.CALL_NOT_MEMBER);
    return room;
  }

  /** Whether `address` may publish here: this server's own users, and anyone in a room hosted here. */
  #mayPublish(room: ChatRoomRef, address: string): boolean {
    return room.hosted || address.slice(address.lastIndexOf('@') + 1).toLowerCase() === this.#selfHost();
  }

  /** A token for a remote participant, asked for by their server (`peerHost`) over a signed request. */
  async mint(peerHost: string, c: CallOnSfu, address: string): Promise<{ token: string; expiresAt: number }> {
    if (address.slice(address.lastIndexOf('@') + 1).toLowerCase() !== peerHost)
      throw new NotAllowedError(`${peerHost} may not ask for ${address}`, CALL_ERRORS.SFU_TOKEN_INVALID);
    const room = await this.#check(c, address);
    return this.#tokens.mint({ call: callKey(c), address, publish: this.#mayPublish(room, address) });
  }

  /** A remote participant's request with a token their server presents. */
  async withToken(peerHost: string, token: unknown, op: SfuOp): Promise<SfuReply> {
    const grant = this.#tokens.verify(token);
    if (!grant || grant.address.slice(grant.address.lastIndexOf('@') + 1).toLowerCase() !== peerHost)
      throw new NotAllowedError('SFU token missing, expired or not yours', CALL_ERRORS.SFU_TOKEN_INVALID);
    return this.run(grant, op);
  }

  /** A request of one of this server's own participants (checked as a token would be). */
  async local(c: CallOnSfu, address: string, op: SfuOp): Promise<SfuReply> {
    const room = await this.#check(c, address);
    return this.run({ call: callKey(c), address, publish: this.#mayPublish(room, address), exp: Infinity }, op);
  }

  /** Runs a granted operation after checking membership again. */
  async run(grant: SfuGrant, op: SfuOp): Promise<SfuReply> {
    const t0 = performance.now();
    try {
      return await this.#run(grant, op);
    } finally {
      this.#log.debug({ op: op.op, who: grant.address, ms: Math.round(performance.now() - t0) }, 'SFU operation');
    }
  }

  async #run(grant: SfuGrant, op: SfuOp): Promise<SfuReply> {
    await this.#check(parseKey(grant.call), grant.address);
    const roomKey = grant.call;
    const own = (handle: string) => {
      const info = this.#sfu.handleInfo(handle);
      if (!info || info.owner !== grant.address || info.roomKey !== roomKey)
        throw new NotFoundError('no such SFU handle', CALL_ERRORS.SFU_TOKEN_INVALID);
      return info;
    };
    try {
      switch (op.op) {
        case 'publish': {
          if (!grant.publish) throw new NotAllowedError('publish on your own server', CALL_ERRORS.SFU_TOKEN_INVALID);
          await this.#ensureRoom(roomKey);
          const pubKey = `${roomKey}|${grant.address}`;
          const before = this.#published.get(pubKey);
          if (before) await this.#sfu.close(before);
          const r = await this.#sfu.publish(roomKey, grant.address, op.sdp);
          this.#published.set(pubKey, r.handle);
          return { handle: r.handle, feed: r.feed, sdp: r.answerSdp, sfu: this.#selfHost() };
        }
        case 'subscribe': {
          await this.#ensureRoom(roomKey);
          const r = await this.#sfu.subscribe(roomKey, grant.address, op.feed);
          // A browser that tries again (its request timed out, its connection never came up) cannot always
          // close what the earlier attempt opened: one subscription per session and feed, the newest.
          if (op.tag) {
            const key = `${roomKey}|${grant.address}|${op.tag}|${op.feed}`;
            const before = this.#subscribed.get(key);
            this.#subscribed.set(key, r.handle);
            if (before) await this.#sfu.close(before);
          }
          return { handle: r.handle, sdp: r.offerSdp, sfu: this.#selfHost() };
        }
        case 'start':
          own(op.handle);
          await this.#sfu.start(op.handle, op.sdp);
          return {};
        case 'trickle':
          own(op.handle);
          await this.#sfu.trickle(op.handle, op.candidate);
          return {};
        case 'unsubscribe':
          own(op.handle);
          await this.#sfu.close(op.handle);
          return {};
        case 'unpublish': {
          const pubKey = `${roomKey}|${grant.address}`;
          const h = this.#published.get(pubKey);
          this.#published.delete(pubKey);
          if (h) await this.#sfu.close(h);
          return {};
        }
      }
    } catch (err) {
      if ((err as { code?: string }).code) throw err;
      this.#log.warn({ err: (err as Error).message, op: op.op }, 'SFU request failed');
      throw new PeerError(`the SFU refused: ${(err as Error).message}`, 502, CALL_ERRORS.SFU_FAILED);
    }
  }

  async #ensureRoom(roomKey: string): Promise<void> {
    try {
      await this.#sfu.ensureRoom({
        roomKey,
        secret: randomBytes(18).toString('base64url'),
        pin: randomBytes(18).toString('base64url'),
        maxPublishers: 64,
      });
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'SFU room could not be created');
      throw new PeerError('the SFU is not available', 503, CALL_ERRORS.SFU_UNAVAILABLE);
    }
    this.#rooms.add(roomKey);
  }

  /** Closes everything a person holds in a call's SFU room (they left, or were removed). */
  async revoke(c: CallOnSfu, address: string): Promise<void> {
    const roomKey = callKey(c);
    this.#published.delete(`${roomKey}|${address}`);
    for (const k of [...this.#subscribed.keys()])
      if (k.startsWith(`${roomKey}|${address}|`)) this.#subscribed.delete(k);
    const n = await this.#sfu.revoke(address, roomKey);
    if (n) this.#log.info({ call: c.callId, n }, 'SFU handles revoked');
  }

  /** The call ended: its SFU room goes. */
  async closeCall(c: CallOnSfu): Promise<void> {
    const roomKey = callKey(c);
    if (!this.#rooms.delete(roomKey)) return;
    for (const map of [this.#published, this.#subscribed])
      for (const k of [...map.keys()]) if (k.startsWith(`${roomKey}|`)) map.delete(k);
    await this.#sfu.destroyRoom(roomKey);
  }
}
