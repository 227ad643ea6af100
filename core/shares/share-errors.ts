/**
 * Why a share could not be made, for people and for programs. Every message names the address's server or user in
 * plain words ("bob is not a user on cloud.example.org"); the code is stable.
 */
import { MeshworkError } from '../errors.ts';

// Codes and statuses are declared in core/error-codes.ts like every other code.
export const SHARE_ERROR_CODES = [
  'RECIPIENT_NOT_FOUND',
  'SHARE_WITH_SELF',
  'SHARE_PEER_NOT_FOUND',
  'SHARE_PEER_NOT_OCM',
  'SHARE_TYPE_UNSUPPORTED',
  'SHARE_REFUSED',
  'SHARE_PEER_REFUSED',
  'SHARE_PEER_BLOCKED',
  'PEER_DENIED',
  'PEER_NOT_ALLOWED',
  'SETTINGS_INVALID',
] as const;

/** A code of the block above. */
export type ShareErrorCode = (typeof SHARE_ERROR_CODES)[number];

/** A share that cannot be made (or a setting that cannot be stored), with its declared status. */
export class ShareError extends MeshworkError {
  constructor(code: ShareErrorCode, message: string, validationErrors?: Array<{ name: string; message: string }>) {
    super(code, message, undefined, validationErrors);
  }
}

/** "calendar", "chat room", "file": how a resource type reads in a sentence. */
export function resourceWords(resourceType: string): string {
  return resourceType.replace(/[-_]+/g, ' ');
}
