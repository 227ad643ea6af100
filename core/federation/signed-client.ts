import { PeerError } from '../errors.ts';
import type { DiscoveryClient } from '../discovery/discovery-client.ts';
import type { RemoteDiscovery } from '../discovery/discovery-types.ts';
import { remoteRequest } from '../outbound/remote-client.ts';
import type { OutboundPolicy } from '../outbound/ssrf-guard.ts';
import { signCavageRequest } from '../signatures/cavage.ts';
import { signRequest, type SignableRequest } from '../signatures/http-signature.ts';
import type { SigningKey } from '../signatures/key-pair.ts';
import type { CavageSigningKey } from './key-store.ts';

/** Response of a signed server-to-server call. */
export interface PeerResponse {
  status: number;
  body: unknown;
}

/** How a request to a peer is signed. */
export type SignatureScheme = 'rfc9421' | 'cavage';

/**
 * RFC 9421 for peers that advertise `http-sig` (and for peers that publish no key at all, which ignore
 * signatures). A peer without `http-sig` that publishes a legacy `publicKey` verifies draft-cavage and
 * answers 400 to a signature it cannot parse (Nextcloud 31–33), so it gets cavage, as Nextcloud 34 does.
 */
export function signatureSchemeFor(d: RemoteDiscovery | undefined): SignatureScheme {
  if (d === undefined || d.capabilities.includes('http-sig')) return 'rfc9421';
  return d.legacyPublicKey ? 'cavage' : 'rfc9421';
}

/** Sends signed requests to other servers; every outbound OCM call goes through here. */
export class SignedClient {
  readonly #discovery: DiscoveryClient;
  readonly #policy: OutboundPolicy;
  readonly #key: () => SigningKey;
  readonly #cavageKey: () => Promise<CavageSigningKey>;

  constructor(
    discovery: DiscoveryClient,
    policy: OutboundPolicy,
    key: () => SigningKey,
    cavageKey: () => Promise<CavageSigningKey>,
  ) {
    this.#discovery = discovery;
    this.#policy = policy;
    this.#key = key;
    this.#cavageKey = cavageKey;
  }

  /** Resolves a path under the peer's OCM endPoint or origin to an absolute URL. */
  static target(d: RemoteDiscovery, path: string, base: 'endPoint' | 'origin'): string {
    const root = base === 'endPoint' ? d.endPoint.replace(/\/+$/, '') : d.origin;
    return root + (path.startsWith('/') ? path : `/${path}`);
  }

  /**
   * POSTs a signed body (JSON, or form-encoded when `form` is set) to an absolute URL; `peer` (the
   * target's discovery) picks the signature scheme it can verify.
   */
  async postUrl(
    url: string,
    body: unknown,
    opts: { form?: boolean; timeoutMs?: number; peer?: RemoteDiscovery } = {},
  ): Promise<PeerResponse> {
    const payload = opts.form
      ? Buffer.from(new URLSearchParams(body as Record<string, string>).toString())
      : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = {
      'content-type': opts.form ? 'application/x-www-form-urlencoded' : 'application/json',
      accept: 'application/json',
    };
    const req: SignableRequest = { method: 'POST', url, headers, body: payload };
    if (signatureSchemeFor(opts.peer) === 'cavage') {
      const k = await this.#cavageKey();
      Object.assign(headers, signCavageRequest(req, k.keyId, k.privateKey));
    } else {
      Object.assign(headers, signRequest(req, this.#key()));
    }
    const res = await remoteRequest(
      url,
      { method: 'POST', headers, body: payload, timeoutMs: opts.timeoutMs ?? 10_000, maxBytes: 4 * 1024 * 1024 },
      this.#policy,
    );
    return { status: res.status, body: parseBody(res.body) };
  }

  /** An unsigned request to a path on the peer's origin, through the same guarded client; JSON in and out. */
  async request(
    host: string,
    path: string,
    opts: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
  ): Promise<PeerResponse> {
    const d = await this.#discovery.discover(host);
    const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
    let payload: Buffer | undefined;
    if (opts.body !== undefined) {
      payload = Buffer.from(JSON.stringify(opts.body));
      headers['content-type'] = 'application/json';
    }
    const res = await remoteRequest(
      SignedClient.target(d, path, 'origin'),
      {
        method: opts.method ?? 'GET',
        headers,
        ...(payload ? { body: payload } : {}),
        timeoutMs: opts.timeoutMs ?? 10_000,
        maxBytes: 4 * 1024 * 1024,
      },
      this.#policy,
    );
    return { status: res.status, body: parseBody(res.body) };
  }

  /** Discovers the peer and POSTs a signed JSON body to a path under its endPoint (default) or origin. */
  async post(
    host: string,
    path: string,
    body: unknown,
    opts: { base?: 'endPoint' | 'origin'; timeoutMs?: number } = {},
  ): Promise<PeerResponse> {
    const d = await this.#discovery.discover(host);
    if (!d.enabled) throw new PeerError(`${host} has OCM disabled`, undefined, 'PEER_OCM_DISABLED');
    return this.postUrl(SignedClient.target(d, path, opts.base ?? 'endPoint'), body, {
      peer: d,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
  }
}

/** Parses a peer's JSON answer; a non-JSON one becomes `{message}` with its first bytes. */
function parseBody(buf: Buffer): unknown {
  if (buf.length === 0) return null;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return { message: buf.toString('utf8').slice(0, 200) };
  }
}
