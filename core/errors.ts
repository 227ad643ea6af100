/**
 * Domain errors. Services throw these with a stable `code` declared in `error-codes.ts` (or by a plugin
 * through `declareErrorCodes`); the code's declared status is the HTTP status, and only the edges
 * (`transport/error-middleware.ts`, `transport/error-edges.ts`) turn them into wire shapes.
 */
import { errorCodeSpec, type ErrorCode } from './error-codes.ts';

/** One field-level problem, as OCM's `validationErrors[]` carries it. */
export interface ValidationIssue {
  name: string;
  message: string;
}

/** Base class of every error Meshwork throws on purpose. */
export class MeshworkError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly validationErrors: ValidationIssue[] | undefined;

  /** `status` overrides the code's declared status; leave it out unless one code must answer differently here. */
  constructor(code: ErrorCode, message: string, status?: number, validationErrors?: ValidationIssue[]) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status ?? errorCodeSpec(code)?.status ?? 500;
    this.validationErrors = validationErrors;
  }
}

/** Bad input from a client or peer (400). */
export class InputError extends MeshworkError {
  constructor(message: string, validationErrors?: ValidationIssue[], code: ErrorCode = 'INVALID_INPUT') {
    super(code, message, undefined, validationErrors);
  }
}

/** Missing or wrong credentials (401). */
export class AuthenticationError extends MeshworkError {
  constructor(message = 'authentication required', code: ErrorCode = 'UNAUTHENTICATED') {
    super(code, message);
  }
}

/** Authenticated but not allowed (403). */
export class NotAllowedError extends MeshworkError {
  constructor(message = 'not allowed', code: ErrorCode = 'FORBIDDEN') {
    super(code, message);
  }
}

/** The thing does not exist, or the caller may not know that it does (404). */
export class NotFoundError extends MeshworkError {
  constructor(message = 'not found', code: ErrorCode = 'RESOURCE_NOT_FOUND') {
    super(code, message);
  }
}

/** A conflicting state, e.g. an invite already accepted (409). */
export class ConflictError extends MeshworkError {
  constructor(message: string, code: ErrorCode = 'CONFLICT') {
    super(code, message);
  }
}

/** A resource type, share type or protocol this server does not support (501). */
export class NotImplementedError extends MeshworkError {
  constructor(message: string, code: ErrorCode = 'NOT_IMPLEMENTED') {
    super(code, message);
  }
}

/** An HTTP message signature that is missing where required, malformed or invalid (401). */
export class SignatureError extends MeshworkError {
  constructor(message: string, code: ErrorCode = 'SIGNATURE_INVALID') {
    super(code, message);
  }
}

/** An outbound request refused by the SSRF guard (403 `ssrf_blocked`). */
export class SsrfError extends MeshworkError {
  constructor(message: string) {
    super('ssrf_blocked', message);
  }
}

/** A peer server that failed, timed out or answered nonsense (502). */
export class PeerError extends MeshworkError {
  readonly peerStatus: number | undefined;
  constructor(message: string, peerStatus?: number, code: ErrorCode = 'PEER_ERROR') {
    super(code, message);
    this.peerStatus = peerStatus;
  }
}

/** True for errors raised on purpose (safe to show their message to the caller). */
export function isMeshworkError(err: unknown): err is MeshworkError {
  return err instanceof MeshworkError;
}
