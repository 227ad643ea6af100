/**
 * Domain errors. Services throw these with a stable `code`; only the HTTP/socket edge maps them
 * to status codes and wire shapes (OCM JSON, OAuth JSON, DAV XML).
 */

/** One field-level problem, as OCM's `validationErrors[]` carries it. */
export interface ValidationIssue {
  name: string;
  message: string;
}

/** Base class of every error Meshwork throws on purpose. */
export class MeshworkError extends Error {
  readonly code: string;
  readonly status: number;
  readonly validationErrors: ValidationIssue[] | undefined;

  constructor(code: string, message: string, status: number, validationErrors?: ValidationIssue[]) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.validationErrors = validationErrors;
  }
}

/** Bad input from a client or peer (400). */
export class InputError extends MeshworkError {
  constructor(message: string, validationErrors?: ValidationIssue[], code = 'INVALID_INPUT') {
    super(code, message, 400, validationErrors);
  }
}

/** Missing or wrong credentials (401). */
export class AuthenticationError extends MeshworkError {
  constructor(message = 'authentication required', code = 'UNAUTHENTICATED') {
    super(code, message, 401);
  }
}

/** Authenticated but not allowed (403). */
export class NotAllowedError extends MeshworkError {
  constructor(message = 'not allowed', code = 'FORBIDDEN') {
    super(code, message, 403);
  }
}

/** The thing does not exist, or the caller may not know that it does (404). */
export class NotFoundError extends MeshworkError {
  constructor(message = 'not found', code = 'RESOURCE_NOT_FOUND') {
    super(code, message, 404);
  }
}

/** A conflicting state, e.g. an invite already accepted (409). */
export class ConflictError extends MeshworkError {
  constructor(message: string, code = 'CONFLICT') {
    super(code, message, 409);
  }
}

/** A resource type, share type or protocol this server does not support (501). */
export class NotImplementedError extends MeshworkError {
  constructor(message: string, code = 'NOT_IMPLEMENTED') {
    super(code, message, 501);
  }
}

/** An HTTP message signature that is missing where required, malformed or invalid (401). */
export class SignatureError extends MeshworkError {
  constructor(message: string, code = 'SIGNATURE_INVALID') {
    super(code, message, 401);
  }
}

/** An outbound request refused by the SSRF guard (403 `ssrf_blocked`). */
export class SsrfError extends MeshworkError {
  constructor(message: string) {
    super('ssrf_blocked', message, 403);
  }
}

/** A peer server that failed, timed out or answered nonsense (502). */
export class PeerError extends MeshworkError {
  readonly peerStatus: number | undefined;
  constructor(message: string, peerStatus?: number, code = 'PEER_ERROR') {
    super(code, message, 502);
    this.peerStatus = peerStatus;
  }
}

/** True for errors raised on purpose (safe to show their message to the caller). */
export function isMeshworkError(err: unknown): err is MeshworkError {
  return err instanceof MeshworkError;
}
