import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { SignatureError } from '../errors.ts';
import { computeContentDigest, verifyContentDigest } from './content-digest.ts';

// RFC 9530 §2 / RFC 9421 Appendix B.2 example body and its published digests.
const BODY = Buffer.from('{"hello": "world"}');
const SHA256 = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:';
const SHA512 = 'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SignatureError, String(err));
    return err.code;
  }
  return 'none';
}

describe('Content-Digest (RFC 9530)', () => {
  it('computes the RFC 9530 example sha-256 digest', () => {
    assert.equal(computeContentDigest(BODY), SHA256);
  });

  it('accepts a matching sha-256, sha-512, or both', () => {
    verifyContentDigest(SHA256, BODY);
    verifyContentDigest(SHA512, BODY);
    verifyContentDigest(`${SHA256}, ${SHA512}`, BODY);
  });

  it('ignores unknown algorithms next to a recognised one', () => {
    verifyContentDigest(`md5=:AAAA:, ${SHA256}, unixsum=:AA==:`, BODY);
  });

  it('rejects a digest that does not match the body', () => {
    assert.equal(
      code(() => verifyContentDigest(SHA256, Buffer.from('{"hello": "World"}'))),
      'SIGNATURE_DIGEST_MISMATCH',
    );
  });

  it('rejects one good digest alongside a recognised bad one', () => {
    const badSha512 = `sha-512=:${Buffer.alloc(64).toString('base64')}:`;
    assert.equal(
      code(() => verifyContentDigest(`${SHA256}, ${badSha512}`, BODY)),
      'SIGNATURE_DIGEST_MISMATCH',
    );
  });

  it('requires at least one recognised algorithm', () => {
    assert.equal(
      code(() => verifyContentDigest('md5=:AAAA:', BODY)),
      'SIGNATURE_DIGEST_MISMATCH',
    );
    assert.equal(
      code(() => verifyContentDigest('', BODY)),
      'SIGNATURE_DIGEST_MISMATCH',
    );
  });

  it('rejects a digest that is not a byte sequence, and garbage, as malformed', () => {
    assert.equal(
      code(() => verifyContentDigest('sha-256="X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="', BODY)),
      'SIGNATURE_MALFORMED',
    );
    assert.equal(
      code(() => verifyContentDigest('SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=', BODY)),
      'SIGNATURE_MALFORMED',
    );
    assert.equal(
      code(() => verifyContentDigest('sha-256=(:AA==:)', BODY)),
      'SIGNATURE_MALFORMED',
    );
  });
});
