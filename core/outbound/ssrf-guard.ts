/**
 * SSRF guard for server-to-server requests. Every share, invite and discovery names a host chosen by someone
 * else, so before connecting we check the scheme, resolve the name once, refuse internal destinations and hand
 * back the checked addresses so the caller connects to exactly those (no second lookup, no DNS rebinding).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { PeerError, SsrfError } from '../errors.ts';

/** What outbound requests may reach; `allowInsecure` (MESHWORK_ALLOW_INSECURE_PEERS=1) permits http and private/loopback peers. */
export interface OutboundPolicy {
  allowInsecure: boolean;
  /**
   * This server itself: a request to exactly `origin` (scheme, host and port) goes to `listen`, the address this
   * node listens on, without DNS and without the address check. A share between two users of this server reaches
   * its owner's resource this way; every other destination is checked as before.
   */
  self?: () => SelfOrigin | null;
}

/** Our own public origin and the local address its requests are sent to. */
export interface SelfOrigin {
  origin: string;
  listen: { host: string; port: number };
}

/** The local address to use when `url` is exactly this server's own origin, else null. */
export function selfTarget(url: URL, policy: OutboundPolicy): SelfOrigin['listen'] | null {
  const self = policy.self?.();
  return self && url.origin === self.origin && url.username === '' && url.password === '' ? self.listen : null;
}

/** One checked address to connect to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a hostname to all its addresses; injectable so tests can simulate hostile DNS answers. */
export type LookupAll = (hostname: string) => Promise<ResolvedAddress[]>;

// [network, prefix length] pairs, IPv4 as 32-bit unsigned integers.
const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network", includes 0.0.0.0 which Linux routes to localhost
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata endpoints live here
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, includes broadcast 255.255.255.255
];

function v4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

const BLOCKED_V4_RANGES = BLOCKED_V4.map(([net, bits]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (v4ToInt(net) ?? 0) & mask, mask };
});

function isBlockedV4Int(n: number): boolean {
  return BLOCKED_V4_RANGES.some(({ base, mask }) => (n & mask) >>> 0 === base >>> 0);
}

/** Expands a valid IPv6 literal (optionally with a dotted IPv4 tail or zone id) into eight 16-bit groups. */
function v6Groups(ip: string): number[] | null {
  let s = ip.split('%')[0] ?? '';
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const n = v4ToInt(tail);
    if (n === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 ? (halves[1] ? halves[1].split(':') : []) : null;
  const fill = rest === null ? [] : Array<string>(8 - head.length - rest.length).fill('0');
  const groups = [...head, ...fill, ...(rest ?? [])].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

function isBlockedV6(g: number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embeddedV4 = ((g6 << 16) | g7) >>> 0;
  const first80Zero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  // ::/96 (IPv4-compatible, also covers :: and ::1) and ::ffff:0:0/96 (IPv4-mapped) reach the embedded IPv4 host.
  // :: and ::1 map to 0.0.0.0/8, so they are caught by the IPv4 table too.
  if (first80Zero && (g5 === 0 || g5 === 0xffff)) return isBlockedV4Int(embeddedV4);
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return isBlockedV4Int(embeddedV4); // SIIT
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isBlockedV4Int(embeddedV4); // NAT64
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return true; // local-use NAT64
  if (g0 === 0x2002) return isBlockedV4Int(((g1 << 16) | g2) >>> 0); // 6to4 embeds the IPv4 in bits 16..48
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return true; // link-local, deprecated site-local
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique-local
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return true; // discard-only
  if (g0 === 0x2001 && g1 === 0xdb8) return true; // documentation
  return false;
}

/** True when an IP literal is loopback, private, link-local, CGNAT, multicast, reserved or unspecified; non-IPs count as blocked. */
export function isBlockedAddress(ip: string): boolean {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const family = isIP(bare.split('%')[0] ?? '');
  if (family === 4) {
    const n = v4ToInt(bare);
    return n === null || isBlockedV4Int(n);
  }
  if (family === 6) {
    const groups = v6Groups(bare);
    return groups === null || isBlockedV6(groups);
  }
  return true;
}

/** Refuses URLs we never fetch: non-http(s), plain http unless insecure peers are allowed, and embedded credentials. */
export function assertAllowedUrl(url: URL, policy: OutboundPolicy): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SsrfError(`refusing ${url.protocol} URL: only https is allowed`);
  }
  if (url.protocol === 'http:' && !policy.allowInsecure) {
    throw new SsrfError(`refusing plain http to ${url.host}: only https is allowed`);
  }
  // Credentials in URLs end up in logs and proxies; OCM never needs them.
  if (url.username !== '' || url.password !== '') {
    throw new SsrfError(`refusing URL with embedded credentials for ${url.host}`);
  }
  if (url.hostname === '') throw new SsrfError('refusing URL without a host');
}

/**
 * Remembers each host name's addresses for `ttlMs` (and lets concurrent callers share one lookup), so that a
 * stream of requests to one peer does not pay a resolver call (a thread-pool hop, /etc/hosts, the resolver) each.
 * Failures are not remembered. The addresses are checked on every use, and connections go to exactly these.
 */
export function cachedLookupAll(
  lookupAll: LookupAll,
  { ttlMs, maxEntries = 1000, now = Date.now }: { ttlMs: number; maxEntries?: number; now?: () => number },
): LookupAll {
  const cache = new Map<string, { at: number; found: Promise<ResolvedAddress[]> }>();
  return (hostname) => {
    const key = hostname.toLowerCase();
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.found;
    const found = lookupAll(hostname);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(key, { at: now(), found });
    found.catch(() => {
      if (cache.get(key)?.found === found) cache.delete(key);
    });
    return found;
  };
}

// Short: a peer that moves is reached at its new address within seconds.
const DNS_CACHE_MS = 5_000;
const systemLookupAll: LookupAll = cachedLookupAll(
  async (hostname) => {
    const found = await lookup(hostname, { all: true, verbatim: true });
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  },
  { ttlMs: DNS_CACHE_MS },
);

/** Resolves a hostname (or IP literal) once and refuses it if ANY address is blocked; returns every checked address. */
export async function resolveAllAndCheck(
  hostname: string,
  policy: OutboundPolicy,
  lookupAll: LookupAll = systemLookupAll,
): Promise<ResolvedAddress[]> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host === '') throw new SsrfError('refusing empty host');
  const family = isIP(host);
  let addresses: ResolvedAddress[];
  if (family !== 0) {
    addresses = [{ address: host, family: family === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await lookupAll(host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'lookup failed';
      throw new PeerError(`cannot resolve ${host}: ${code}`, undefined, 'PEER_UNREACHABLE');
    }
    if (addresses.length === 0)
      throw new PeerError(`cannot resolve ${host}: no addresses`, undefined, 'PEER_UNREACHABLE');
  }
  // One bad answer is enough: an attacker controlling DNS can mix a public and an internal address.
  if (!policy.allowInsecure && addresses.some((a) => isBlockedAddress(a.address))) {
    // The message deliberately omits the address so callers learn nothing about internal networks.
    throw new SsrfError(`refusing to connect to ${host}: it resolves to a private, loopback or reserved address`);
  }
  return addresses;
}

/** Resolves and checks a hostname, returning the single address to connect to. */
export async function resolveAndCheck(
  hostname: string,
  policy: OutboundPolicy,
  lookupAll?: LookupAll,
): Promise<ResolvedAddress> {
  const [first] = await resolveAllAndCheck(hostname, policy, lookupAll);
  if (first === undefined) throw new PeerError(`cannot resolve ${hostname}`, undefined, 'PEER_UNREACHABLE');
  return first;
}
