import { MeshworkError } from '#core';
import { CONTACTS_ERRORS } from './error-codes.ts';

/** The CardDAV namespace, in which RFC 6352's precondition elements live. */
export const CARDDAV_NS = 'urn:ietf:params:xml:ns:carddav';

/** RFC 6352 preconditions this plugin reports (§6.3.2.1 for PUT, §8.3 for REPORT). */
export type CarddavCondition =
  | 'supported-address-data'
  | 'valid-address-data'
  | 'no-uid-conflict'
  | 'max-resource-size'
  | 'supported-filter'
  | 'supported-collation';

/** A failed CardDAV precondition: the request is refused and nothing is stored (403 with the element). */
export class CarddavPreconditionError extends MeshworkError {
  readonly precondition: CarddavCondition;
  /** `{urn:ietf:params:xml:ns:carddav}<name>`, the form the DAV toolkit's errors take. */
  readonly condition: string;
  /** Hrefs inside the condition element (the card holding a clashing UID). */
  hrefs?: string[];

  constructor(precondition: CarddavCondition, message: string, status = 403) {
    const code = `CARDDAV_${precondition.toUpperCase().replace(/-/g, '_')}` as keyof typeof CONTACTS_ERRORS;
    super(CONTACTS_ERRORS[code], message, status);
    this.precondition = precondition;
    this.condition = `{${CARDDAV_NS}}${precondition}`;
  }
}

/** The UID is already used by another card of the same address book (RFC 6352 `no-uid-conflict`). */
export class UidConflictError extends CarddavPreconditionError {
  readonly existingUri: string;

  constructor(uid: string, existingUri: string) {
    super('no-uid-conflict', `UID ${JSON.stringify(uid)} is already used by ${existingUri} in this address book`);
    this.existingUri = existingUri;
  }
}

/** An `If-Match` / `If-None-Match` condition checked inside the store's transaction did not hold (412). */
export class StorePreconditionFailed extends MeshworkError {
  constructor(message: string) {
    super(CONTACTS_ERRORS.ADDRESSBOOK_PRECONDITION_FAILED, message, 412);
  }
}

/** A sync token this address book never issued: RFC 6578 `valid-sync-token`. */
export class InvalidSyncTokenError extends MeshworkError {
  readonly condition = '{DAV:}valid-sync-token';

  constructor(token: string) {
    super(CONTACTS_ERRORS.ADDRESSBOOK_INVALID_SYNC_TOKEN, `unknown sync token ${JSON.stringify(token)}`, 403);
  }
}
