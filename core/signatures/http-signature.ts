/**
 * RFC 9421 HTTP Message Signatures as OCM profiles them (OCM draft "HTTP Message Signatures"):
 * covered components `@method @target-uri content-digest content-length`, params `created` and
 * `keyid`, and exactly one signature tagged `tag="ocm"` (the label is not significant).
 */
import type { KeyObject } from 'node:crypto';
import type { ErrorCode } from '../error-codes.ts';
import { SignatureError } from '../errors.ts';
import { computeContentDigest, verifyContentDigest } from './content-digest.ts';
import type { SigningKey } from './key-pair.ts';
import {
  algorithmForJwkAlg,
  defaultAlgorithmForKey,
  resolveVerificationAlgorithm,
  signWithAlgorithm,
  verifyWithAlgorithm,
} from './signature-algorithms.ts';
import {
  isInnerList,
  parseDictionary,
  serializeDictionary,
  serializeInnerList,
  type InnerList,
  type Item,
  type Parameters,
} from './structured-fields.ts';

/** The parts of an HTTP request a signature covers. */
export interface SignableRequest {
  method: string;
  /** Absolute target URI. */
  url: string;
  /** Lowercase header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** Finds a peer's public key (and its JWK `alg`) by keyid; null when the peer has no such key. */
export type PublicKeyResolver = (keyId: string) => Promise<{ key: KeyObject; alg?: string } | null>;

/** What a successful verification proves. */
export interface VerifiedSignature {
  keyId: string;
  created: number;
  label: string;
}

/** Options of signRequest. */
export interface SignOptions {
  /** Unix seconds; defaults to now. */
  created?: number;
  /** Dictionary label; defaults to `sig1`. */
  label?: string;
  /** Signing algorithm (JOSE or RFC 9421 name); defaults from the key type, required for RSA keys. */
  algorithm?: string;
  /** Whether to send the `alg` parameter (default true; never sent when the algorithm has no RFC 9421 name). */
  includeAlg?: boolean;
}

/** Options of verifyRequest. */
export interface VerifyOptions {
  /** Unix seconds; defaults to now. */
  now?: number;
  /** Freshness window for `created` (default 300 s). */
  maxAgeSeconds?: number;
  /** Tolerated clock skew for `created` in the future (default 60 s). */
  maxSkewSeconds?: number;
}

/** The components OCM requires every signature to cover, in the order we sign them. */
export const OCM_COVERED_COMPONENTS = ['@method', '@target-uri', 'content-digest', 'content-length'] as const;

function fail(message: string, code: ErrorCode): never {
  throw new SignatureError(message, code);
}

function parseUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    return fail('request target is not an absolute URI', 'SIGNATURE_MALFORMED');
  }
}

/** The value of one covered component (RFC 9421 §2.1, §2.2). */
function componentValue(req: SignableRequest, name: string, url: URL): string {
  switch (name) {
    case '@method':
      return req.method.toUpperCase();
    case '@target-uri':
      return url.href.replace(/#.*$/, '');
    case '@authority':
      return url.host;
    case '@scheme':
      return url.protocol.slice(0, -1);
    case '@path':
      return url.pathname || '/';
    case '@query':
      return url.search || '?';
    case '@request-target':
      return (url.pathname || '/') + url.search;
  }
  if (name.startsWith('@')) fail(`unsupported derived component ${name}`, 'SIGNATURE_MALFORMED');
  const raw = req.headers[name];
  if (raw === undefined) fail(`covered header ${name} is missing`, 'SIGNATURE_MISSING_COMPONENT');
  // RFC 9421 §2.1: trim, and turn obsolete line folding into a single space.
  return raw.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** Builds the RFC 9421 signature base for the covered components and signature parameters. */
export function buildSignatureBase(req: SignableRequest, signatureParams: InnerList): string {
  const url = parseUrl(req.url);
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const item of signatureParams.items) {
    if (typeof item.value !== 'string') fail('covered component is not a string', 'SIGNATURE_MALFORMED');
    const name = item.value;
    if (item.params.size > 0) fail(`component parameters on ${name} are not supported`, 'SIGNATURE_MALFORMED');
    if (name !== name.toLowerCase() || name === '@signature-params' || seen.has(name)) {
      fail(`invalid covered component ${name}`, 'SIGNATURE_MALFORMED');
    }
    seen.add(name);
    const value = componentValue(req, name, url);
    // A newline in a value would let a peer forge extra lines of the base.
    if (/[\r\n]/.test(value)) fail(`component ${name} contains a newline`, 'SIGNATURE_MALFORMED');
    lines.push(`"${name}": ${value}`);
  }
  lines.push(`"@signature-params": ${serializeInnerList(signatureParams)}`);
  return lines.join('\n');
}

/** Signs a request the OCM way; returns the headers to add (content-digest, content-length, signature-input, signature). */
export function signRequest(req: SignableRequest, key: SigningKey, opts: SignOptions = {}): Record<string, string> {
  const alg =
    opts.algorithm !== undefined ? algorithmForJwkAlg(opts.algorithm) : defaultAlgorithmForKey(key.privateKey);
  if (!alg) fail(`cannot sign with algorithm ${opts.algorithm ?? '(unknown for this key)'}`, 'SIGNATURE_ALG_MISMATCH');
  const digest = computeContentDigest(req.body);
  const length = String(req.body.length);
  const params: Parameters = new Map();
  params.set('created', opts.created ?? Math.floor(Date.now() / 1000));
  params.set('keyid', key.keyId);
  if (alg.httpSig !== null && opts.includeAlg !== false) params.set('alg', alg.httpSig);
  params.set('tag', 'ocm');
  const sigParams: InnerList = { items: OCM_COVERED_COMPONENTS.map((c) => ({ value: c, params: new Map() })), params };
  const headers = { ...req.headers, 'content-digest': digest, 'content-length': length };
  const base = buildSignatureBase({ ...req, headers }, sigParams);
  const signature = signWithAlgorithm(alg, Buffer.from(base, 'utf8'), key.privateKey);
  const label = opts.label ?? 'sig1';
  return {
    'content-digest': digest,
    'content-length': length,
    // serializeDictionary also checks that the label is a valid sf-key.
    'signature-input': serializeDictionary(new Map([[label, sigParams]])),
    signature: serializeDictionary(new Map([[label, { value: new Uint8Array(signature), params: new Map() }]])),
  };
}

/** Finds the single member tagged `tag="ocm"`; null when there is none. */
function findOcmSignature(header: string): { label: string; params: InnerList } | null {
  const found: { label: string; params: InnerList }[] = [];
  for (const [label, member] of parseDictionary(header, { rejectDuplicates: true })) {
    if (isInnerList(member) && member.params.get('tag') === 'ocm') found.push({ label, params: member });
  }
  if (found.length > 1) fail('more than one signature is tagged ocm', 'SIGNATURE_DUPLICATE_OCM');
  return found[0] ?? null;
}

function intParam(params: Parameters, name: string): number | undefined {
  const v = params.get(name);
  if (v === undefined) return undefined;
  if (typeof v !== 'number') fail(`signature parameter ${name} is not an integer`, 'SIGNATURE_MALFORMED');
  return v;
}

function stringParam(params: Parameters, name: string): string | undefined {
  const v = params.get(name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail(`signature parameter ${name} is not a string`, 'SIGNATURE_MALFORMED');
  return v;
}

function signatureBytes(req: SignableRequest, label: string): Uint8Array {
  const header = req.headers['signature'];
  if (header === undefined) fail('Signature header is missing', 'SIGNATURE_MALFORMED');
  const member: Item | InnerList | undefined = parseDictionary(header, { rejectDuplicates: true }).get(label);
  if (!member || isInnerList(member) || !(member.value instanceof Uint8Array)) {
    fail(`Signature header has no byte sequence for ${label}`, 'SIGNATURE_MALFORMED');
  }
  return member.value;
}

/**
 * Verifies the OCM signature of a request. Returns null when no Signature-Input member is tagged
 * `tag="ocm"` (unsigned as far as OCM is concerned: the caller applies its policy); throws
 * SignatureError for anything signed but wrong.
 */
export async function verifyRequest(
  req: SignableRequest,
  resolveKey: PublicKeyResolver,
  opts: VerifyOptions = {},
): Promise<VerifiedSignature | null> {
  const input = req.headers['signature-input'];
  if (input === undefined || input.trim() === '') return null;
  const ocm = findOcmSignature(input);
  if (!ocm) return null;
  const { label, params: sigParams } = ocm;
  const covered = new Set(sigParams.items.map((i) => i.value));
  for (const c of OCM_COVERED_COMPONENTS) {
    if (!covered.has(c)) fail(`signature does not cover ${c}`, 'SIGNATURE_MISSING_COMPONENT');
  }
  const created = intParam(sigParams.params, 'created');
  const keyId = stringParam(sigParams.params, 'keyid');
  if (created === undefined) fail('signature has no created parameter', 'SIGNATURE_MISSING_COMPONENT');
  if (keyId === undefined || keyId === '') fail('signature has no keyid parameter', 'SIGNATURE_MISSING_COMPONENT');
  const sigAlg = stringParam(sigParams.params, 'alg');
  const expires = intParam(sigParams.params, 'expires');
  const signature = signatureBytes(req, label);

  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (created > now + (opts.maxSkewSeconds ?? 60)) fail('signature created in the future', 'SIGNATURE_FUTURE');
  if (now - created > (opts.maxAgeSeconds ?? 300)) fail('signature is too old', 'SIGNATURE_STALE');
  if (expires !== undefined && now > expires) fail('signature has expired', 'SIGNATURE_STALE');

  const digest = req.headers['content-digest'];
  if (digest === undefined) fail('Content-Digest header is missing', 'SIGNATURE_MISSING_COMPONENT');
  verifyContentDigest(digest, req.body);
  const length = req.headers['content-length'];
  if (length === undefined) fail('Content-Length header is missing', 'SIGNATURE_MISSING_COMPONENT');
  if (length.trim() !== String(req.body.length))
    fail('Content-Length does not match the body', 'SIGNATURE_DIGEST_MISMATCH');

  const base = buildSignatureBase(req, sigParams);
  const resolved = await resolveKey(keyId);
  if (!resolved) fail(`no public key for keyid ${keyId}`, 'SIGNATURE_UNKNOWN_KEY');
  const alg = resolveVerificationAlgorithm(resolved.key, resolved.alg, sigAlg);
  if (!verifyWithAlgorithm(alg, Buffer.from(base, 'utf8'), resolved.key, signature)) {
    fail('signature does not verify', 'SIGNATURE_INVALID');
  }
  return { keyId, created, label };
}

/**
 * The host[:port] a keyid names, lowercased: `host#frag` → `host`, `https://host:port/path#x` →
 * `host:port`, bare `host` → `host`. Callers bind it to the server the payload claims to come from.
 */
export function keyIdAuthority(keyId: string): string | null {
  const id = keyId.trim();
  if (id === '') return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(id)) {
    try {
      const host = new URL(id).host.toLowerCase();
      return host === '' ? null : host;
    } catch {
      return null;
    }
  }
  const authority = (id.split(/[#/?]/, 1)[0] ?? '').toLowerCase();
  // host, IPv4, or [IPv6], with an optional port; anything else (userinfo, spaces) is not an authority.
  return /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/.test(authority) ? authority : null;
}
