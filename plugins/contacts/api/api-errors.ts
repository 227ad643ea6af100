import { declareErrorCodes } from '#core';

/** Error codes of the contacts plugin's JSON API for the web app (`/api/v1/contacts`). */
export const CONTACTS_API_ERRORS = declareErrorCodes('contacts', {
  CONTACTS_BOOK_NOT_FOUND: { status: 404, meaning: 'No address book of yours has this id.' },
  CONTACTS_CARD_NOT_FOUND: { status: 404, meaning: 'The address book has no such contact.' },
  CONTACTS_INVALID_CARD: {
    status: 400,
    meaning: 'A contact field is missing or not valid (a name is needed; photo too large; bad e-mail).',
  },
  CONTACTS_INVALID_BOOK: { status: 400, meaning: 'An address book name that is empty or too long.' },
  CONTACTS_INVALID_IMPORT: { status: 400, meaning: 'The file to import holds no vCard (.vcf) at all.' },
});
