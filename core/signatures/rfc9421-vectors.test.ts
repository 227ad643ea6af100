/**
 * RFC 9421's own test vectors: B.2.6 (ed25519 request signature, key test-key-ed25519 of B.1.4) checks
 * our signature base construction end to end; B.2.4 (ecdsa-p256-sha256, key test-key-ecc-p256 of
 * B.1.3) checks that ECDSA signatures are read as raw r||s.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { describe, it } from 'mocha';
import { buildSignatureBase, verifyRequest, type SignableRequest } from './http-signature.ts';
import { jwkToPublicKey } from './key-pair.ts';
import { algorithmForJwkAlg, signWithAlgorithm, verifyWithAlgorithm } from './signature-algorithms.ts';
import { isInnerList, parseDictionary, type InnerList } from './structured-fields.ts';

const ED25519 = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs',
  d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU',
};

const B26_INPUT =
  'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"';
const B26_SIGNATURE = 'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==';
const B26_BASE = [
  '"date": Tue, 20 Apr 2021 02:07:55 GMT',
  '"@method": POST',
  '"@path": /foo',
  '"@authority": example.com',
  '"content-type": application/json',
  '"content-length": 18',
  '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
].join('\n');

// The RFC 9421 Appendix B.2 test request.
const REQUEST: SignableRequest = {
  method: 'POST',
  url: 'https://example.com/foo?param=Value&Pet=dog',
  headers: {
    host: 'example.com',
    date: 'Tue, 20 Apr 2021 02:07:55 GMT',
    'content-type': 'application/json',
    'content-digest':
      'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
    'content-length': '18',
    'signature-input': B26_INPUT,
    signature: `sig-b26=:${B26_SIGNATURE}:`,
  },
  body: Buffer.from('{"hello": "world"}'),
};

function b26Params(): InnerList {
  const m = parseDictionary(B26_INPUT).get('sig-b26');
  assert.ok(m && isInnerList(m));
  return m as InnerList;
}

describe('RFC 9421 Appendix B vectors', () => {
  it('B.2.6: rebuilds the published signature base', () => {
    assert.equal(buildSignatureBase(REQUEST, b26Params()), B26_BASE);
  });

  it('B.2.6: reproduces the published Ed25519 signature and verifies it', () => {
    const alg = algorithmForJwkAlg('Ed25519');
    assert.ok(alg);
    const privateKey = createPrivateKey({ key: ED25519, format: 'jwk' });
    const sig = signWithAlgorithm(alg, Buffer.from(B26_BASE), privateKey);
    assert.equal(sig.toString('base64'), B26_SIGNATURE);
    const { d: _d, ...pub } = ED25519;
    assert.ok(verifyWithAlgorithm(alg, Buffer.from(B26_BASE), jwkToPublicKey(pub), sig));
  });

  it('B.2.6: is not an OCM signature (no tag="ocm"), so OCM verification ignores it', async () => {
    assert.equal(await verifyRequest(REQUEST, async () => null, { now: 1618884473 }), null);
  });

  it('B.2.4: verifies the published ecdsa-p256-sha256 signature as raw r||s', () => {
    const base = [
      '"@status": 200',
      '"content-type": application/json',
      '"content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:',
      '"content-length": 23',
      '"@signature-params": ("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"',
    ].join('\n');
    const sig = Buffer.from(
      'wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==',
      'base64',
    );
    const key = jwkToPublicKey({
      kty: 'EC',
      crv: 'P-256',
      x: 'qIVYZVLCrPZHGHjP17CTW0_-D9Lfw0EkjqF7xB4FivA',
      y: 'Mc4nN9LTDOBhfoUeg8Ye9WedFRhnZXZJA12Qp0zZ6F0',
    });
    const alg = algorithmForJwkAlg('ES256');
    assert.ok(alg);
    assert.ok(verifyWithAlgorithm(alg, Buffer.from(base), key, sig));
    assert.ok(!verifyWithAlgorithm(alg, Buffer.from(base.replace('200', '201')), key, sig));
  });
});
