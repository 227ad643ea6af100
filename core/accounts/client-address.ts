/**
 * The address a request comes from, for throttling. The socket's peer address, unless MESHWORK_TRUST_PROXY names
 * the reverse proxies in front of us: then `X-Forwarded-For` is walked from the right, skipping trusted hops
 * (proxy-addr, the same code express's `trust proxy` uses). Without that setting a client cannot pick its own
 * address by sending the header.
 */
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';

/** Resolves a request's client address. */
export type ClientAddressResolver = (req: IncomingMessage) => string;

/** Compiles the trusted-proxy list (addresses, CIDRs, `loopback`, `linklocal`, `uniquelocal`); throws on a bad one. */
export function trustProxyFunction(trusted: readonly string[]): (addr: string, hop: number) => boolean {
  return trusted.length === 0 ? () => false : proxyaddr.compile([...trusted]);
}

/** A resolver for the configured trusted proxies. */
export function clientAddressResolver(trusted: readonly string[]): ClientAddressResolver {
  const trust = trustProxyFunction(trusted);
  return (req) => {
    if (!req.socket?.remoteAddress) return 'unknown';
    try {
      return proxyaddr(req, trust);
    } catch {
      return req.socket.remoteAddress;
    }
  };
}

/**
 * The bucket an address is throttled in: IPv4 as is (IPv4-mapped IPv6 too), IPv6 by its /64, because one
 * subscriber usually holds a whole /64 and could otherwise rotate through it.
 */
export function throttleBucket(address: string): string {
  if (!ipaddr.isValid(address)) return address.slice(0, 64) || 'unknown';
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}
