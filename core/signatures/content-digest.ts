/** RFC 9530 `Content-Digest`: computing it for outbound bodies and checking it on inbound ones. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../errors.ts';
import { isInnerList, parseDictionary } from './structured-fields.ts';

/** Digest algorithms we recognise, by their RFC 9530 registry key. */
const ALGORITHMS: Readonly<Record<string, string>> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };

/** `sha-256=:<base64>:` for a body (RFC 9530 §2). */
export function computeContentDigest(body: Buffer): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/**
 * Checks a `Content-Digest` header against the body. Every recognised algorithm must match (a single
 * good digest next to a bad one is still an integrity failure), and at least one must be recognised;
 * unknown algorithms are ignored, as RFC 9530 allows.
 */
export function verifyContentDigest(header: string, body: Buffer): void {
  const dict = parseDictionary(header);
  let checked = 0;
  for (const [alg, member] of dict) {
    const hash = ALGORITHMS[alg];
    if (!hash) continue;
    if (isInnerList(member) || !(member.value instanceof Uint8Array)) {
      throw new SignatureError(`Content-Digest ${alg} is not a byte sequence`, 'SIGNATURE_MALFORMED');
    }
    const expected = createHash(hash).update(body).digest();
    const got = Buffer.from(member.value);
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      throw new SignatureError(`Content-Digest ${alg} does not match the body`, 'SIGNATURE_DIGEST_MISMATCH');
    }
    checked++;
  }
  if (checked === 0) {
    throw new SignatureError(
      'Content-Digest has no supported algorithm (sha-256, sha-512)',
      'SIGNATURE_DIGEST_MISMATCH',
    );
  }
}
