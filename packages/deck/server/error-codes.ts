import { declareErrorCodes } from '#sdk';

/** Deck's own error codes (rendered into docs/errors.md with the core's). */
export const DECK_ERRORS = declareErrorCodes('deck', {
  BOARD_NOT_FOUND: { status: 404, meaning: 'No Deck board with this id that you can see.' },
  READ_ONLY: { status: 403, meaning: 'The board is shared with you read-only.' },
  CARD_NOT_FOUND: { status: 404, meaning: 'No such card (or list) on this board.' },
  DECK_ID_TAKEN: { status: 409, meaning: 'A list, card or comment with this id exists already.' },
  NOT_YOUR_FILE: { status: 403, meaning: 'A card attachment must be a file of the user who attaches it.' },
  CARD_ATTACHMENTS_UNAVAILABLE: {
    status: 501,
    meaning: 'This server offers no attachments (the files plugin is off).',
  },
  CARD_ATTACHMENT_TOO_LARGE: { status: 413, meaning: 'The file is larger than a card attachment may be (25 MB).' },
  DECK_NOT_SHARED: { status: 403, meaning: 'Server-to-server: no live share of this board for your server.' },
});
