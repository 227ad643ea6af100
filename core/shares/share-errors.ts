/**
 * Why a share could not be made, for people and for programs. Every message names the address's server or user in
 * plain words ("bob is not a user on cloud.example.org"); the code is stable.
 */
import { MeshworkError } from '../errors.ts';

// ---- Share and settings error codes (client API). Kept as one block so the declared error registry can take it
// ---- over unchanged: code → [HTTP status, one-line meaning].
export const SHARE_ERROR_CODES = {
  RECIPIENT_NOT_FOUND: [400, 'the address names no user on its server'],
  SHARE_WITH_SELF: [400, 'a user cannot share with themselves'],
  SHARE_PEER_NOT_FOUND: [400, "no server has the address's host name (it does not resolve)"],
  SHARE_PEER_NOT_OCM: [400, 'the server answers but is not an Open Cloud Mesh server, or has OCM turned off'],
  SHARE_TYPE_UNSUPPORTED: [400, 'the receiving server does not accept shares of this resource type'],
  SHARE_REFUSED: [400, 'the receiving server refused the share for another reason, given in the message'],
  SHARE_PEER_REFUSED: [403, 'the receiving server does not accept shares from this server'],
  SHARE_PEER_BLOCKED: [403, 'the address resolves to a private, loopback or reserved network address'],
  PEER_DENIED: [403, "the server is on this server's deny list (MESHWORK_DENY_PEERS)"],
  PEER_NOT_ALLOWED: [403, "the server is not on this server's allow list (MESHWORK_ALLOW_PEERS)"],
  SETTINGS_INVALID: [400, 'a user setting is unknown or has a value of the wrong type'],
} as const satisfies Record<string, readonly [number, string]>;
// ---- end of share error codes

/** A code of the block above. */
export type ShareErrorCode = keyof typeof SHARE_ERROR_CODES;

/** A share that cannot be made (or a setting that cannot be stored), with its declared status. */
export class ShareError extends MeshworkError {
  constructor(code: ShareErrorCode, message: string, validationErrors?: Array<{ name: string; message: string }>) {
    super(code, message, SHARE_ERROR_CODES[code][0], validationErrors);
  }
}

/** "calendar", "chat room", "file": how a resource type reads in a sentence. */
export function resourceWords(resourceType: string): string {
  return resourceType.replace(/[-_]+/g, ' ');
}
