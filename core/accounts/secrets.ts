import { createHash, randomBytes } from 'node:crypto';

/** A new unguessable token (256 bits, base64url). */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The stored form of a bearer secret: its SHA-256, so a database leak yields no usable token. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
