/**
 * The OCM Invite String: `base64url_nopad(token "@" providerFQDN)`. Decoding accepts padding, the standard
 * base64 alphabet and surrounding whitespace, and splits on the LAST `@`.
 */
import { normalizeHost } from '../addresses.ts';
import { InputError } from '../errors.ts';

/** The two halves of an Invite String. */
export interface DecodedInvite {
  token: string;
  providerHost: string;
}

const BASE64_ANY = /^[A-Za-z0-9+/_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(message: string): InputError {
  return new InputError(message, [{ name: 'invite', message: 'INVALID_FORMAT' }], 'INVALID_INVITE');
}

function checkToken(token: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (token === '' || /[\s\u0000-\u001f\u007f]/u.test(token)) throw invalid('invalid invite token');
}

/** Encodes a token and the inviter's `host[:port]` as an unpadded base64url Invite String. */
export function encodeInviteString(token: string, providerHost: string): string {
  checkToken(token);
  const host = normalizeHost(providerHost);
  if (host === null) throw invalid(`invalid provider host: ${providerHost}`);
  return Buffer.from(`${token}@${host}`, 'utf8').toString('base64url');
}

/** Decodes an Invite String (padded or not, standard or url-safe alphabet); throws `INVALID_INVITE`. */
export function decodeInviteString(s: string): DecodedInvite {
  if (typeof s !== 'string') throw invalid('the invite string is missing');
  const body = s.trim().replace(/=+$/, '');
  if (body === '' || s.trim().length - body.length > 2)
    throw invalid('this is not a valid invite string: it is empty or cut off');
  if (!BASE64_ANY.test(body) || body.length % 4 === 1)
    throw invalid('this is not a valid invite string: it has characters an invite string never has');
  let text: string;
  try {
    text = utf8.decode(Buffer.from(body.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url'));
  } catch {
    throw invalid('this is not a valid invite string');
  }
  const at = text.lastIndexOf('@');
  if (at < 0) throw invalid('this is not a valid invite string: it names no server');
  const token = text.slice(0, at);
  checkToken(token);
  const providerHost = normalizeHost(text.slice(at + 1));
  if (providerHost === null)
    throw invalid('this is not a valid invite string: the server it names is not a server address');
  return { token, providerHost };
}
