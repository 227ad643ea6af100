import { declareErrorCodes } from '#core';

/**
 * The files plugin's own error codes (rendered into docs/errors.md with the core's). Its WebDAV mounts also answer
 * the DAV toolkit's codes (`DAV_ERROR_CODES` in dav/error-codes.ts), listed on the same page.
 */
export const FILES_ERRORS = declareErrorCodes('files', {
  RESOURCE_ID_INVALID: { status: 400, meaning: 'The file or folder path to share is not valid.' },
  RESOURCE_TYPE_MISMATCH: { status: 400, meaning: 'The path is a file but "folder" was asked for, or the reverse.' },
  RESHARE_NOT_ALLOWED: { status: 403, meaning: 'The share you hold does not allow sharing onward.' },
  RESHARE_PERMISSIONS_EXCEEDED: { status: 403, meaning: 'A reshare cannot grant more than the share it comes from.' },
  SHARE_GONE: { status: 404, meaning: "Shared with me: the owner's server no longer grants access to this share." },
  SHARE_NO_WEBDAV: { status: 502, meaning: "Shared with me: the share or the owner's server offers no WebDAV access." },
  PREVIEW_SIZE_INVALID: { status: 400, meaning: 'Previews: ?preview= takes a size in pixels from 16 to 2048.' },
  PREVIEW_UNSUPPORTED: {
    status: 415,
    meaning: 'Previews: the file is not an image (JPEG, PNG, GIF, WebP, AVIF, TIFF), a PDF or text.',
  },
  PREVIEW_TOO_LARGE: { status: 413, meaning: 'Previews: the file is larger than previews are made for.' },
  PREVIEW_FAILED: { status: 422, meaning: 'Previews: the file could not be read as what it claims to be.' },
  PREVIEW_BUSY: { status: 503, meaning: 'Previews: too many previews are being made; retry after Retry-After.' },
  PREVIEW_UNAVAILABLE: { status: 503, meaning: 'Previews: the tool this kind of preview needs (pdftoppm) is missing.' },
  SEARCH_QUERY_INVALID: { status: 400, meaning: 'Search: q must be 1 to 200 characters.' },
  SHARE_URI_FOREIGN: { status: 502, meaning: 'Shared with me: the share points to a server other than its sender.' },
});
