/**
 * Asymmetric signature algorithms usable for OCM request signing. OCM derives the algorithm from the
 * signer's JWK `alg` (a JOSE name); the optional RFC 9421 `alg` signature parameter, when present,
 * must name the same algorithm. Symmetric algorithms are absent on purpose: OCM forbids them.
 */
import { constants, sign, verify, type KeyObject } from 'node:crypto';
import { SignatureError } from '../errors.ts';

/** One algorithm, with its JOSE and RFC 9421 names and how node:crypto runs it. */
export interface SignatureAlgorithm {
  /** JOSE `alg` (RFC 7518 / RFC 9864). */
  jose: string;
  /** Name in the IANA HTTP Signature Algorithms registry, or null when it has none. */
  httpSig: string | null;
  /** Unregistered `alg` spellings some peers send (e.g. Nextcloud's `rsa-v1_5-sha512`). */
  aliases: readonly string[];
  keyType: 'ed25519' | 'ec' | 'rsa';
  curve?: 'prime256v1' | 'secp384r1';
  hash: 'sha256' | 'sha384' | 'sha512' | null;
  pss?: boolean;
}

const ALGORITHMS: readonly SignatureAlgorithm[] = [
  { jose: 'Ed25519', httpSig: 'ed25519', aliases: [], keyType: 'ed25519', hash: null },
  { jose: 'ES256', httpSig: 'ecdsa-p256-sha256', aliases: [], keyType: 'ec', curve: 'prime256v1', hash: 'sha256' },
  { jose: 'ES384', httpSig: 'ecdsa-p384-sha384', aliases: [], keyType: 'ec', curve: 'secp384r1', hash: 'sha384' },
  { jose: 'RS256', httpSig: 'rsa-v1_5-sha256', aliases: [], keyType: 'rsa', hash: 'sha256' },
  { jose: 'RS384', httpSig: null, aliases: ['rsa-v1_5-sha384'], keyType: 'rsa', hash: 'sha384' },
  { jose: 'RS512', httpSig: null, aliases: ['rsa-v1_5-sha512'], keyType: 'rsa', hash: 'sha512' },
  { jose: 'PS256', httpSig: null, aliases: ['rsa-pss-sha256'], keyType: 'rsa', hash: 'sha256', pss: true },
  { jose: 'PS384', httpSig: null, aliases: ['rsa-pss-sha384'], keyType: 'rsa', hash: 'sha384', pss: true },
  { jose: 'PS512', httpSig: 'rsa-pss-sha512', aliases: [], keyType: 'rsa', hash: 'sha512', pss: true },
];

const DIGEST_BYTES = { sha256: 32, sha384: 48, sha512: 64 } as const;
/** RSA keys below this size are refused outright. */
const MIN_RSA_BITS = 2048;

function mismatch(message: string): never {
  throw new SignatureError(message, 'SIGNATURE_ALG_MISMATCH');
}

/** Looks up a JWK `alg` (JOSE name; `EdDSA` and RFC 9421 names accepted too). */
export function algorithmForJwkAlg(alg: string): SignatureAlgorithm | undefined {
  const jose = alg === 'EdDSA' ? 'Ed25519' : alg;
  return ALGORITHMS.find((a) => a.jose === jose) ?? algorithmForHttpSigName(alg);
}

/** Looks up an RFC 9421 `alg` signature parameter value. */
export function algorithmForHttpSigName(name: string): SignatureAlgorithm | undefined {
  const n = name.toLowerCase();
  return ALGORITHMS.find((a) => a.httpSig === n || a.aliases.includes(n));
}

/** True when the key is of the type, curve and size the algorithm needs. */
export function keyFitsAlgorithm(alg: SignatureAlgorithm, key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (alg.keyType === 'ed25519') return type === 'ed25519';
  if (alg.keyType === 'ec') return type === 'ec' && details.namedCurve === alg.curve;
  return (type === 'rsa' || type === 'rsa-pss') && (details.modulusLength ?? 0) >= MIN_RSA_BITS;
}

/** The algorithm a key implies on its own, or undefined for RSA (whose hash and padding it does not fix). */
export function defaultAlgorithmForKey(key: KeyObject): SignatureAlgorithm | undefined {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return algorithmForJwkAlg('Ed25519');
  if (type === 'ec')
    return ALGORITHMS.find((a) => a.keyType === 'ec' && a.curve === key.asymmetricKeyDetails?.namedCurve);
  return undefined;
}

/**
 * Decides how to verify: from the JWK `alg` when known, else from the key type (or, for RSA keys
 * published without `alg`, from the signature's `alg` parameter). A present `alg` parameter must
 * denote the same algorithm, which blocks algorithm-substitution attacks.
 */
export function resolveVerificationAlgorithm(
  key: KeyObject,
  jwkAlg: string | undefined,
  sigAlg: string | undefined,
): SignatureAlgorithm {
  let alg: SignatureAlgorithm | undefined;
  if (jwkAlg !== undefined) {
    alg = algorithmForJwkAlg(jwkAlg);
    if (!alg) mismatch(`unsupported key algorithm ${jwkAlg}`);
  } else {
    alg = defaultAlgorithmForKey(key) ?? (sigAlg !== undefined ? algorithmForHttpSigName(sigAlg) : undefined);
    if (!alg) mismatch('cannot tell which algorithm this key uses');
  }
  if (!keyFitsAlgorithm(alg, key)) mismatch(`key does not fit algorithm ${alg.jose}`);
  if (sigAlg !== undefined && algorithmForHttpSigName(sigAlg) !== alg) {
    mismatch(`signature alg "${sigAlg}" does not match key algorithm ${alg.jose}`);
  }
  return alg;
}

function cryptoOptions(alg: SignatureAlgorithm, key: KeyObject) {
  if (alg.keyType === 'ec') return { key, dsaEncoding: 'ieee-p1363' as const };
  if (alg.keyType === 'rsa' && alg.hash) {
    // RFC 9421 §3.3.1 / RFC 7518 §3.5: PSS salt length equals the digest length.
    return alg.pss
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: DIGEST_BYTES[alg.hash] }
      : { key, padding: constants.RSA_PKCS1_PADDING };
  }
  return { key };
}

/** Signs data with a private key (ECDSA output is raw r||s, as RFC 9421 requires). */
export function signWithAlgorithm(alg: SignatureAlgorithm, data: Buffer, privateKey: KeyObject): Buffer {
  if (!keyFitsAlgorithm(alg, privateKey)) mismatch(`key does not fit algorithm ${alg.jose}`);
  return sign(alg.hash, data, cryptoOptions(alg, privateKey));
}

/** Verifies a signature; malformed signatures count as invalid rather than throwing. */
export function verifyWithAlgorithm(
  alg: SignatureAlgorithm,
  data: Buffer,
  publicKey: KeyObject,
  signature: Uint8Array,
): boolean {
  try {
    return verify(alg.hash, data, cryptoOptions(alg, publicKey), signature);
  } catch {
    return false;
  }
}
