import { declareErrorCodes } from '#core';

/** The contacts plugin's own error codes (rendered into docs/errors.md with the core's). */
export const CONTACTS_ERRORS = declareErrorCodes('contacts', {
  ADDRESSBOOK_INVALID_URI: { status: 400, meaning: 'An address book name that cannot be a single path segment.' },
  ADDRESSBOOK_EXISTS: { status: 409, meaning: 'The owner already has an address book at this name.' },
  ADDRESSBOOK_GONE: { status: 409, meaning: 'The address book was deleted while the request ran.' },
  ADDRESSBOOK_READ_ONLY: {
    status: 403,
    meaning: 'The address book is kept by Meshwork (Federated contacts): change the contacts in the app.',
  },
  ADDRESSBOOK_PRECONDITION_FAILED: { status: 412, meaning: 'An If-Match or If-None-Match condition did not hold.' },
  ADDRESSBOOK_INVALID_SYNC_TOKEN: {
    status: 403,
    meaning: 'A sync token this address book never issued (valid-sync-token).',
  },
  CARDDAV_SUPPORTED_ADDRESS_DATA: { status: 403, meaning: 'CardDAV: the body is not text/vcard 3.0 or 4.0.' },
  CARDDAV_VALID_ADDRESS_DATA: { status: 403, meaning: 'CardDAV: the body is not one valid vCard.' },
  CARDDAV_NO_UID_CONFLICT: { status: 403, meaning: 'CardDAV: another card of the address book has this UID.' },
  CARDDAV_MAX_RESOURCE_SIZE: { status: 403, meaning: 'CardDAV: the card (or its photo) is larger than accepted.' },
  CARDDAV_SUPPORTED_FILTER: { status: 403, meaning: 'CardDAV: the query uses a filter this server does not support.' },
  ADDRESSBOOK_SHARED_READ_ONLY: {
    status: 403,
    meaning: 'The address book is shared with you read-only: the change was not made (DAV:need-privileges).',
  },
  ADDRESSBOOK_OWNER_UNREACHABLE: {
    status: 503,
    meaning: "The shared address book's owner server cannot be reached: the change was not made; the copy stays.",
  },
  ADDRESSBOOK_OWNER_REFUSED: {
    status: 502,
    meaning: "The shared address book's owner server refused the change for a reason it did not explain.",
  },
  ADDRESSBOOK_SHARE_REVOKED: { status: 404, meaning: 'The owner ended the share of this address book; the copy went.' },
  CARDDAV_SUPPORTED_COLLATION: { status: 403, meaning: 'CardDAV: a text-match collation this server does not know.' },
});
