import { declareErrorCodes } from '#core';

/** The files plugin's own error codes outside WebDAV (rendered into docs/errors.md with the core's). */
export const FILES_ERRORS = declareErrorCodes('files', {
  RESOURCE_ID_INVALID: { status: 400, meaning: 'The file or folder path to share is not valid.' },
  RESOURCE_TYPE_MISMATCH: { status: 400, meaning: 'The path is a file but "folder" was asked for, or the reverse.' },
  RESHARE_NOT_ALLOWED: { status: 403, meaning: 'The share you hold does not allow sharing onward.' },
  RESHARE_PERMISSIONS_EXCEEDED: { status: 403, meaning: 'A reshare cannot grant more than the share it comes from.' },
});
