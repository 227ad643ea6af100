import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, it } from 'mocha';
import { SignatureError } from '../errors.ts';
import { computeContentDigest } from './content-digest.ts';
import {
  buildSignatureBase,
  keyIdAuthority,
  signRequest,
  verifyRequest,
  type PublicKeyResolver,
  type SignableRequest,
  type SignOptions,
} from './http-signature.ts';
import { generateSigningKey, jwkToPublicKey, type SigningKey } from './key-pair.ts';
import { serializeInnerList, type BareItem, type InnerList } from './structured-fields.ts';

const NOW = 1_785_060_500;
const TARGET = 'https://receiver.example.org/ocm/shares';
const BODY = Buffer.from(
  JSON.stringify({ shareWith: 'marie@receiver.example.org', sender: 'einstein@sender.example.org' }),
);
const sender = generateSigningKey('sender.example.org#key1');

function request(): SignableRequest {
  return { method: 'POST', url: TARGET, headers: { 'content-type': 'application/json' }, body: BODY };
}

function signed(key: SigningKey = sender, opts: SignOptions = {}): SignableRequest {
  const req = request();
  return { ...req, headers: { ...req.headers, ...signRequest(req, key, { created: NOW, ...opts }) } };
}

/** A signing key of any type; publicJwk is irrelevant to signRequest. */
function keyOf(keyId: string, privateKey: KeyObject): SigningKey {
  return { keyId, privateKey, publicJwk: sender.publicJwk };
}

function resolver(entries: Record<string, { key: KeyObject; alg?: string }>): PublicKeyResolver {
  return async (kid) => entries[kid] ?? null;
}

const senderResolver = resolver({ [sender.keyId]: { key: jwkToPublicKey(sender.publicJwk), alg: 'Ed25519' } });

/** Signs with arbitrary components and parameters, to build requests our own signer never produces. */
function handSigned(components: string[], params: [string, BareItem][], label = 'sig1'): SignableRequest {
  const req = request();
  const headers = {
    ...req.headers,
    'content-digest': computeContentDigest(BODY),
    'content-length': String(BODY.length),
  };
  const sigParams: InnerList = {
    items: components.map((c) => ({ value: c, params: new Map() })),
    params: new Map(params),
  };
  const base = buildSignatureBase({ ...req, headers }, sigParams);
  const sig = sign(null, Buffer.from(base), sender.privateKey).toString('base64');
  return {
    ...req,
    headers: {
      ...headers,
      'signature-input': `${label}=${serializeInnerList(sigParams)}`,
      signature: `${label}=:${sig}:`,
    },
  };
}

const ALL = ['@method', '@target-uri', 'content-digest', 'content-length'];
const OCM_PARAMS: [string, BareItem][] = [
  ['created', NOW],
  ['keyid', sender.keyId],
  ['alg', 'ed25519'],
  ['tag', 'ocm'],
];

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SignatureError, String(err));
    return err.code;
  }
  return 'none';
}

describe('RFC 9421 signing and verification (OCM profile)', () => {
  it('signs with exactly the OCM components and parameters', () => {
    const h = signRequest(request(), sender, { created: NOW });
    assert.equal(h['content-digest'], computeContentDigest(BODY));
    assert.equal(h['content-length'], String(BODY.length));
    assert.equal(
      h['signature-input'],
      `sig1=("@method" "@target-uri" "content-digest" "content-length");created=${NOW};keyid="sender.example.org#key1";alg="ed25519";tag="ocm"`,
    );
    assert.match(h['signature'] ?? '', /^sig1=:[A-Za-z0-9+/]{86}==:$/);
  });

  it('verifies its own signature and reports keyid, created and label', async () => {
    const v = await verifyRequest(signed(), senderResolver, { now: NOW + 5 });
    assert.deepEqual(v, { keyId: sender.keyId, created: NOW, label: 'sig1' });
  });

  it('finds the OCM signature by its tag whatever the label', async () => {
    const v = await verifyRequest(signed(sender, { label: 'ocm-9' }), senderResolver, { now: NOW });
    assert.equal(v?.label, 'ocm-9');
  });

  it('returns null for an unsigned request', async () => {
    assert.equal(await verifyRequest(request(), senderResolver), null);
  });

  it('returns null when Signature-Input only has foreign labels without tag="ocm"', async () => {
    const req = handSigned(
      ALL,
      [
        ['created', NOW],
        ['keyid', sender.keyId],
      ],
      'proxy',
    );
    assert.equal(await verifyRequest(req, senderResolver, { now: NOW }), null);
  });

  it('ignores a coexisting foreign signature, even a bogus one', async () => {
    const req = signed();
    req.headers['signature-input'] += ', proxy=("@method");created=1;keyid="proxy"';
    req.headers['signature'] += ', proxy=:AAAA:';
    assert.equal((await verifyRequest(req, senderResolver, { now: NOW }))?.label, 'sig1');
  });

  it('rejects two signatures tagged ocm', async () => {
    const a = signed();
    const b = signed(sender, { label: 'sig2' });
    a.headers['signature-input'] += `, ${b.headers['signature-input']}`;
    a.headers['signature'] += `, ${b.headers['signature']}`;
    assert.equal(await codeOf(verifyRequest(a, senderResolver, { now: NOW })), 'SIGNATURE_DUPLICATE_OCM');
  });

  it('rejects a signature missing a mandatory component, created or keyid', async () => {
    for (const missing of ALL) {
      const req = handSigned(
        ALL.filter((c) => c !== missing),
        OCM_PARAMS,
      );
      assert.equal(
        await codeOf(verifyRequest(req, senderResolver, { now: NOW })),
        'SIGNATURE_MISSING_COMPONENT',
        missing,
      );
    }
    for (const missing of ['created', 'keyid']) {
      const req = handSigned(
        ALL,
        OCM_PARAMS.filter(([k]) => k !== missing),
      );
      assert.equal(
        await codeOf(verifyRequest(req, senderResolver, { now: NOW })),
        'SIGNATURE_MISSING_COMPONENT',
        missing,
      );
    }
  });

  it('accepts extra covered components and a signature without the optional alg parameter', async () => {
    const req = handSigned(
      [...ALL, 'content-type'],
      OCM_PARAMS.filter(([k]) => k !== 'alg'),
    );
    assert.equal((await verifyRequest(req, senderResolver, { now: NOW }))?.keyId, sender.keyId);
  });

  it('rejects a stale created and an expired signature', async () => {
    assert.equal(await codeOf(verifyRequest(signed(), senderResolver, { now: NOW + 301 })), 'SIGNATURE_STALE');
    assert.equal(
      await codeOf(verifyRequest(signed(), senderResolver, { now: NOW + 100, maxAgeSeconds: 60 })),
      'SIGNATURE_STALE',
    );
    const expired = handSigned(ALL, [...OCM_PARAMS, ['expires', NOW + 10]]);
    assert.equal(await codeOf(verifyRequest(expired, senderResolver, { now: NOW + 11 })), 'SIGNATURE_STALE');
  });

  it('rejects a created in the future beyond the skew, and tolerates it within', async () => {
    assert.equal(await codeOf(verifyRequest(signed(), senderResolver, { now: NOW - 61 })), 'SIGNATURE_FUTURE');
    assert.ok(await verifyRequest(signed(), senderResolver, { now: NOW - 59 }));
  });

  it('rejects a body that does not match the Content-Digest', async () => {
    const req = { ...signed(), body: Buffer.from(BODY.toString().replace('marie', 'mallory')) };
    assert.equal(await codeOf(verifyRequest(req, senderResolver, { now: NOW })), 'SIGNATURE_DIGEST_MISMATCH');
  });

  it('rejects a missing Content-Digest header and a wrong Content-Length', async () => {
    const noDigest = signed();
    delete noDigest.headers['content-digest'];
    assert.equal(await codeOf(verifyRequest(noDigest, senderResolver, { now: NOW })), 'SIGNATURE_MISSING_COMPONENT');
    const badLength = signed();
    badLength.headers['content-length'] = String(BODY.length + 1);
    assert.equal(await codeOf(verifyRequest(badLength, senderResolver, { now: NOW })), 'SIGNATURE_DIGEST_MISMATCH');
  });

  it('rejects an unknown keyid', async () => {
    const req = signed(generateSigningKey('sender.example.org#key2'));
    assert.equal(await codeOf(verifyRequest(req, senderResolver, { now: NOW })), 'SIGNATURE_UNKNOWN_KEY');
  });

  it('rejects a tampered method, target URI or body (with a recomputed digest)', async () => {
    const method = { ...signed(), method: 'PUT' };
    const url = { ...signed(), url: 'https://receiver.example.org/ocm/notifications' };
    const forged = Buffer.from(BODY.toString().replace('marie', 'mallory'));
    const body = signed();
    Object.assign(body, { body: forged });
    Object.assign(body.headers, {
      'content-digest': computeContentDigest(forged),
      'content-length': String(forged.length),
    });
    for (const req of [method, url, body]) {
      assert.equal(await codeOf(verifyRequest(req, senderResolver, { now: NOW })), 'SIGNATURE_INVALID');
    }
  });

  it('rejects a signature made with another key under the same keyid', async () => {
    const impostor = keyOf(sender.keyId, generateKeyPairSync('ed25519').privateKey);
    assert.equal(await codeOf(verifyRequest(signed(impostor), senderResolver, { now: NOW })), 'SIGNATURE_INVALID');
  });

  it('rejects an alg parameter or JWK alg inconsistent with the key', async () => {
    const wrongParam = handSigned(
      ALL,
      OCM_PARAMS.map(([k, v]): [string, BareItem] => [k, k === 'alg' ? 'rsa-pss-sha512' : v]),
    );
    assert.equal(await codeOf(verifyRequest(wrongParam, senderResolver, { now: NOW })), 'SIGNATURE_ALG_MISMATCH');
    const wrongJwkAlg = resolver({ [sender.keyId]: { key: jwkToPublicKey(sender.publicJwk), alg: 'ES256' } });
    assert.equal(await codeOf(verifyRequest(signed(), wrongJwkAlg, { now: NOW })), 'SIGNATURE_ALG_MISMATCH');
  });

  it('rejects malformed Signature-Input, a missing Signature header and non-integer created', async () => {
    const garbage = {
      ...request(),
      headers: { 'signature-input': 'sig1=("@method";tag="ocm"', signature: 'sig1=:AA==:' },
    };
    assert.equal(await codeOf(verifyRequest(garbage, senderResolver, { now: NOW })), 'SIGNATURE_MALFORMED');
    const noSig = signed();
    delete noSig.headers['signature'];
    assert.equal(await codeOf(verifyRequest(noSig, senderResolver, { now: NOW })), 'SIGNATURE_MALFORMED');
    const decimal = handSigned(
      ALL,
      OCM_PARAMS.map(([k, v]): [string, BareItem] => [k, k === 'created' ? '1785060500' : v]),
    );
    assert.equal(await codeOf(verifyRequest(decimal, senderResolver, { now: NOW })), 'SIGNATURE_MALFORMED');
  });

  it('signs and verifies ECDSA P-256 with raw r||s signatures', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const req = signed(keyOf('ec.example.org#k', pair.privateKey));
    assert.match(req.headers['signature-input'] ?? '', /;alg="ecdsa-p256-sha256";/);
    const raw = Buffer.from((req.headers['signature'] ?? '').slice(6, -1), 'base64');
    assert.equal(raw.length, 64);
    const jwk = { ...pair.publicKey.export({ format: 'jwk' }), alg: 'ES256' };
    const v = await verifyRequest(req, resolver({ 'ec.example.org#k': { key: jwkToPublicKey(jwk), alg: 'ES256' } }), {
      now: NOW,
    });
    assert.equal(v?.keyId, 'ec.example.org#k');
  });

  describe('with RSA keys', () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa = keyOf('nc.example.org#rsa', pair.privateKey);
    const pub = createPublicKey(pair.privateKey);

    it('verifies rsa-pss-sha512 (JWK PS512)', async () => {
      const req = signed(rsa, { algorithm: 'PS512' });
      assert.match(req.headers['signature-input'] ?? '', /;alg="rsa-pss-sha512";/);
      assert.ok(await verifyRequest(req, resolver({ [rsa.keyId]: { key: pub, alg: 'PS512' } }), { now: NOW }));
    });

    it('verifies rsa-v1_5-sha256 (JWK RS256)', async () => {
      const req = signed(rsa, { algorithm: 'RS256' });
      assert.match(req.headers['signature-input'] ?? '', /;alg="rsa-v1_5-sha256";/);
      assert.ok(await verifyRequest(req, resolver({ [rsa.keyId]: { key: pub, alg: 'RS256' } }), { now: NOW }));
    });

    it('verifies RS512, which has no RFC 9421 name, without an alg parameter', async () => {
      const req = signed(rsa, { algorithm: 'RS512' });
      assert.doesNotMatch(req.headers['signature-input'] ?? '', /alg=/);
      assert.ok(await verifyRequest(req, resolver({ [rsa.keyId]: { key: pub, alg: 'RS512' } }), { now: NOW }));
    });

    it('rejects an RSA signature whose padding differs from the JWK alg', async () => {
      const req = signed(rsa, { algorithm: 'PS512', includeAlg: false });
      const code = await codeOf(
        verifyRequest(req, resolver({ [rsa.keyId]: { key: pub, alg: 'RS512' } }), { now: NOW }),
      );
      assert.equal(code, 'SIGNATURE_INVALID');
    });

    it('needs either a JWK alg or an alg parameter to verify an RSA key', async () => {
      const bare = resolver({ [rsa.keyId]: { key: pub } });
      assert.ok(await verifyRequest(signed(rsa, { algorithm: 'RS256' }), bare, { now: NOW }));
      const noAlg = signed(rsa, { algorithm: 'RS256', includeAlg: false });
      assert.equal(await codeOf(verifyRequest(noAlg, bare, { now: NOW })), 'SIGNATURE_ALG_MISMATCH');
    });

    it('refuses to sign with an RSA key without an explicit algorithm', () => {
      assert.throws(
        () => signRequest(request(), rsa),
        (e: unknown) => e instanceof SignatureError && e.code === 'SIGNATURE_ALG_MISMATCH',
      );
    });
  });
});

describe('keyIdAuthority', () => {
  it('extracts the host[:port] a keyid names', () => {
    assert.equal(keyIdAuthority('sender.example.org#key1'), 'sender.example.org');
    assert.equal(keyIdAuthority('Sender.Example.org:8443#key1'), 'sender.example.org:8443');
    assert.equal(keyIdAuthority('https://cloud.example.org:8443/ocm#signature'), 'cloud.example.org:8443');
    assert.equal(keyIdAuthority('https://cloud.example.org/ocm#signature'), 'cloud.example.org');
    assert.equal(keyIdAuthority('localhost'), 'localhost');
    assert.equal(keyIdAuthority('[::1]:9200#k'), '[::1]:9200');
  });

  it('returns null for values that name no authority', () => {
    for (const k of ['', '#key1', 'user@host#k', 'bad host#k', 'https://', 'host:port#k']) {
      assert.equal(keyIdAuthority(k), null, k);
    }
  });
});
