import type { ApiErrorBody, ValidationIssue } from './types.ts';

/** A failed API call, with the server's stable `code` and a message fit to show to a person. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly validationErrors: ValidationIssue[];

  constructor(status: number, code: string, message: string, validationErrors: ValidationIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.validationErrors = validationErrors;
  }
}

function isErrorBody(v: unknown): v is ApiErrorBody {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ApiErrorBody).code === 'string' &&
    typeof (v as ApiErrorBody).message === 'string'
  );
}

function sentence(s: string): string {
  const t = s.trim();
  if (!t) return t;
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

// ---- Share codes whose server message is already written for people and starts with an address, a host or a
// ---- user id ("bob is not a user on cloud.example.org"): shown as sent (only a final period is added), since
// ---- capitalising it would change the name.
const VERBATIM_CODES = new Set([
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
]);
// ---- end of share codes

/** Turns an HTTP answer into an ApiError: the server's `{code, message}` when it sent one, else a plain description. */
export function errorFromResponse(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) {
    const issues = Array.isArray(body.validationErrors) ? body.validationErrors : [];
    const text = body.message.trim();
    const message = VERBATIM_CODES.has(body.code) ? (/[.!?]$/.test(text) ? text : `${text}.`) : sentence(text);
    return new ApiError(status, body.code, message, issues);
  }
  if (status === 401) return new ApiError(status, 'UNAUTHENTICATED', 'Your session has ended. Please log in again.');
  if (status === 403) return new ApiError(status, 'FORBIDDEN', 'You are not allowed to do that.');
  if (status === 404) return new ApiError(status, 'NOT_FOUND', 'Not found.');
  if (status === 503)
    return new ApiError(status, 'UNAVAILABLE', 'The server is starting or busy. Try again in a moment.');
  return new ApiError(status, 'HTTP_ERROR', `The server answered with an error (HTTP ${status}).`);
}

/** The error for a request that never got an answer. */
export function networkError(): ApiError {
  return new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the server. Check your connection and try again.');
}

/** A message for any thrown value, for toasts and inline errors. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return sentence(err.message);
  return 'Something went wrong.';
}
