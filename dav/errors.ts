/**
 * A WebDAV failure with its HTTP status, a stable code, and optionally a precondition/postcondition element
 * (RFC 4918 §16, RFC 4791 §5.3.2.1 …) that goes into the `<d:error>` body.
 */
export class DavError extends Error {
  readonly status: number;
  readonly code: string;
  /**
   * The condition element in Clark notation (`{DAV:}lock-token-submitted`,
   * `{urn:ietf:params:xml:ns:caldav}valid-calendar-data`); a bare local name means the `DAV:` namespace.
   */
  readonly condition: string | undefined;
  /** Hrefs to list inside the condition element (e.g. the locked resource for `lock-token-submitted`). */
  readonly hrefs: string[];

  constructor(status: number, message: string, code: string, condition?: string, hrefs: string[] = []) {
    super(message);
    this.name = 'DavError';
    this.status = status;
    this.code = code;
    this.condition = condition === undefined || condition.startsWith('{') ? condition : `{DAV:}${condition}`;
    this.hrefs = hrefs;
  }
}

/** 404 for a missing resource. */
export function notFound(what = 'no such resource'): DavError {
  return new DavError(404, what, 'DAV_NOT_FOUND');
}

/** 403 for an operation the caller may never do here. */
export function forbidden(message: string, condition?: string): DavError {
  return new DavError(403, message, 'DAV_FORBIDDEN', condition);
}

/** 409 for a missing parent collection or similar state conflict. */
export function conflict(message: string, condition?: string): DavError {
  return new DavError(409, message, 'DAV_CONFLICT', condition);
}

/** 412 for a failed precondition (If-Match, If, Overwrite: F). */
export function preconditionFailed(message: string, condition?: string): DavError {
  return new DavError(412, message, 'DAV_PRECONDITION_FAILED', condition);
}

/** 400 for unreadable input. */
export function badRequest(message: string, code = 'DAV_BAD_REQUEST'): DavError {
  return new DavError(400, message, code);
}

/** 405 for a method that does not apply to the resource. */
export function methodNotAllowed(message: string): DavError {
  return new DavError(405, message, 'DAV_METHOD_NOT_ALLOWED');
}
