/**
 * Legacy draft-cavage-http-signatures-12 signatures, as older Nextcloud and the OCM stub use them (RSA
 * with SHA-256/512 over `(request-target) host date digest content-length`). OCM 1.4 dropped this scheme;
 * we verify it so shares from older peers arrive, and sign with it towards peers that verify nothing else
 * (Nextcloud 31–33: no `http-sig`, a `publicKey` in discovery).
 */
import { createHash, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { ErrorCode } from '../error-codes.ts';
import { SignatureError } from '../errors.ts';
import type { SignableRequest } from './http-signature.ts';

/** Options of verifyCavageRequest. */
export interface CavageVerifyOptions {
  /** Unix seconds; defaults to now. */
  now?: number;
  /** Maximum age of the Date header (default 300 s, as Nextcloud). */
  maxAgeSeconds?: number;
  /** Tolerated clock skew for a Date in the future (default 60 s). */
  maxSkewSeconds?: number;
}

/** The fields of a cavage `Signature` header. */
export interface CavageSignature {
  keyId: string;
  algorithm: string | undefined;
  headers: string[];
  signature: Buffer;
}

/** Finds the legacy public key for a cavage keyId. */
export type CavageKeyResolver = (keyId: string) => Promise<KeyObject | null>;

function fail(message: string, code: ErrorCode): never {
  throw new SignatureError(message, code);
}

/** Headers a cavage signature must cover for us to trust the body, the time and the recipient. */
const REQUIRED = ['date', 'digest', 'host'] as const;

/** Parses `keyId="…",algorithm="…",headers="…",signature="…"` leniently (quoted or bare values, any spacing). */
export function parseCavageSignature(raw: string): CavageSignature {
  const header = raw.trim().replace(/,\s*$/, '');
  const fields = new Map<string, string>();
  const re = /\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))\s*(?:,|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < header.length && (m = re.exec(header)) !== null) {
    fields.set((m[1] ?? '').toLowerCase(), m[2] ?? m[3] ?? '');
    if (m[0] === '') break;
  }
  if (re.lastIndex !== header.length && header.slice(re.lastIndex).trim() !== '')
    fail('malformed cavage Signature header', 'SIGNATURE_MALFORMED');
  const keyId = fields.get('keyid');
  const sig = fields.get('signature');
  if (!keyId || !sig) fail('cavage Signature header lacks keyId or signature', 'SIGNATURE_MALFORMED');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(sig)) fail('cavage signature is not base64', 'SIGNATURE_MALFORMED');
  // Peers list headers space- or comma-separated, and write request-target with or without parentheses.
  const headers = (fields.get('headers') ?? 'date')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((h) => h !== '')
    .map((h) => (h === 'request-target' ? '(request-target)' : h));
  return { keyId, algorithm: fields.get('algorithm')?.toLowerCase(), headers, signature: Buffer.from(sig, 'base64') };
}

function hashesFor(algorithm: string | undefined): ('sha256' | 'sha512')[] {
  if (algorithm === undefined || algorithm === 'rsa-sha256' || algorithm === 'sha256') return ['sha256'];
  if (algorithm === 'rsa-sha512' || algorithm === 'sha512') return ['sha512'];
  // hs2019 leaves the hash to the key; RSA peers use either.
  if (algorithm === 'hs2019') return ['sha512', 'sha256'];
  return fail(`unsupported cavage algorithm ${algorithm}`, 'SIGNATURE_ALG_MISMATCH');
}

function requestTarget(req: SignableRequest): string {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return fail('request target is not an absolute URI', 'SIGNATURE_MALFORMED');
  }
  return `${req.method.toLowerCase()} ${url.pathname || '/'}${url.search}`;
}

function headerValue(req: SignableRequest, name: string): string {
  if (name === '(request-target)') return requestTarget(req);
  if (name.startsWith('(')) fail(`unsupported cavage pseudo-header ${name}`, 'SIGNATURE_MALFORMED');
  let v = req.headers[name];
  if (v === undefined && name === 'host') v = new URL(req.url).host;
  if (v === undefined) fail(`covered header ${name} is missing`, 'SIGNATURE_MISSING_COMPONENT');
  return v.trim();
}

/**
 * The strings the signer may have signed: the standard form, plus the quirks seen in the wild (the
 * stub names the line `request-target:`; Nextcloud always prepends `(request-target)`, listed or not).
 */
function signingStrings(req: SignableRequest, headers: string[]): string[] {
  const lines = headers.map((h) => `${h}: ${headerValue(req, h)}`);
  const out = [lines.join('\n')];
  if (headers.includes('(request-target)')) {
    out.push(lines.map((l) => l.replace(/^\(request-target\):/, 'request-target:')).join('\n'));
  } else {
    out.push([`(request-target): ${requestTarget(req)}`, ...lines].join('\n'));
  }
  return out;
}

/** Checks a legacy `Digest` header (RFC 3230): every recognised algorithm must match, at least one must be present. */
function verifyLegacyDigest(header: string, body: Buffer): void {
  let checked = 0;
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const alg = part.slice(0, eq).trim().toLowerCase();
    const hash = alg === 'sha-256' ? 'sha256' : alg === 'sha-512' ? 'sha512' : null;
    if (eq < 0 || !hash) continue;
    const got = Buffer.from(part.slice(eq + 1).trim(), 'base64');
    const expected = createHash(hash).update(body).digest();
    if (got.length !== expected.length || !timingSafeEqual(got, expected))
      fail(`Digest ${alg} does not match the body`, 'SIGNATURE_DIGEST_MISMATCH');
    checked++;
  }
  if (checked === 0) fail('Digest has no supported algorithm (SHA-256, SHA-512)', 'SIGNATURE_DIGEST_MISMATCH');
}

function rsaVerifies(hash: string, data: string, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(hash, Buffer.from(data, 'utf8'), key, signature);
  } catch {
    return false; // e.g. a signature of the wrong length for the key
  }
}

/** The cavage Signature header of a request, or undefined when the request is not cavage-signed. */
function cavageHeader(req: SignableRequest): string | undefined {
  if (req.headers['signature-input'] !== undefined) return undefined; // RFC 9421, not cavage
  const sig = req.headers['signature'];
  if (sig !== undefined && sig.trim() !== '') return sig;
  const auth = req.headers['authorization'];
  return auth !== undefined && /^signature\s/i.test(auth) ? auth.replace(/^signature\s+/i, '') : undefined;
}

/**
 * Verifies a draft-cavage-12 signature. Returns null when the request carries none (no `Signature`
 * header, or an RFC 9421 one with `Signature-Input`); throws SignatureError when it is present but bad.
 */
export async function verifyCavageRequest(
  req: SignableRequest,
  resolveKey: CavageKeyResolver,
  opts: CavageVerifyOptions = {},
): Promise<{ keyId: string } | null> {
  const header = cavageHeader(req);
  if (header === undefined) return null;
  const parsed = parseCavageSignature(header);
  const hashes = hashesFor(parsed.algorithm);
  for (const h of REQUIRED) {
    if (!parsed.headers.includes(h)) fail(`cavage signature does not cover ${h}`, 'SIGNATURE_MISSING_COMPONENT');
  }
  const date = Date.parse(headerValue(req, 'date'));
  if (Number.isNaN(date)) fail('Date header is not a valid date', 'SIGNATURE_MALFORMED');
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const sent = Math.floor(date / 1000);
  if (sent > now + (opts.maxSkewSeconds ?? 60)) fail('Date is in the future', 'SIGNATURE_FUTURE');
  if (now - sent > (opts.maxAgeSeconds ?? 300)) fail('Date is too old', 'SIGNATURE_STALE');
  verifyLegacyDigest(headerValue(req, 'digest'), req.body);
  const length = req.headers['content-length'];
  if (length !== undefined && length.trim() !== String(req.body.length))
    fail('Content-Length does not match the body', 'SIGNATURE_DIGEST_MISMATCH');

  const candidates = signingStrings(req, parsed.headers);
  const key = await resolveKey(parsed.keyId);
  if (!key) fail(`no public key for keyId ${parsed.keyId}`, 'SIGNATURE_UNKNOWN_KEY');
  if (key.asymmetricKeyType !== 'rsa')
    fail('cavage signatures are only accepted with RSA keys', 'SIGNATURE_ALG_MISMATCH');
  for (const hash of hashes) {
    for (const data of candidates) {
      if (rsaVerifies(hash, data, key, parsed.signature)) return { keyId: parsed.keyId };
    }
  }
  return fail('cavage signature does not verify', 'SIGNATURE_INVALID');
}

/**
 * Signs a request the way Nextcloud verifies it: `headers="(request-target) content-length date digest host"`
 * (space-separated; Nextcloud requires date, host, content-length and digest), `Digest: SHA-256=<base64>`,
 * an RFC 7231 Date; returns the headers to add.
 */
export function signCavageRequest(
  req: SignableRequest,
  keyId: string,
  privateKey: KeyObject,
  opts: { date?: Date; algorithm?: 'rsa-sha256' | 'rsa-sha512'; headers?: string[] } = {},
): Record<string, string> {
  const algorithm = opts.algorithm ?? 'rsa-sha256';
  const hash = algorithm === 'rsa-sha512' ? 'sha512' : 'sha256';
  const added: Record<string, string> = {
    date: (opts.date ?? new Date()).toUTCString(),
    digest: `SHA-256=${createHash('sha256').update(req.body).digest('base64')}`,
    'content-length': String(req.body.length),
    host: req.headers['host'] ?? new URL(req.url).host,
  };
  const headers = opts.headers ?? ['(request-target)', 'content-length', 'date', 'digest', 'host'];
  const all: SignableRequest = { ...req, headers: { ...req.headers, ...added } };
  const data = headers.map((h) => `${h}: ${headerValue(all, h)}`).join('\n');
  const signature = sign(hash, Buffer.from(data, 'utf8'), privateKey).toString('base64');
  added['signature'] =
    `keyId="${keyId}",algorithm="${algorithm}",headers="${headers.join(' ')}",signature="${signature}"`;
  return added;
}
