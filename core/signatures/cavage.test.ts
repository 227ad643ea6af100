import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, it } from 'mocha';
import { SignatureError } from '../errors.ts';
import { parseCavageSignature, signCavageRequest, verifyCavageRequest, type CavageKeyResolver } from './cavage.ts';
import type { SignableRequest } from './http-signature.ts';

const NOW = 1_785_060_500;
const DATE = new Date(NOW * 1000);
const KEY_ID = 'https://nc.example.org/ocm#signature';
const BODY = Buffer.from('{"shareWith":"marie@receiver.example.org","sender":"einstein@nc.example.org"}');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKey = createPublicKey(privateKey);
const resolve: CavageKeyResolver = async (kid) => (kid === KEY_ID ? publicKey : null);

function request(): SignableRequest {
  return {
    method: 'POST',
    url: 'https://receiver.example.org/ocm/shares',
    headers: { 'content-type': 'application/json' },
    body: BODY,
  };
}

function signed(opts: Parameters<typeof signCavageRequest>[3] = {}): SignableRequest {
  const req = request();
  return {
    ...req,
    headers: { ...req.headers, ...signCavageRequest(req, KEY_ID, privateKey, { date: DATE, ...opts }) },
  };
}

/** Builds a cavage request around a hand-made signing string, to mimic peers' quirks. */
function quirky(listed: string, signingString: string, key: KeyObject = privateKey): SignableRequest {
  const req = signed();
  const sig = sign('sha256', Buffer.from(signingString), key).toString('base64');
  req.headers['signature'] = `keyId="${KEY_ID}",algorithm="rsa-sha256",headers="${listed}",signature="${sig}"`;
  return req;
}

function lines(req: SignableRequest, names: string[]): string {
  return names.map((n) => `${n}: ${n.includes('request-target') ? 'post /ocm/shares' : req.headers[n]}`).join('\n');
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SignatureError, String(err));
    return err.code;
  }
  return 'none';
}

describe('draft-cavage-12 signatures (legacy Nextcloud)', () => {
  it('verifies an rsa-sha256 round trip and returns the keyId', async () => {
    const req = signed();
    assert.match(req.headers['digest'] ?? '', /^SHA-256=/);
    assert.deepEqual(await verifyCavageRequest(req, resolve, { now: NOW + 10 }), { keyId: KEY_ID });
  });

  it('verifies rsa-sha512', async () => {
    assert.ok(await verifyCavageRequest(signed({ algorithm: 'rsa-sha512' }), resolve, { now: NOW }));
  });

  it('returns null without a cavage Signature header, or for an RFC 9421 signature', async () => {
    assert.equal(await verifyCavageRequest(request(), resolve, { now: NOW }), null);
    const rfc9421 = signed();
    rfc9421.headers['signature-input'] = 'sig1=("@method");created=1;keyid="k";tag="ocm"';
    assert.equal(await verifyCavageRequest(rfc9421, resolve, { now: NOW }), null);
  });

  it('also reads the signature from an Authorization: Signature header', async () => {
    const req = signed();
    req.headers['authorization'] = `Signature ${req.headers['signature']}`;
    delete req.headers['signature'];
    assert.ok(await verifyCavageRequest(req, resolve, { now: NOW }));
  });

  it('rejects a tampered body: Digest mismatch, or invalid signature when the Digest is forged too', async () => {
    const forged = Buffer.from(BODY.toString().replace('marie', 'maria')); // same length
    assert.equal(
      await codeOf(verifyCavageRequest({ ...signed(), body: forged }, resolve, { now: NOW })),
      'SIGNATURE_DIGEST_MISMATCH',
    );
    const both = { ...signed(), body: forged };
    both.headers['digest'] = `SHA-256=${createHash('sha256').update(forged).digest('base64')}`;
    assert.equal(await codeOf(verifyCavageRequest(both, resolve, { now: NOW })), 'SIGNATURE_INVALID');
  });

  it('rejects a tampered request target or host', async () => {
    const path = { ...signed(), url: 'https://receiver.example.org/ocm/notifications' };
    assert.equal(await codeOf(verifyCavageRequest(path, resolve, { now: NOW })), 'SIGNATURE_INVALID');
    const host = signed();
    host.headers['host'] = 'other.example.org';
    assert.equal(await codeOf(verifyCavageRequest(host, resolve, { now: NOW })), 'SIGNATURE_INVALID');
  });

  it('rejects a stale or future Date', async () => {
    assert.equal(await codeOf(verifyCavageRequest(signed(), resolve, { now: NOW + 301 })), 'SIGNATURE_STALE');
    assert.equal(await codeOf(verifyCavageRequest(signed(), resolve, { now: NOW - 61 })), 'SIGNATURE_FUTURE');
  });

  it('requires date, digest and host to be covered', async () => {
    const req = signed({ headers: ['(request-target)', 'content-length', 'date', 'host'] });
    assert.equal(await codeOf(verifyCavageRequest(req, resolve, { now: NOW })), 'SIGNATURE_MISSING_COMPONENT');
  });

  it('rejects an unknown keyId, a non-RSA key and an unsupported algorithm', async () => {
    assert.equal(await codeOf(verifyCavageRequest(signed(), async () => null, { now: NOW })), 'SIGNATURE_UNKNOWN_KEY');
    const ed = generateKeyPairSync('ed25519').publicKey;
    assert.equal(await codeOf(verifyCavageRequest(signed(), async () => ed, { now: NOW })), 'SIGNATURE_ALG_MISMATCH');
    const hmac = signed();
    hmac.headers['signature'] = (hmac.headers['signature'] ?? '').replace('rsa-sha256', 'hmac-sha256');
    assert.equal(await codeOf(verifyCavageRequest(hmac, resolve, { now: NOW })), 'SIGNATURE_ALG_MISMATCH');
  });

  it('accepts Nextcloud signatures whose signing string starts with an unlisted (request-target)', async () => {
    const base = signed();
    const data = lines(base, ['(request-target)', 'content-length', 'date', 'digest', 'host']);
    assert.ok(await verifyCavageRequest(quirky('content-length date digest host', data), resolve, { now: NOW }));
  });

  it('accepts the stub form: comma-separated headers and request-target without parentheses', async () => {
    const base = signed();
    const listed = 'request-target,content-length,host,date,digest';
    const bare = lines(base, ['request-target', 'content-length', 'host', 'date', 'digest']);
    const paren = lines(base, ['(request-target)', 'content-length', 'host', 'date', 'digest']);
    assert.ok(await verifyCavageRequest(quirky(listed, bare), resolve, { now: NOW }));
    assert.ok(await verifyCavageRequest(quirky(listed, paren), resolve, { now: NOW }));
  });

  it('parses Signature headers leniently and rejects garbage as malformed', () => {
    const p = parseCavageSignature(
      ' keyId="a#b" , algorithm=rsa-sha256,headers="(request-target) date",signature="AAAA" ',
    );
    assert.deepEqual(
      { ...p, signature: p.signature.length },
      { keyId: 'a#b', algorithm: 'rsa-sha256', headers: ['(request-target)', 'date'], signature: 3 },
    );
    for (const bad of [
      'garbage',
      'keyId="a"',
      'signature="AAAA"',
      'keyId="a",signature="!!"',
      'keyId="a",signature="AAAA",=x',
    ]) {
      assert.throws(
        () => parseCavageSignature(bad),
        (e: unknown) => e instanceof SignatureError && e.code === 'SIGNATURE_MALFORMED',
        bad,
      );
    }
  });
});
