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

const UNREACHABLE = 'The other server cannot be reached right now. Your share will be retried; try again later.';
const NOT_OCM = 'That server does not answer as an Open Cloud Mesh server. Check the address after the @.';

/**
 * What a person reads for each error code (docs/errors.md lists them all). Codes missing here show the
 * server's own message when it reads as plain words, else a sentence for the HTTP status.
 */
const SENTENCES: Record<string, string> = {
  NETWORK_ERROR: 'Cannot reach the server. Check your connection and try again.',
  NO_ANSWER: 'The server did not answer. Check your connection and try again.',
  INTERNAL_ERROR: 'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.',
  STARTING: 'The server is starting. Try again in a moment.',
  UNAUTHENTICATED: 'Your session has ended. Please log in again.',
  ACCOUNT_DISABLED: 'This account is disabled. Ask the administrator of this server.',
  WRONG_PASSWORD: 'Your current password is not correct. Nothing was changed.',
  MALFORMED_URL: 'That address is not valid. Check the link and try again.',
  INVALID_REQUEST: 'The request could not be read. Reload the page and try again.',
  FORBIDDEN: 'You are not allowed to do that.',
  INVALID_BODY: 'The request could not be read. Reload the page and try again.',
  BODY_TOO_LARGE: 'That is too large for the server.',
  INVALID_ADDRESS: 'Enter an address like user@cloud.example.org.',
  INVALID_INVITE: 'That is not a valid invite string. Copy the whole string you were sent and try again.',
  INVITE_INVALID: 'This invite is unknown or has expired. Ask for a new one.',
  INVALID_TOKEN: 'This invite is unknown or has expired. Ask for a new one.',
  INVITE_ALREADY_ACCEPTED: 'This invite was already accepted. Ask for a new one if you need to connect again.',
  INVITE_REFUSED: 'The inviting server does not accept invites from this server.',
  LOCAL_INVITE: 'This invite comes from your own server: invites connect people on different servers.',
  RECIPIENT_NOT_FOUND: 'There is no such user on that server. Check the name before the @.',
  RECEIVER_UNSUPPORTED: 'The other server does not accept this kind of share.',
  NOT_A_CONTACT:
    'That server only accepts shares from people its user has accepted an invite from. Send an invite first.',
  PEER_UNREACHABLE: UNREACHABLE,
  PEER_TIMEOUT: UNREACHABLE,
  PEER_ERROR: 'The other server answered with an error. Try again later.',
  PEER_BAD_RESPONSE: 'The other server answered something unexpected. Try again later.',
  PEER_REDIRECT_REFUSED: 'The other server sent this server elsewhere, which it does not follow.',
  PEER_RESPONSE_TOO_LARGE: 'The other server answered with more than this server accepts.',
  PEER_OCM_DISABLED: 'The other server has Open Cloud Mesh sharing turned off.',
  DISCOVERY_FAILED: NOT_OCM,
  DISCOVERY_INVALID: 'That server speaks Open Cloud Mesh in a way this server cannot use.',
  ssrf_blocked: 'This server is not allowed to connect to that address.',
  SHARE_NOT_FOUND: 'This share no longer exists.',
  SHARE_NOT_PENDING: 'This share was already answered.',
  CONTACT_NOT_FOUND: 'This contact no longer exists.',
  TOKEN_EXCHANGE_FAILED: "The owner's server refused access to this share.",
  TOKEN_EXCHANGE_UNAVAILABLE: "The owner's server requires a sign-in step it does not offer.",
  ROOM_NOT_FOUND: 'This room no longer exists, or you are no longer in it.',
  NOT_MEMBER: 'You are not a member of this room.',
  NOT_MODERATOR: 'Only owners and moderators of this room may do that.',
  NOT_OWNER: 'Only owners of this room may do that.',
  NOT_AUTHOR: 'Only the author may change this message.',
  MESSAGE_NOT_FOUND: 'That message no longer exists.',
  MESSAGE_DELETED: 'That message was deleted.',
};

// A message written for programs: an error code, a socket errno, an HTTP status line, a URL or an encoding name.
const TECHNICAL =
  /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\bE[A-Z]{4,}\b|\bHTTP \d{3}\b|https?:\/\/|\bbase64\b|\bJSON\b|\bundefined\b|\bnull\b/;

/** True when a server message reads as words for a person. */
function isHuman(message: string): boolean {
  return message.trim() !== '' && !TECHNICAL.test(message);
}

function forStatus(status: number): string {
  if (status === 401) return SENTENCES.UNAUTHENTICATED as string;
  if (status === 403) return SENTENCES.FORBIDDEN as string;
  if (status === 404) return 'Not found.';
  if (status === 409) return 'That conflicts with a change made meanwhile. Reload and try again.';
  if (status === 429) return 'Too many attempts. Wait a moment and try again.';
  if (status === 503) return 'The server is starting or busy. Try again in a moment.';
  if (status >= 500 || status === 0) return SENTENCES.INTERNAL_ERROR as string;
  return 'That did not work. Check what you entered and try again.';
}

/** The sentence for an error code, preferring the server's message where it is already written for people. */
export function describeCode(code: string, serverMessage = '', status = 400): string {
  const text = serverMessage.trim();
  if (VERBATIM_CODES.has(code) && isHuman(text)) return /[.!?]$/.test(text) ? text : `${text}.`;
  const known = SENTENCES[code];
  if (known) return known;
  if (isHuman(serverMessage)) return sentence(serverMessage);
  return forStatus(status);
}

/** A failed socket acknowledgement (`{ok: false, code, message}`) in words. */
export function describeAck(reply: { code?: string; message?: string }): string {
  return describeCode(reply.code ?? '', reply.message ?? '', 400);
}

/**
 * Why an outgoing share failed, from the reason the server recorded (`lastError`, which holds what the other
 * server or the network said): the nearest sentence, never the raw reason.
 */
export function describeShareFailure(reason: string | null | undefined): string {
  const r = reason ?? '';
  if (/RECIPIENT_NOT_FOUND|shareWith: NOT_FOUND/.test(r)) return SENTENCES.RECIPIENT_NOT_FOUND as string;
  if (/NOT_A_CONTACT|must-invite/.test(r)) return SENTENCES.NOT_A_CONTACT as string;
  if (/discovery|DISCOVERY_/i.test(r)) return NOT_OCM;
  if (/cannot reach|timed out|PEER_UNREACHABLE|PEER_TIMEOUT|\bE[A-Z]{4,}\b/.test(r)) return UNREACHABLE;
  if (/HTTP 501|does not accept|NOT_SUPPORTED/.test(r)) return SENTENCES.RECEIVER_UNSUPPORTED as string;
  if (/HTTP 40[13]|SIGNATURE_|PEER_DENIED|PEER_NOT_ALLOWED/.test(r))
    return 'The other server does not accept shares from this server.';
  return isHuman(r) ? sentence(r) : 'The other server refused the share.';
}

/** Turns an HTTP answer into an ApiError: the server's `{code, message}` when it sent one, else a plain description. */
export function errorFromResponse(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) {
    const issues = Array.isArray(body.validationErrors) ? body.validationErrors : [];
    return new ApiError(status, body.code, describeCode(body.code, body.message, status), issues);
  }
  if (status === 401) return new ApiError(status, 'UNAUTHENTICATED', forStatus(401));
  if (status === 403) return new ApiError(status, 'FORBIDDEN', forStatus(403));
  if (status === 404) return new ApiError(status, 'NOT_FOUND', forStatus(404));
  if (status === 503) return new ApiError(status, 'UNAVAILABLE', forStatus(503));
  return new ApiError(status, 'HTTP_ERROR', `The server answered with an error (HTTP ${status}).`);
}

/** The error for a request that never got an answer. */
export function networkError(): ApiError {
  return new ApiError(0, 'NETWORK_ERROR', SENTENCES.NETWORK_ERROR as string);
}

/** A message for any thrown value, for toasts and inline errors: never an API code or a raw network error. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof TypeError) return SENTENCES.NETWORK_ERROR as string; // fetch's "Failed to fetch"
  if (err instanceof Error && isHuman(err.message)) return sentence(err.message);
  return 'Something went wrong.';
}
