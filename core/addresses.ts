/**
 * OCM Addresses: `identifier "@" host [":" port]`. The identifier is opaque and may itself contain `@`,
 * so the split is on the LAST `@`. Addresses carry neither a scheme nor a path.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { InputError } from './errors.ts';

/** A parsed OCM Address; `host` is `host[:port]` with the host part lowercased. */
export interface OcmAddress {
  id: string;
  host: string;
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const SCHEME_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const FORBIDDEN_CHARS = /[\s\u0000-\u001f\u007f]/u;

function invalid(field: string, message: string, reason = 'INVALID_FORMAT'): InputError {
  return new InputError(message, [{ name: field, message: reason }], 'INVALID_ADDRESS');
}

function normalizeRegName(name: string): string | null {
  const ascii = /^[\x21-\x7e]*$/.test(name) ? name.toLowerCase() : domainToASCII(name);
  if (ascii === '' || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (!labels.every((l) => LABEL.test(l))) return null;
  // An all-numeric last label is an IPv4 attempt (e.g. 1.2.3.999), never a domain name.
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return isIPv4(ascii) ? ascii : null;
  return ascii;
}

function normalizePort(port: string): string | null {
  if (!/^\d{1,5}$/.test(port)) return null;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? String(n) : null;
}

/** Validates and normalizes `host[:port]` (reg-name, IPv4 or `[IPv6]`); null when invalid. */
export function normalizeHost(hostPort: string): string | null {
  if (hostPort === '' || FORBIDDEN_CHARS.test(hostPort) || /[/?#@\\]/.test(hostPort)) return null;
  let host: string;
  let port: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return null;
    const literal = hostPort.slice(1, close);
    if (literal.includes('%') || !isIPv6(literal)) return null;
    host = `[${literal.toLowerCase()}]`;
    const rest = hostPort.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return null;
      port = rest.slice(1);
    }
  } else {
    const parts = hostPort.split(':');
    if (parts.length > 2) return null;
    const name = normalizeRegName(parts[0] ?? '');
    if (name === null) return null;
    host = name;
    port = parts[1];
  }
  if (port === undefined) return host;
  const p = normalizePort(port);
  return p === null ? null : `${host}:${p}`;
}

/** Parses a strict OCM Address; throws InputError `INVALID_ADDRESS` naming `field` on bad input. */
export function parseAddress(s: string, field = 'address'): OcmAddress {
  if (typeof s !== 'string') throw invalid(field, 'address must be a string', 'INVALID_TYPE');
  if (s === '') throw invalid(field, 'address is empty', 'REQUIRED');
  if (FORBIDDEN_CHARS.test(s)) throw invalid(field, 'address contains whitespace or control characters');
  if (SCHEME_PREFIX.test(s)) throw invalid(field, 'address must not contain a scheme');
  const at = s.lastIndexOf('@');
  if (at < 0) throw invalid(field, 'address has no "@"');
  const id = s.slice(0, at);
  const hostPart = s.slice(at + 1);
  if (id === '') throw invalid(field, 'address has an empty identifier');
  if (hostPart === '') throw invalid(field, 'address has an empty host');
  if (SCHEME_PREFIX.test(hostPart)) throw invalid(field, 'address must not contain a scheme');
  if (/[/?#]/.test(hostPart)) throw invalid(field, 'address must not contain a path');
  const host = normalizeHost(hostPart);
  if (host === null) throw invalid(field, `invalid host in address: ${hostPart}`);
  return { id, host };
}

/** Like parseAddress, but tolerates `id@https://host/` (as Nextcloud sends) and surrounding whitespace. */
export function parseAddressLenient(s: string, field = 'address'): OcmAddress {
  if (typeof s !== 'string') return parseAddress(s, field);
  const trimmed = s.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return parseAddress(trimmed, field);
  const hostPart = trimmed
    .slice(at + 1)
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '');
  return parseAddress(`${trimmed.slice(0, at)}@${hostPart}`, field);
}

/** Formats an OCM Address from an identifier and `host[:port]` (the host is lowercased). */
export function formatAddress(id: string, host: string): string {
  return `${id}@${host.toLowerCase()}`;
}

/** `host[:port]` of an absolute URL; the port is omitted when it is the scheme's default. */
export function hostFromUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`invalid URL: ${url}`, [{ name: 'url', message: 'INVALID_FORMAT' }], 'INVALID_URL');
  }
  if (parsed.host === '') {
    throw new InputError(`URL has no host: ${url}`, [{ name: 'url', message: 'INVALID_FORMAT' }], 'INVALID_URL');
  }
  return parsed.host;
}

/** Case-insensitive comparison of two `host[:port]` values. */
export function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The address to reach this node's own listener at: the interface it listens on, loopback for a wildcard. */
export function loopbackFor(address: string): string {
  if (address === '0.0.0.0' || address === '') return '127.0.0.1';
  if (address === '::') return '::1';
  return address;
}
