/**
 * Fetches, validates and caches peers' OCM discovery documents and JWK Sets. Every URL a peer advertises is
 * bound to the authority it was discovered at, so a hostile document cannot point our requests elsewhere.
 */
import { InputError, PeerError, SsrfError, isMeshworkError } from '../errors.ts';
import { remoteRequest } from '../outbound/remote-client.ts';
import type { OutboundPolicy } from '../outbound/ssrf-guard.ts';
import type { RemoteDiscovery, RemoteJwk } from './discovery-types.ts';

/** Construction options of a DiscoveryClient. */
export interface DiscoveryClientOptions {
  policy: OutboundPolicy;
  /** How long a successful discovery or JWK Set is reused; default 1 h. */
  ttlMs?: number;
  /** How long a failure is remembered before retrying; default 30 s. */
  negativeTtlMs?: number;
  /** Per-request timeout; default 5 s. */
  timeoutMs?: number;
  /** `jwks(host, { refresh: true })` refetches only if the cached set is at least this old; default 5 s. */
  minRefreshMs?: number;
  /** This server's own host and discovery document: discovering ourselves (same-server shares) needs no request. */
  self?: () => { host: string; origin: string; document: unknown } | null;
}

interface Entry<T> {
  value?: T;
  error?: unknown;
  fetchedAt: number;
  expires: number;
}

const PATHS = ['/.well-known/ocm', '/ocm-provider'] as const;
const MAX_DOC_BYTES = 1024 * 1024;
const MAX_CACHED_HOSTS = 10_000;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
// host[:port] with a reg-name/IPv4 host or a bracketed IPv6 literal; no scheme, path, query or userinfo.
const HOST_RE = /^(?:[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

const invalid = (message: string): PeerError => new PeerError(message, undefined, 'DISCOVERY_INVALID');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** Resolves a possibly relative peer URL against the origin and refuses it if it leaves the origin's authority. */
function boundUrl(raw: unknown, field: string, origin: URL, policy: OutboundPolicy): string {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw invalid(`discovery of ${origin.host}: ${field} must be a non-empty string`);
  let url: URL;
  try {
    url = new URL(raw.trim(), `${origin.origin}/`);
  } catch {
    throw invalid(`discovery of ${origin.host}: ${field} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid(`discovery of ${origin.host}: ${field} must be http(s)`);
  if (url.protocol === 'http:' && !policy.allowInsecure)
    throw invalid(`discovery of ${origin.host}: ${field} must be https`);
  if (url.host !== origin.host) {
    throw invalid(`discovery of ${origin.host}: ${field} points to another authority (${url.host})`);
  }
  if (url.username || url.password) throw invalid(`discovery of ${origin.host}: ${field} must not carry credentials`);
  return url.href;
}

/** True for an OCM API version before 1.1 ("1.0-proposal1", "1.0.0", "1"), or none at all. */
export function isLegacyApiVersion(apiVersion: string): boolean {
  const m = /^v?(\d+)(?:\.(\d+))?/.exec(apiVersion.trim());
  if (!m) return true;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  return major < 1 || (major === 1 && minor < 1);
}

/** A peer's pre-1.4 signing key: `{keyId|id, publicKeyPem}`, a bare PEM string, or the first of `publicKeys[]`. */
function legacyKeyOf(doc: Record<string, unknown>): RemoteDiscovery['legacyPublicKey'] {
  const pem = (v: unknown): v is string => typeof v === 'string' && v.includes('-----BEGIN');
  if (pem(doc.publicKey)) return { publicKeyPem: doc.publicKey.trim() };
  const legacy = isObject(doc.publicKey)
    ? doc.publicKey
    : Array.isArray(doc.publicKeys)
      ? doc.publicKeys.find(isObject)
      : undefined;
  if (legacy === undefined || typeof legacy.publicKeyPem !== 'string' || legacy.publicKeyPem === '') return undefined;
  const keyId = typeof legacy.keyId === 'string' ? legacy.keyId : typeof legacy.id === 'string' ? legacy.id : undefined;
  return keyId === undefined ? { publicKeyPem: legacy.publicKeyPem } : { keyId, publicKeyPem: legacy.publicKeyPem };
}

/** Validates a peer's discovery JSON (any version from 1.0-proposal1 to 1.4) into a RemoteDiscovery. */
export function normaliseDiscovery(
  doc: unknown,
  originUrl: string,
  host: string,
  policy: OutboundPolicy,
  servedAt: RemoteDiscovery['servedAt'] = '/.well-known/ocm',
): RemoteDiscovery {
  const origin = new URL(originUrl);
  if (!isObject(doc)) throw invalid(`discovery of ${host}: not a JSON object`);
  if (typeof doc.enabled !== 'boolean') throw invalid(`discovery of ${host}: enabled must be a boolean`);
  if (!Array.isArray(doc.resourceTypes)) throw invalid(`discovery of ${host}: resourceTypes must be an array`);
  const apiVersion =
    typeof doc.apiVersion === 'string' || typeof doc.apiVersion === 'number' ? String(doc.apiVersion) : '';
  const out: RemoteDiscovery = {
    origin: origin.origin,
    host,
    enabled: doc.enabled,
    apiVersion,
    legacy: isLegacyApiVersion(apiVersion) || servedAt === '/ocm-provider',
    servedAt,
    endPoint: boundUrl(doc.endPoint, 'endPoint', origin, policy).replace(/\/+$/, ''),
    resourceTypes: doc.resourceTypes
      .filter(isObject)
      .filter((r) => typeof r.name === 'string')
      .map((r) => ({
        name: r.name as string,
        shareTypes: strings(r.shareTypes),
        protocols: isObject(r.protocols) ? r.protocols : {},
      })),
    // Pre-1.2 Nextcloud advertised "/notifications", "/invite-accepted".
    capabilities: [
      ...new Set(
        strings(doc.capabilities)
          .map((c) => c.replace(/^\/+/, ''))
          .filter(Boolean),
      ),
    ],
    criteria: [...new Set(strings(doc.criteria))],
  };
  if (typeof doc.provider === 'string') out.provider = doc.provider;
  if (doc.tokenEndPoint !== undefined && doc.tokenEndPoint !== null && doc.tokenEndPoint !== '') {
    out.tokenEndPoint = boundUrl(doc.tokenEndPoint, 'tokenEndPoint', origin, policy);
  }
  if (doc.jwksUri !== undefined && doc.jwksUri !== null && doc.jwksUri !== '') {
    out.jwksUri = boundUrl(doc.jwksUri, 'jwksUri', origin, policy);
  }
  // Only browsers visit the invite page, so a bad one is dropped rather than failing the whole peer.
  if (typeof doc.inviteAcceptDialog === 'string' && doc.inviteAcceptDialog !== '') {
    try {
      out.inviteAcceptDialog = boundUrl(doc.inviteAcceptDialog, 'inviteAcceptDialog', origin, { allowInsecure: true });
    } catch {
      // cross-authority or malformed: ignore
    }
  }
  const legacyKey = legacyKeyOf(doc);
  if (legacyKey !== undefined) out.legacyPublicKey = legacyKey;
  return out;
}

/** Lower-cases and checks a peer host (host[:port]); anything with a scheme, path or credentials is refused. */
function normaliseHost(host: string): string {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (!HOST_RE.test(h))
    throw new InputError(`not a valid OCM host: "${host.slice(0, 100)}"`, undefined, 'INVALID_HOST');
  return h;
}

/** Discovers OCM peers, with positive and negative caching and one in-flight request per host. */
export class DiscoveryClient {
  readonly #policy: OutboundPolicy;
  readonly #ttlMs: number;
  readonly #negativeTtlMs: number;
  readonly #timeoutMs: number;
  readonly #minRefreshMs: number;
  readonly #self: DiscoveryClientOptions['self'];
  readonly #docs = new Map<string, Entry<RemoteDiscovery>>();
  readonly #keys = new Map<string, Entry<RemoteJwk[]>>();
  readonly #inflight = new Map<string, Promise<unknown>>();

  constructor(opts: DiscoveryClientOptions) {
    this.#policy = opts.policy;
    this.#ttlMs = opts.ttlMs ?? 3_600_000;
    this.#negativeTtlMs = opts.negativeTtlMs ?? 30_000;
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
    this.#minRefreshMs = opts.minRefreshMs ?? 5_000;
    this.#self = opts.self;
  }

  /**
   * Returns the peer's normalised discovery document (host[:port], no scheme), from cache when fresh.
   * `retryFailure` asks again even while a failure is remembered (the outbox, which has its own back-off).
   */
  discover(host: string, opts: { retryFailure?: boolean } = {}): Promise<RemoteDiscovery> {
    const key = normaliseHost(host);
    const self = this.#self?.();
    if (self && key === self.host.toLowerCase())
      return Promise.resolve(normaliseDiscovery(self.document, self.origin, key, { allowInsecure: true }));
    if (opts.retryFailure && this.#docs.get(key)?.error !== undefined) this.#docs.delete(key);
    return this.#cached(this.#docs, `doc:${key}`, key, false, () => this.#fetchDiscovery(key));
  }

  /** The peer's discovery document when a fresh one is cached (no request, no timer, no promise), else undefined. */
  cachedDiscovery(host: string): RemoteDiscovery | undefined {
    const hit = this.#docs.get(normaliseHost(host));
    return hit !== undefined && !('error' in hit) && Date.now() < hit.expires ? hit.value : undefined;
  }

  /** Returns the peer's JWK Set; `refresh` refetches (rate-limited) when a signature names an unknown kid. */
  jwks(host: string, opts: { refresh?: boolean } = {}): Promise<RemoteJwk[]> {
    const key = normaliseHost(host);
    return this.#cached(this.#keys, `jwks:${key}`, key, opts.refresh === true, () => this.#fetchJwks(key));
  }

  /** Forgets everything cached about a peer, so the next call refetches discovery and keys. */
  invalidate(host: string): void {
    const key = normaliseHost(host);
    this.#docs.delete(key);
    this.#keys.delete(key);
  }

  async #cached<T>(
    cache: Map<string, Entry<T>>,
    flightKey: string,
    key: string,
    refresh: boolean,
    load: () => Promise<T>,
  ): Promise<T> {
    const now = Date.now();
    const hit = cache.get(key);
    const refreshAllowed = refresh && now - (hit?.fetchedAt ?? 0) >= this.#minRefreshMs;
    if (hit !== undefined && now < hit.expires && !refreshAllowed) {
      if ('error' in hit) throw hit.error;
      return hit.value as T;
    }
    const pending = this.#inflight.get(flightKey) as Promise<T> | undefined;
    if (pending !== undefined) return pending;
    const promise = load()
      .then(
        (value) => {
          this.#store(cache, key, { value, fetchedAt: Date.now(), expires: Date.now() + this.#ttlMs });
          return value;
        },
        (error: unknown) => {
          this.#store(cache, key, { error, fetchedAt: Date.now(), expires: Date.now() + this.#negativeTtlMs });
          throw error;
        },
      )
      .finally(() => this.#inflight.delete(flightKey));
    this.#inflight.set(flightKey, promise);
    return promise;
  }

  #store<T>(cache: Map<string, Entry<T>>, key: string, entry: Entry<T>): void {
    cache.delete(key);
    // Hosts come from remote input; bound the cache by evicting the oldest insertion.
    if (cache.size >= MAX_CACHED_HOSTS) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(key, entry);
  }

  #schemes(host: string): string[] {
    if (!this.#policy.allowInsecure) return ['https'];
    const name = host.replace(/:\d+$/, '');
    // Local demo peers almost always speak plain http; trying it first saves a failed TLS handshake.
    return LOCAL_HOSTS.has(name) ? ['http', 'https'] : ['https', 'http'];
  }

  async #fetchDiscovery(host: string): Promise<RemoteDiscovery> {
    let lastError: unknown;
    let invalidError: unknown;
    for (const scheme of this.#schemes(host)) {
      const origin = `${scheme}://${host}`;
      let answered = false;
      for (const path of PATHS) {
        try {
          const res = await remoteRequest(
            `${origin}${path}`,
            { headers: { accept: 'application/json' }, timeoutMs: this.#timeoutMs, maxBytes: MAX_DOC_BYTES },
            this.#policy,
          );
          answered = true;
          if (res.status !== 200) {
            lastError = new PeerError(`${origin}${path} answered ${res.status}`, res.status, 'DISCOVERY_FAILED');
            continue;
          }
          return normaliseDiscovery(res.json(), origin, host, this.#policy, path);
        } catch (err) {
          if (err instanceof SsrfError) throw err;
          lastError = err;
          if (isMeshworkError(err) && err.code === 'DISCOVERY_INVALID') invalidError = err;
          // Nothing listens on this scheme: the other path will not answer either.
          if (isMeshworkError(err) && (err.code === 'PEER_UNREACHABLE' || err.code === 'PEER_TIMEOUT')) break;
        }
      }
      // The peer speaks this scheme on this port; the other scheme cannot do better.
      if (answered) break;
    }
    if (invalidError !== undefined) throw invalidError;
    const status = lastError instanceof PeerError ? lastError.peerStatus : undefined;
    const reason = lastError instanceof Error ? lastError.message : 'no answer';
    throw new PeerError(`OCM discovery of ${host} failed: ${reason}`, status, 'DISCOVERY_FAILED');
  }

  async #fetchJwks(host: string): Promise<RemoteJwk[]> {
    const d = await this.discover(host);
    // Drafts up to -05 used the fixed path; -07 advertises jwksUri.
    const url = d.jwksUri ?? `${d.origin}/.well-known/jwks.json`;
    const res = await remoteRequest(
      url,
      { headers: { accept: 'application/json' }, timeoutMs: this.#timeoutMs, maxBytes: MAX_DOC_BYTES },
      this.#policy,
    );
    if (res.status !== 200)
      throw new PeerError(`JWK Set of ${host} answered ${res.status}`, res.status, 'DISCOVERY_FAILED');
    const body = res.json();
    if (!isObject(body) || !Array.isArray(body.keys)) throw invalid(`JWK Set of ${host} has no keys array`);
    return body.keys.filter((k): k is RemoteJwk => isObject(k) && typeof k.kty === 'string');
  }
}
