import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What an SFU token allows: one person, one call on this server's SFU, until `exp`. */
export interface SfuGrant {
  /** The call's key: `<room host> <host's room id> <call id>`. */
  call: string;
  /** Who holds it (`user@server`); only their server may present it. */
  address: string;
  /** Publish (their own media) as well as subscribe. */
  publish: boolean;
  /** Expiry, ms since epoch. */
  exp: number;
}

/**
 * Short-lived tokens for this server's SFU, minted after a membership check for a remote participant's server
 * (and checked on every SFU request it relays): base64url(JSON grant) + "." + HMAC-SHA256. The key is random
 * per process: tokens are short-lived and a server that restarts hands out new ones (holders ask again on 403).
 */
export class SfuTokens {
  readonly #key = randomBytes(32);
  readonly #ttlMs: number;

  constructor(ttlMs = 10 * 60_000) {
    this.#ttlMs = ttlMs;
  }

  mint(grant: Omit<SfuGrant, 'exp'>, now = Date.now()): { token: string; expiresAt: number } {
    const full: SfuGrant = { ...grant, exp: now + this.#ttlMs };
    const body = Buffer.from(JSON.stringify(full)).toString('base64url');
    return { token: `${body}.${this.#mac(body)}`, expiresAt: full.exp };
  }

  /** The grant of a valid, unexpired token, else null. */
  verify(token: unknown, now = Date.now()): SfuGrant | null {
    if (typeof token !== 'string' || token.length > 2000) return null;
    const [body, mac] = token.split('.');
    if (!body || !mac) return null;
    const want = Buffer.from(this.#mac(body));
    const got = Buffer.from(mac);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
    try {
      const g = JSON.parse(Buffer.from(body, 'base64url').toString()) as SfuGrant;
      return typeof g.exp === 'number' && g.exp > now ? g : null;
    } catch {
      return null;
    }
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}
