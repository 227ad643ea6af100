/**
 * The toolkit's own error codes, each with its HTTP status and a one-line meaning (rendered into docs/errors.md by
 * `npm run docs:errors`). Backends and extensions add theirs (e.g. CalDAV preconditions) where they declare them.
 */
export const DAV_ERROR_CODES = {
  DAV_BAD_REQUEST: { status: 400, meaning: 'The request is malformed (a header, a body element, a Destination).' },
  DAV_BAD_DEPTH: { status: 400, meaning: 'The Depth header is not 0, 1 or infinity, or not allowed for the method.' },
  DAV_PATH_INVALID: { status: 400, meaning: 'The path holds an encoded slash, a backslash, NUL or an invalid name.' },
  DAV_PATH_TRAVERSAL: { status: 400, meaning: 'The path holds a `.` or `..` segment.' },
  DAV_PATH_TOO_DEEP: { status: 400, meaning: 'The path has more than 64 segments.' },
  DAV_NAME_TOO_LONG: { status: 400, meaning: 'A name in the path is longer than 255 bytes.' },
  XML_MALFORMED: {
    status: 400,
    meaning: 'The XML body is not well-formed, uses a DTD or entity, or an unbound prefix.',
  },
  XML_TOO_DEEP: { status: 400, meaning: 'The XML body nests elements deeper than 128 levels.' },
  XML_NOT_UTF8: { status: 400, meaning: 'The XML body is not valid UTF-8.' },
  DAV_FORBIDDEN: { status: 403, meaning: 'Not allowed here (read-only access, the mount root, a reserved name).' },
  DAV_REPORT_NOT_SUPPORTED: { status: 403, meaning: 'The REPORT is unknown or does not apply to this resource.' },
  DAV_SYNC_TOKEN_INVALID: { status: 403, meaning: 'The sync token is unknown or too old: sync again from scratch.' },
  DAV_NOT_FOUND: { status: 404, meaning: 'No resource at this URL.' },
  DAV_METHOD_NOT_ALLOWED: { status: 405, meaning: 'The method does not apply to this resource (e.g. MKCOL on one).' },
  DAV_CONFLICT: { status: 409, meaning: 'A parent collection is missing, or the state does not allow the change.' },
  DAV_PRECONDITION_FAILED: { status: 412, meaning: 'If-Match, If-None-Match, If or Overwrite: F did not hold.' },
  DAV_BODY_TOO_LARGE: { status: 413, meaning: 'The XML body is larger than the server accepts (1 MiB).' },
  DAV_UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The request has a body this method does not take here.' },
  DAV_RANGE_NOT_SATISFIABLE: { status: 416, meaning: 'The Range lies outside the body.' },
  DAV_LOCKED: { status: 423, meaning: 'A lock covers the resource and its token was not submitted by its holder.' },
  DAV_CROSS_SERVER: { status: 502, meaning: 'The Destination is on another server or in another store.' },
  DAV_INSUFFICIENT_STORAGE: { status: 507, meaning: 'The storage is full.' },
  DAV_PROP_TOO_LARGE: {
    status: 507,
    meaning:
      'A property value is larger than 64 KiB, or a resource would keep more than 200 dead properties or 1 MiB of them.',
  },
  DAV_INTERNAL: { status: 500, meaning: 'An unexpected failure; it is logged, details are not sent.' },
} as const satisfies Record<string, { status: number; meaning: string }>;

/** A code the toolkit itself raises. */
export type DavErrorCode = keyof typeof DAV_ERROR_CODES;
