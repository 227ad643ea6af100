/** This server's Ed25519 signing key, its published JWK, and turning peers' JWKs into public keys. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SignatureError } from '../errors.ts';
import { algorithmForJwkAlg, keyFitsAlgorithm } from './signature-algorithms.ts';

/**
 * The public half of our key, as published in the JWK Set (OCM requires `kid` and `alg`). A type
 * alias rather than an interface so it is assignable to node's index-signed JsonWebKey.
 */
export type PublicJwk = {
  kty: 'OKP';
  crv: 'Ed25519';
  alg: 'Ed25519';
  kid: string;
  x: string;
  use?: 'sig';
};

/** A private signing key with the keyid it signs as. */
export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

/** The persistable form of a SigningKey. */
export interface ExportedSigningKey {
  keyId: string;
  privateKeyPem: string;
}

function fromPrivateKey(keyId: string, privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SignatureError(
      `signing key must be Ed25519, got ${privateKey.asymmetricKeyType ?? 'unknown'}`,
      'SIGNATURE_ALG_MISMATCH',
    );
  }
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new SignatureError('cannot export Ed25519 public key', 'SIGNATURE_MALFORMED');
  return {
    keyId,
    privateKey,
    publicJwk: { kty: 'OKP', crv: 'Ed25519', alg: 'Ed25519', kid: keyId, x: jwk.x, use: 'sig' },
  };
}

/** Generates a fresh Ed25519 signing key (the algorithm OCM recommends). */
export function generateSigningKey(keyId: string): SigningKey {
  return fromPrivateKey(keyId, generateKeyPairSync('ed25519').privateKey);
}

/** Exports a signing key as PKCS#8 PEM for storage. */
export function exportSigningKey(k: SigningKey): ExportedSigningKey {
  return { keyId: k.keyId, privateKeyPem: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** Loads a signing key stored by exportSigningKey. */
export function importSigningKey(k: ExportedSigningKey): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(k.privateKeyPem);
  } catch {
    throw new SignatureError('stored signing key is not a valid PEM private key', 'SIGNATURE_MALFORMED');
  }
  return fromPrivateKey(k.keyId, privateKey);
}

/** A peer's JWK as found in its JWK Set. */
export type PeerJwk = JsonWebKey & { kid?: string; alg?: string };

function str(v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new SignatureError('JWK is missing key material', 'SIGNATURE_MALFORMED');
  return v;
}

/** Copies only the public members, so a JWK that leaks `d` is never used as a private key. */
function publicMembers(jwk: PeerJwk): JsonWebKey {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return { kty: 'OKP', crv: 'Ed25519', x: str(jwk.x) };
  if (jwk.kty === 'EC' && (jwk.crv === 'P-256' || jwk.crv === 'P-384'))
    return { kty: 'EC', crv: jwk.crv, x: str(jwk.x), y: str(jwk.y) };
  if (jwk.kty === 'RSA') return { kty: 'RSA', n: str(jwk.n), e: str(jwk.e) };
  const kind = [jwk.kty, jwk.crv].filter((v) => typeof v === 'string').join('/');
  throw new SignatureError(`unsupported JWK type ${kind || 'unknown'}`, 'SIGNATURE_ALG_MISMATCH');
}

/**
 * Turns a peer's public JWK into a KeyObject. Accepts Ed25519 (OKP), EC P-256/P-384 and RSA keys
 * (RS256/PS512 and the other RS/PS variants Nextcloud may publish); a present `alg` must be one we
 * support and must fit the key.
 */
export function jwkToPublicKey(jwk: PeerJwk): KeyObject {
  if (typeof jwk !== 'object' || jwk === null) throw new SignatureError('JWK is not an object', 'SIGNATURE_MALFORMED');
  const members = publicMembers(jwk);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: members, format: 'jwk' });
  } catch {
    throw new SignatureError('JWK key material is invalid', 'SIGNATURE_MALFORMED');
  }
  if (jwk.alg !== undefined) {
    const alg = typeof jwk.alg === 'string' ? algorithmForJwkAlg(jwk.alg) : undefined;
    if (!alg) throw new SignatureError(`unsupported JWK alg ${String(jwk.alg)}`, 'SIGNATURE_ALG_MISMATCH');
    if (!keyFitsAlgorithm(alg, key))
      throw new SignatureError(`JWK alg ${alg.jose} does not fit its key`, 'SIGNATURE_ALG_MISMATCH');
  } else if (members.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new SignatureError('RSA key is shorter than 2048 bits', 'SIGNATURE_ALG_MISMATCH');
  }
  return key;
}
