/**
 * The signed Share Creation Notification of the OCM draft's Appendix B ("JWKS and HTTP Signature
 * Examples"), cs3org/OCM-API IETF-OCM.md at 6a0586183cbef10ecae9dedc42561806447eb2f5 (draft -06/07).
 * Values are copied verbatim; RFC 8792 '\' line wrapping of the headers is undone.
 * The draft publishes no private key, so signing cannot be reproduced byte for byte.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { SignatureError } from '../errors.ts';
import { computeContentDigest } from './content-digest.ts';
import {
  buildSignatureBase,
  keyIdAuthority,
  signRequest,
  verifyRequest,
  type SignableRequest,
} from './http-signature.ts';
import { generateSigningKey, jwkToPublicKey } from './key-pair.ts';
import { isInnerList, parseDictionary, type InnerList } from './structured-fields.ts';

const JWK = {
  kty: 'OKP',
  crv: 'Ed25519',
  alg: 'Ed25519',
  kid: 'sender.example.org#key1',
  x: 'AzeStPAdQ-vbi6bJVxcQjBPF2I7fDZdfDZ_XZ3J4Azs',
};

// The body as printed, without a final newline (with one it would be 522 bytes and match neither header).
const BODY = Buffer.from(`{
  "shareWith": "marie@receiver.example.org",
  "name": "spec.yaml",
  "providerId": "7c084226-d9a1-11e6-bf26-cec0c932ce01",
  "owner": "einstein@sender.example.org",
  "sender": "einstein@sender.example.org",
  "ownerDisplayName": "Albert Einstein",
  "senderDisplayName": "Albert Einstein",
  "shareType": "user",
  "resourceType": "file",
  "protocol": {
    "name": "multi",
    "webdav": {
      "uri": "spec.yaml",
      "sharedSecret": "hfiuhworzwnur98d3wjiwhr",
      "permissions": ["read", "write"]
    }
  }
}`);

const CREATED = 1785060500;
const CONTENT_DIGEST = 'sha-256=:/Uz47cfD1HOdMTIqcWjd84iMLQ4gVJdC7ZFACf1ViqU=:';
const SIGNATURE_INPUT =
  'sig1=("@method" "@target-uri" "content-digest" "content-length");created=1785060500;keyid="sender.example.org#key1";alg="ed25519";tag="ocm"';
const SIGNATURE = 'sig1=:Epax4XFqvbrrDzQUAaNl+uECasEKbArgz8AlEkXspvYX2fSkQFlCkaXImZnYU898C2t0IdmbFhjR8bkN0hZgCg==:';
const SIGNATURE_BASE = [
  '"@method": POST',
  '"@target-uri": https://receiver.example.org/ocm/shares',
  '"content-digest": sha-256=:/Uz47cfD1HOdMTIqcWjd84iMLQ4gVJdC7ZFACf1ViqU=:',
  '"content-length": 521',
  '"@signature-params": ("@method" "@target-uri" "content-digest" "content-length");created=1785060500;keyid="sender.example.org#key1";alg="ed25519";tag="ocm"',
].join('\n');

function vectorRequest(overrides: Partial<SignableRequest> = {}): SignableRequest {
  return {
    method: 'POST',
    url: 'https://receiver.example.org/ocm/shares',
    headers: {
      host: 'receiver.example.org',
      'content-type': 'application/json',
      'content-digest': CONTENT_DIGEST,
      'content-length': '521',
      'signature-input': SIGNATURE_INPUT,
      signature: SIGNATURE,
    },
    body: BODY,
    ...overrides,
  };
}

const resolveVectorKey = async (kid: string) => (kid === JWK.kid ? { key: jwkToPublicKey(JWK), alg: JWK.alg } : null);

describe('OCM draft Appendix B signature vector', () => {
  it('has a 521-byte body whose sha-256 matches the published Content-Digest', () => {
    assert.equal(BODY.length, 521);
    assert.equal(computeContentDigest(BODY), CONTENT_DIGEST);
  });

  it('rebuilds exactly the published signature base', () => {
    const member = parseDictionary(SIGNATURE_INPUT).get('sig1');
    assert.ok(member && isInnerList(member));
    assert.equal(buildSignatureBase(vectorRequest(), member as InnerList), SIGNATURE_BASE);
  });

  it('verifies with the published JWK', async () => {
    const v = await verifyRequest(vectorRequest(), resolveVectorKey, { now: CREATED + 30 });
    assert.deepEqual(v, { keyId: 'sender.example.org#key1', created: CREATED, label: 'sig1' });
  });

  it('still verifies under another label, since the label is not signed', async () => {
    const req = vectorRequest();
    req.headers['signature-input'] = SIGNATURE_INPUT.replace(/^sig1=/, 'ocm=');
    req.headers['signature'] = SIGNATURE.replace(/^sig1=/, 'ocm=');
    assert.equal((await verifyRequest(req, resolveVectorKey, { now: CREATED }))?.label, 'ocm');
  });

  it('fails once the body gains a trailing newline, or the target URI changes', async () => {
    const withNewline = vectorRequest({ body: Buffer.concat([BODY, Buffer.from('\n')]) });
    await assert.rejects(
      verifyRequest(withNewline, resolveVectorKey, { now: CREATED }),
      (e: unknown) => e instanceof SignatureError && e.code === 'SIGNATURE_DIGEST_MISMATCH',
    );
    const otherTarget = vectorRequest({ url: 'https://receiver.example.org/ocm/shares/' });
    await assert.rejects(
      verifyRequest(otherTarget, resolveVectorKey, { now: CREATED }),
      (e: unknown) => e instanceof SignatureError && e.code === 'SIGNATURE_INVALID',
    );
  });

  it('is stale a day later, as any captured signature should be', async () => {
    await assert.rejects(
      verifyRequest(vectorRequest(), resolveVectorKey, { now: CREATED + 86_400 }),
      (e: unknown) => e instanceof SignatureError && e.code === 'SIGNATURE_STALE',
    );
  });

  it('names the sender server as keyid authority', () => {
    assert.equal(keyIdAuthority(JWK.kid), 'sender.example.org');
  });

  it('is shaped exactly as our signer shapes its headers (no private key is published to compare bytes)', () => {
    const key = generateSigningKey(JWK.kid);
    const h = signRequest(
      { method: 'POST', url: 'https://receiver.example.org/ocm/shares', headers: {}, body: BODY },
      key,
      { created: CREATED },
    );
    assert.equal(h['signature-input'], SIGNATURE_INPUT);
    assert.equal(h['content-digest'], CONTENT_DIGEST);
    assert.equal(h['content-length'], '521');
  });

  it('documents that the Code Flow token-request example carries a placeholder signature', () => {
    // Same draft, section "Token Request": digest and length are right, the signature is not real.
    const body = Buffer.from('grant_type=authorization_code&client_id=receiver.example.org&code=my_secret_code');
    assert.equal(body.length, 80);
    assert.equal(computeContentDigest(body), 'sha-256=:81kCnlO5UY/mZ8UgpxBWnq18GY3WhzJnDjOTvSvjbhw=:');
    const sig = Buffer.from('bM2sV2a4oM8pWc4Q8r9Zb8bQ7a2vH1kR9xT0yJ3uE4wO5lV6bZ1cP2rN3qD4tR5hC=', 'base64');
    assert.notEqual(sig.length, 64, 'an Ed25519 signature is 64 bytes; this one decodes to 48');
  });
});
