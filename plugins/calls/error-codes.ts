import { declareErrorCodes } from '#core';

/** The calls plugin's own error codes (rendered into docs/errors.md with the core's). */
export const CALL_ERRORS = declareErrorCodes('calls', {
  CALL_NOT_FOUND: { status: 404, meaning: 'That call has ended, or there is no call in this room.' },
  CALL_NOT_MEMBER: { status: 403, meaning: 'Only members of the room can join its calls.' },
  CALL_NOT_PARTICIPANT: { status: 409, meaning: 'You are not in this call (any more).' },
  CALL_END_NOT_ALLOWED: {
    status: 403,
    meaning: 'Only the person who started the call or a moderator can end it for everyone.',
  },
  CALL_STALE: { status: 409, meaning: 'The request to join took too long to reach the room’s server; try again.' },
  CALL_HOST_UNREACHABLE: { status: 504, meaning: 'The server that hosts this room did not answer in time.' },
  CALL_PEER_UNREACHABLE: { status: 502, meaning: 'The other person’s server cannot be reached right now.' },
  SFU_UNAVAILABLE: { status: 503, meaning: 'The media server (SFU) for this call is not available.' },
  SFU_TOKEN_INVALID: { status: 403, meaning: 'Server-to-server: the SFU token is missing, expired or not yours.' },
  SFU_FAILED: { status: 502, meaning: 'The media server (SFU) refused the request.' },
});
