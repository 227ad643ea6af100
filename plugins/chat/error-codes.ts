import { declareErrorCodes } from '#core';

/** The chat plugin's own error codes (rendered into docs/errors.md with the core's). */
export const CHAT_ERRORS = declareErrorCodes('chat', {
  ROOM_NOT_FOUND: { status: 404, meaning: 'No chat room with this id that you can see.' },
  NOT_MEMBER: { status: 403, meaning: 'You (or your server) are not a member of this room.' },
  NOT_MODERATOR: { status: 403, meaning: 'Only owners and moderators of the room may do this.' },
  NOT_OWNER: { status: 403, meaning: 'Only owners of the room may do this.' },
  NOT_AUTHOR: { status: 403, meaning: 'Only the author (or a moderator, for deletes) may change this message.' },
  DIRECT_ROOM: { status: 403, meaning: 'One-to-one conversations have fixed members and no name.' },
  MESSAGE_NOT_FOUND: { status: 404, meaning: 'No such message in this room.' },
  MESSAGE_DELETED: { status: 409, meaning: 'The message was deleted.' },
  MEMBER_NOT_FOUND: { status: 404, meaning: 'No such member in this room.' },
  USE_LEAVE: { status: 400, meaning: 'To remove yourself from a room, leave it.' },
  ROOM_SECRET_INVALID: { status: 403, meaning: 'Server-to-server: wrong room secret.' },
  ACTOR_NOT_FROM_PEER: { status: 403, meaning: 'Server-to-server: a server may only act for its own users.' },
  CALLS_UNAVAILABLE: { status: 501, meaning: 'Calls are not enabled on the server that hosts this room.' },
  ATTACHMENT_NOT_YOURS: { status: 403, meaning: 'A message can only carry its sender’s own files.' },
  ATTACHMENT_TOO_LARGE: { status: 413, meaning: 'The attached file is larger than chat allows.' },
  ATTACHMENTS_UNAVAILABLE: { status: 501, meaning: 'This server does not offer attachments in chat (no files).' },
  CHAT_EVENTS_REJECTED: { status: 422, meaning: "Server-to-server: a host's events could not be applied here." },
});
