import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'mocha';
import { SignatureError } from '../errors.ts';
import {
  algorithmForHttpSigName,
  algorithmForJwkAlg,
  defaultAlgorithmForKey,
  resolveVerificationAlgorithm,
  signWithAlgorithm,
  verifyWithAlgorithm,
} from './signature-algorithms.ts';

const ed = generateKeyPairSync('ed25519');
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SignatureError, String(err));
    return err.code;
  }
  return 'none';
}

describe('signature algorithms', () => {
  it('maps JOSE names to RFC 9421 names', () => {
    assert.equal(algorithmForJwkAlg('Ed25519')?.httpSig, 'ed25519');
    assert.equal(algorithmForJwkAlg('EdDSA')?.httpSig, 'ed25519');
    assert.equal(algorithmForJwkAlg('ES256')?.httpSig, 'ecdsa-p256-sha256');
    assert.equal(algorithmForJwkAlg('RS256')?.httpSig, 'rsa-v1_5-sha256');
    assert.equal(algorithmForJwkAlg('PS512')?.httpSig, 'rsa-pss-sha512');
    assert.equal(algorithmForJwkAlg('RS512')?.httpSig, null);
  });

  it('knows no symmetric or unsigned algorithm', () => {
    for (const a of ['HS256', 'none', 'hmac-sha256']) {
      assert.equal(algorithmForJwkAlg(a), undefined, a);
      assert.equal(algorithmForHttpSigName(a), undefined, a);
    }
  });

  it('derives the algorithm from Ed25519 and EC keys but not from RSA keys', () => {
    assert.equal(defaultAlgorithmForKey(ed.publicKey)?.jose, 'Ed25519');
    assert.equal(defaultAlgorithmForKey(p256.publicKey)?.jose, 'ES256');
    assert.equal(defaultAlgorithmForKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey), undefined);
  });

  it('rejects a JWK alg or alg parameter that disagrees with the key', () => {
    assert.equal(resolveVerificationAlgorithm(ed.publicKey, 'Ed25519', 'ed25519').jose, 'Ed25519');
    assert.equal(
      code(() => resolveVerificationAlgorithm(ed.publicKey, 'ES256', undefined)),
      'SIGNATURE_ALG_MISMATCH',
    );
    assert.equal(
      code(() => resolveVerificationAlgorithm(ed.publicKey, 'Ed25519', 'ecdsa-p256-sha256')),
      'SIGNATURE_ALG_MISMATCH',
    );
    assert.equal(
      code(() => resolveVerificationAlgorithm(p256.publicKey, undefined, 'ed25519')),
      'SIGNATURE_ALG_MISMATCH',
    );
    assert.equal(
      code(() => resolveVerificationAlgorithm(ed.publicKey, 'HS256', undefined)),
      'SIGNATURE_ALG_MISMATCH',
    );
  });

  it('treats a malformed signature as invalid instead of throwing', () => {
    const es256 = algorithmForJwkAlg('ES256');
    assert.ok(es256);
    const data = Buffer.from('data');
    assert.equal(signWithAlgorithm(es256, data, p256.privateKey).length, 64);
    assert.equal(verifyWithAlgorithm(es256, data, p256.publicKey, new Uint8Array(3)), false);
    assert.equal(
      code(() => signWithAlgorithm(es256, data, ed.privateKey)),
      'SIGNATURE_ALG_MISMATCH',
    );
  });
});
