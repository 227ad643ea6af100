import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { NotAllowedError, PeerError, SignatureError } from '../errors.ts';
import type { DiscoveryClient } from '../discovery/discovery-client.ts';
import { keyIdAuthority, verifyRequest, type SignableRequest } from '../signatures/http-signature.ts';
import { verifyCavageRequest } from '../signatures/cavage.ts';
import { jwkToPublicKey } from '../signatures/key-pair.ts';

/** Result of checking an inbound server-to-server request's signature. */
export interface PeerVerification {
  /** The host[:port] whose key signed the request, or null when it was unsigned. */
  signer: string | null;
  scheme: 'rfc9421' | 'cavage' | null;
}

/** Policy knobs for inbound server-to-server requests. */
export interface PeerAuthPolicy {
  /** `must-use-http-sig`: unsigned requests are refused whatever the peer advertises. */
  requireSignatures: boolean;
  denyPeers: string[];
  allowPeers: string[];
}

function normHost(h: string): string {
  return h.trim().toLowerCase();
}

/**
 * A signer's keys that cannot be fetched right now (it is unreachable, times out or answers 5xx) are not keys it
 * lacks: the request is answered 502, which a sender retries (a share is queued, not refused for good), instead of
 * 401 for an unknown key. Under load, a receiver's first fetch of a sender's keys failing this way turned a share into
 * a permanent refusal ("does not accept shares from this server"). Anything else (no such key, a 404, an invalid
 * document) stays an unknown key.
 */
function throwIfUnavailable(failure: unknown, authority: string): void {
  if (!(failure instanceof PeerError)) return;
  const transient =
    failure.code === 'PEER_UNREACHABLE' ||
    failure.code === 'PEER_TIMEOUT' ||
    (failure.code === 'DISCOVERY_FAILED' && (failure.peerStatus === undefined || failure.peerStatus >= 500));
  if (transient)
    throw new PeerError(
      `the keys of ${authority} cannot be fetched right now: ${failure.message}`,
      undefined,
      'PEER_UNREACHABLE',
    );
}

/** Verifies inbound signatures and binds them to the server a request claims to come from. */
export class PeerAuthenticator {
  readonly #discovery: DiscoveryClient;
  readonly #policy: PeerAuthPolicy;
  readonly #origin: () => string;

  constructor(discovery: DiscoveryClient, policy: PeerAuthPolicy, origin: () => string) {
    this.#discovery = discovery;
    this.#policy = policy;
    this.#origin = origin;
  }

  async #jwkKey(keyId: string): Promise<{ key: KeyObject; alg?: string } | null> {
    const authority = keyIdAuthority(keyId);
    if (!authority) return null;
    const find = async (refresh: boolean): Promise<{ key: KeyObject; alg?: string } | null> => {
      const keys = await this.#discovery.jwks(authority, { refresh });
      const jwk = keys.find((k) => k.kid === keyId);
      if (!jwk) return null;
      const key = this.#keyObject(jwk);
      return jwk.alg ? { key, alg: jwk.alg } : { key };
    };
    let failure: unknown;
    const attempt = (refresh: boolean) =>
      find(refresh).catch((err: unknown) => {
        failure = err;
        return null;
      });
    const first = await attempt(false);
    if (first) return first;
    // Unknown kid: the peer may have rotated its key. The client rate-limits such refetches,
    // so a stream of made-up kids cannot make us hammer the peer.
    failure = undefined;
    const second = await attempt(true);
    if (second) return second;
    throwIfUnavailable(failure, authority);
    return null;
  }

  // Importing a JWK costs as much as verifying; peers' keys change rarely, so keep the imported objects. Keyed by
  // the cached JWK object itself (the discovery cache hands out the same objects until it refetches), then by its
  // contents, so a refetched but unchanged key is not imported again.
  readonly #byJwk = new WeakMap<object, KeyObject>();
  readonly #keyObjects = new Map<string, KeyObject>();
  #keyObject(jwk: Parameters<typeof jwkToPublicKey>[0]): KeyObject {
    const known = this.#byJwk.get(jwk);
    if (known) return known;
    const id = JSON.stringify([jwk.kid, jwk.kty, jwk.crv, jwk.x, jwk.y, jwk.n, jwk.e, jwk.alg]);
    let key = this.#keyObjects.get(id);
    if (!key) {
      key = jwkToPublicKey(jwk);
      if (this.#keyObjects.size > 1000) this.#keyObjects.clear();
      this.#keyObjects.set(id, key);
    }
    this.#byJwk.set(jwk, key);
    return key;
  }

  async #cavageKey(keyId: string): Promise<KeyObject | null> {
    const authority = keyIdAuthority(keyId);
    if (!authority) return null;
    let failure: unknown;
    const d = await this.#discovery.discover(authority).catch((err: unknown) => {
      failure = err;
      return null;
    });
    throwIfUnavailable(failure, authority);
    if (!d?.legacyPublicKey) return null;
    // A peer that names its key must sign with that name (Nextcloud checks the same); a bare PEM names none.
    if (d.legacyPublicKey.keyId !== undefined && d.legacyPublicKey.keyId !== keyId) return null;
    try {
      return createPublicKey(d.legacyPublicKey.publicKeyPem);
    } catch {
      return null; // not a PEM public key: treated as no key
    }
  }

  /** Builds the signable view of an express request (absolute target URI on our public origin). */
  signable(req: Request): SignableRequest {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    return { method: req.method, url: this.#origin() + req.originalUrl, headers, body: req.rawBody ?? Buffer.alloc(0) };
  }

  /** Checks any signature on the request; throws SignatureError for a bad one, returns signer null if unsigned. */
  /**
   * Middleware for plugin server-to-server routes: their payloads name no claimed peer, so a signature from a
   * listed peer is required; the signer is put on `req.peerHost` and passed to `onSigned`.
   */
  requireSigned(onSigned: (host: string) => void): RequestHandler {
    return (req, _res, next) => {
      this.verify(req)
        .then((v) => {
          if (!v.signer) throw new SignatureError('signed server-to-server request required', 'SIGNATURE_REQUIRED');
          this.checkListed(v.signer);
          req.peerHost = v.signer;
          onSigned(v.signer);
        })
        .then(() => next(), next);
    };
  }

  async verify(req: Request): Promise<PeerVerification> {
    const sreq = this.signable(req);
    if (sreq.headers['signature-input']) {
      const v = await verifyRequest(sreq, (kid) => this.#jwkKey(kid));
      if (v) return { signer: normHost(keyIdAuthority(v.keyId) ?? ''), scheme: 'rfc9421' };
    }
    if (sreq.headers.signature && !sreq.headers['signature-input']) {
      const v = await verifyCavageRequest(sreq, (kid) => this.#cavageKey(kid));
      if (v) return { signer: normHost(keyIdAuthority(v.keyId) ?? ''), scheme: 'cavage' };
    }
    return { signer: null, scheme: null };
  }

  /** Refuses denylisted peers, and peers outside a non-empty allowlist. */
  checkListed(host: string): void {
    const h = normHost(host);
    if (this.#policy.denyPeers.includes(h)) throw new NotAllowedError(`server ${h} is not allowed`, 'PEER_DENIED');
    if (this.#policy.allowPeers.length > 0 && !this.#policy.allowPeers.includes(h)) {
      throw new NotAllowedError(`server ${h} is not on the allow list`, 'PEER_NOT_ALLOWED');
    }
  }

  /**
   * Binds a verified request to the server the payload claims as its origin. A signed request must be
   * signed by that server; an unsigned one is only accepted when our policy allows it and the claimed
   * server does not advertise `http-sig` (otherwise a forger could just drop the signature).
   */
  async bind(v: PeerVerification, claimedHost: string): Promise<void> {
    const claimed = normHost(claimedHost);
    this.checkListed(claimed);
    if (v.signer !== null) {
      if (v.signer !== claimed) {
        throw new SignatureError(
          `request signed by ${v.signer} but claims to come from ${claimed}`,
          'SIGNATURE_WRONG_AUTHORITY',
        );
      }
      return;
    }
    if (this.#policy.requireSignatures)
      throw new SignatureError('this server requires signed requests', 'SIGNATURE_REQUIRED');
    const d = await this.#discovery.discover(claimed).catch(() => null);
    if (!d || d.capabilities.includes('http-sig')) {
      throw new SignatureError(
        `unsigned request claiming to come from ${claimed}, which signs its requests`,
        'SIGNATURE_REQUIRED',
      );
    }
  }
}
