import assert from 'node:assert/strict';
import { InputError } from '../errors.ts';
import { decodeInviteString, encodeInviteString } from './invite-string.ts';

const SPEC_TOKEN = 'a55a966e-15c1-4cb9-a39d-4e4c54399baf';
const SPEC_HOST = 'cloud.example.org';
const SPEC_STRING = 'YTU1YTk2NmUtMTVjMS00Y2I5LWEzOWQtNGU0YzU0Mzk5YmFmQGNsb3VkLmV4YW1wbGUub3Jn';

function assertInvalid(s: string): void {
  assert.throws(
    () => decodeInviteString(s),
    (err: unknown) => err instanceof InputError && err.code === 'INVALID_INVITE',
    `expected INVALID_INVITE for ${JSON.stringify(s)}`,
  );
}

describe('invite string', () => {
  it('encodes the spec example', () => {
    assert.equal(encodeInviteString(SPEC_TOKEN, SPEC_HOST), SPEC_STRING);
  });

  it('decodes the spec example', () => {
    assert.deepEqual(decodeInviteString(SPEC_STRING), { token: SPEC_TOKEN, providerHost: SPEC_HOST });
  });

  it('accepts padding, surrounding whitespace and the standard alphabet', () => {
    const raw = 'tok~en?>>>@host.example:8443'; // bytes that produce "+"/"/" vs "-"/"_" and padding
    const std = Buffer.from(raw).toString('base64');
    const url = Buffer.from(raw).toString('base64url');
    assert.ok(std.endsWith('=') && /[+/]/.test(std), std);
    for (const s of [std, url, `${url}==`.slice(0, std.length), `  ${std}\n`]) {
      assert.deepEqual(decodeInviteString(s), { token: 'tok~en?>>>', providerHost: 'host.example:8443' });
    }
  });

  it('splits on the last @ and round-trips tokens containing @', () => {
    const s = encodeInviteString('a@b', 'Localhost:4001');
    assert.ok(!s.includes('='));
    assert.deepEqual(decodeInviteString(s), { token: 'a@b', providerHost: 'localhost:4001' });
  });

  it('rejects garbage', () => {
    assertInvalid('');
    assertInvalid('   ');
    assertInvalid('not base64!');
    assertInvalid('abcde'); // length % 4 == 1
    assertInvalid(Buffer.from('no-at-sign').toString('base64url'));
    assertInvalid(Buffer.from('@host.example').toString('base64url'));
    assertInvalid(Buffer.from('token@').toString('base64url'));
    assertInvalid(Buffer.from('token@https://host').toString('base64url'));
    assertInvalid(Buffer.from('to ken@host').toString('base64url'));
    assertInvalid(Buffer.from([0x74, 0x40, 0xff, 0xfe]).toString('base64url'));
    assertInvalid(`${SPEC_STRING}===`);
  });

  it('refuses to encode an invalid token or host', () => {
    assert.throws(() => encodeInviteString('', SPEC_HOST), InputError);
    assert.throws(() => encodeInviteString(SPEC_TOKEN, 'https://cloud.example.org'), InputError);
  });
});
