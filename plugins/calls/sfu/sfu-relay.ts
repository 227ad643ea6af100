import { isMeshworkError, NotAllowedError, PeerError, type RemoteClient } from '#core';
import { CALL_ERRORS } from '../error-codes.ts';
import type { SfuReply } from '../shared.ts';
import { callKey, type CallOnSfu, type SfuGateway, type SfuOp } from './sfu-gateway.ts';

/** Where the calls plugin's server-to-server routes live (under every server's origin). */
export const CALLS_S2S = '/plugins/calls/s2s';
const TIMEOUT_MS = 8000;

/**
 * A participant's own server reaching the SFU that holds a publication: its own SFU directly, another server's
 * with a token that server mints over a signed request (cached until shortly before it expires, fetched again
 * when refused). Browsers only ever talk to their own server (the web app's CSP allows no other origin); media
 * flows between the browser and the SFU directly.
 */
export class SfuRelay {
  readonly #remote: RemoteClient;
  readonly #gateway: SfuGateway | null;
  readonly #selfHost: () => string;
  readonly #tokens = new Map<string, { token: string; expiresAt: number }>();
  // Fetches in flight, so a prefetch and the request that needs the token share one round trip.
  readonly #fetching = new Map<string, Promise<string>>();

  constructor(d: { remote: RemoteClient; gateway: SfuGateway | null; selfHost: () => string }) {
    this.#remote = d.remote;
    this.#gateway = d.gateway;
    this.#selfHost = d.selfHost;
  }

  /** Whether this server has an SFU of its own. */
  get hasSfu(): boolean {
    return this.#gateway !== null;
  }

  /** Runs an SFU operation for a local participant on the SFU of server `sfu`. */
  async request(sfu: string, c: CallOnSfu, address: string, op: SfuOp): Promise<SfuReply> {
    if (sfu === this.#selfHost()) {
      if (!this.#gateway) throw new PeerError('this server has no SFU', 503, CALL_ERRORS.SFU_UNAVAILABLE);
      return this.#gateway.local(c, address, op);
    }
    let token = await this.#token(sfu, c, address, false);
    let res = await this.#post(sfu, '/sfu', { token, ...op });
    if (res.status === 403 && (res.body as { code?: string } | null)?.code === 'SFU_TOKEN_INVALID') {
      token = await this.#token(sfu, c, address, true);
      res = await this.#post(sfu, '/sfu', { token, ...op });
    }
    return this.#answer(sfu, res) as SfuReply;
  }

  /**
   * Fetches a token ahead of need (a participant joined an SFU call, or someone published on another server's
   * SFU), so the subscription itself costs one round trip less. Failures are left for the request to meet.
   */
  prefetch(sfu: string, c: CallOnSfu, address: string): void {
    if (sfu === this.#selfHost()) return;
    this.#token(sfu, c, address, false).catch(() => undefined);
  }

  async #token(sfu: string, c: CallOnSfu, address: string, fresh: boolean): Promise<string> {
    const key = `${sfu} ${callKey(c)} ${address}`;
    const hit = this.#tokens.get(key);
    if (hit && !fresh && hit.expiresAt - 30_000 > Date.now()) return hit.token;
    const running = this.#fetching.get(key);
    if (running && !fresh) return running;
    const p = this.#fetch(sfu, c, address, key).finally(() => this.#fetching.delete(key));
    this.#fetching.set(key, p);
    return p;
  }

  async #fetch(sfu: string, c: CallOnSfu, address: string, key: string): Promise<string> {
    const res = await this.#post(sfu, '/sfu-token', { ...c, address });
    const body = this.#answer(sfu, res) as { token?: unknown; expiresAt?: unknown };
    if (typeof body.token !== 'string' || typeof body.expiresAt !== 'number')
      throw new PeerError(`${sfu} sent no SFU token`, res.status, CALL_ERRORS.SFU_FAILED);
    if (this.#tokens.size > 5000) this.#tokens.clear();
    this.#tokens.set(key, { token: body.token, expiresAt: body.expiresAt });
    return body.token;
  }

  /** Drops cached tokens of a call (it ended). */
  forget(c: CallOnSfu): void {
    const k = callKey(c);
    for (const key of [...this.#tokens.keys()]) if (key.includes(` ${k} `)) this.#tokens.delete(key);
  }

  async #post(sfu: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    try {
      return await this.#remote.post(sfu, `${CALLS_S2S}${path}`, body, { base: 'origin', timeoutMs: TIMEOUT_MS });
    } catch (err) {
      if (isMeshworkError(err) && err.code !== 'PEER_ERROR') throw err;
      throw new PeerError(`${sfu} cannot be reached`, undefined, CALL_ERRORS.CALL_PEER_UNREACHABLE);
    }
  }

  #answer(sfu: string, res: { status: number; body: unknown }): unknown {
    if (res.status >= 200 && res.status < 300) return res.body ?? {};
    const msg = (res.body as { message?: string } | null) ?? {};
    if (res.status === 403 || res.status === 404)
      throw new NotAllowedError(`${sfu} refused: ${msg.message ?? res.status}`, CALL_ERRORS.SFU_TOKEN_INVALID);
    throw new PeerError(`${sfu} refused the SFU request (${res.status})`, res.status, CALL_ERRORS.SFU_FAILED);
  }
}
