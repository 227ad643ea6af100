import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, it } from 'mocha';
import { SignatureError } from '../errors.ts';
import { exportSigningKey, generateSigningKey, importSigningKey, jwkToPublicKey, type PeerJwk } from './key-pair.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SignatureError, String(err));
    return err.code;
  }
  return 'none';
}

function publicJwkOf(kind: 'ec' | 'rsa', alg: string, bits = 2048): PeerJwk {
  const pair =
    kind === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: bits });
  return { ...pair.publicKey.export({ format: 'jwk' }), alg, kid: `k-${alg}` };
}

describe('signing keys and JWKs', () => {
  it('generates an Ed25519 key whose public JWK carries kid and alg', () => {
    const k = generateSigningKey('cloud.example.org#key1');
    assert.equal(k.keyId, 'cloud.example.org#key1');
    assert.equal(k.privateKey.asymmetricKeyType, 'ed25519');
    assert.deepEqual(Object.keys(k.publicJwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    assert.equal(k.publicJwk.kid, 'cloud.example.org#key1');
    assert.equal(k.publicJwk.alg, 'Ed25519');
    assert.match(k.publicJwk.x, /^[A-Za-z0-9_-]{43}$/);
  });

  it('turns its own published JWK back into the matching public key', () => {
    const k = generateSigningKey('h#k');
    const pub = jwkToPublicKey(k.publicJwk);
    const sig = sign(null, Buffer.from('hi'), k.privateKey);
    assert.ok(verify(null, Buffer.from('hi'), pub, sig));
  });

  it('survives an export/import round trip with the same public key', () => {
    const k = generateSigningKey('h#k');
    const stored = exportSigningKey(k);
    assert.match(stored.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    const back = importSigningKey(stored);
    assert.equal(back.keyId, 'h#k');
    assert.deepEqual(back.publicJwk, k.publicJwk);
  });

  it('refuses to import a non-Ed25519 or unparsable private key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    assert.equal(
      code(() => importSigningKey({ keyId: 'k', privateKeyPem: rsa })),
      'SIGNATURE_ALG_MISMATCH',
    );
    assert.equal(
      code(() => importSigningKey({ keyId: 'k', privateKeyPem: 'not a key' })),
      'SIGNATURE_MALFORMED',
    );
  });

  it('accepts EC P-256 (ES256) and RSA (RS256, PS512) public JWKs', () => {
    assert.equal(jwkToPublicKey(publicJwkOf('ec', 'ES256')).asymmetricKeyType, 'ec');
    assert.equal(jwkToPublicKey(publicJwkOf('rsa', 'RS256')).asymmetricKeyType, 'rsa');
    assert.equal(jwkToPublicKey(publicJwkOf('rsa', 'PS512')).asymmetricKeyType, 'rsa');
  });

  it('accepts a JWK without alg, and EdDSA as an alias of Ed25519', () => {
    const { alg: _alg, ...noAlg } = generateSigningKey('k').publicJwk;
    assert.equal(jwkToPublicKey(noAlg).asymmetricKeyType, 'ed25519');
    assert.equal(jwkToPublicKey({ ...noAlg, alg: 'EdDSA' }).asymmetricKeyType, 'ed25519');
  });

  it('returns only the public key even when the JWK leaks its private part', () => {
    const pair = generateKeyPairSync('ed25519');
    const leaky = { ...pair.privateKey.export({ format: 'jwk' }), alg: 'Ed25519' };
    const key = jwkToPublicKey(leaky);
    assert.equal(key.type, 'public');
    assert.deepEqual(key.export({ format: 'jwk' }), createPublicKey(pair.privateKey).export({ format: 'jwk' }));
  });

  it('rejects unsupported, symmetric and inconsistent JWKs with SIGNATURE_ALG_MISMATCH', () => {
    const ed = generateSigningKey('k').publicJwk;
    assert.equal(
      code(() => jwkToPublicKey({ ...ed, alg: 'ES256' })),
      'SIGNATURE_ALG_MISMATCH',
    );
    assert.equal(
      code(() => jwkToPublicKey({ ...ed, alg: 'none' })),
      'SIGNATURE_ALG_MISMATCH',
    );
    assert.equal(
      code(() => jwkToPublicKey({ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' })),
      'SIGNATURE_ALG_MISMATCH',
    );
    assert.equal(
      code(() => jwkToPublicKey({ kty: 'OKP', crv: 'X25519', x: ed.x })),
      'SIGNATURE_ALG_MISMATCH',
    );
    assert.equal(
      code(() => jwkToPublicKey(publicJwkOf('ec', 'RS256'))),
      'SIGNATURE_ALG_MISMATCH',
    );
    assert.equal(
      code(() => jwkToPublicKey(publicJwkOf('rsa', 'RS256', 1024))),
      'SIGNATURE_ALG_MISMATCH',
    );
  });

  it('rejects JWKs with missing or invalid key material as malformed', () => {
    assert.equal(
      code(() => jwkToPublicKey({ kty: 'OKP', crv: 'Ed25519', alg: 'Ed25519' })),
      'SIGNATURE_MALFORMED',
    );
    assert.equal(
      code(() => jwkToPublicKey({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' })),
      'SIGNATURE_MALFORMED',
    );
    assert.equal(
      code(() => jwkToPublicKey({ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' })),
      'SIGNATURE_MALFORMED',
    );
  });
});
