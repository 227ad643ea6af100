import { MeshworkError } from '#core';
import { CALENDAR_ERRORS } from './error-codes.ts';

/** The CalDAV namespace, in which RFC 4791's precondition elements live. */
export const CALDAV_NS = 'urn:ietf:params:xml:ns:caldav';

/**
 * RFC 4791 preconditions this plugin can report (§5.3.2.1 for PUT, §7.7/§9 for REPORT, §5.2 for properties).
 * The DAV layer writes each as `<C:<name>/>` inside `<D:error>`.
 */
export type CaldavCondition =
  | 'supported-calendar-data'
  | 'valid-calendar-data'
  | 'valid-calendar-object-resource'
  | 'supported-calendar-component'
  | 'no-uid-conflict'
  | 'max-resource-size'
  | 'max-instances'
  | 'valid-filter'
  | 'supported-filter'
  | 'supported-collation'
  | 'valid-calendar-timezone';

/**
 * A failed CalDAV precondition: the request is refused and nothing is stored. `status` is what the DAV
 * layer answers with (403 unless the RFC's semantics say otherwise); `condition` in Clark notation.
 */
export class CaldavPreconditionError extends MeshworkError {
  readonly precondition: CaldavCondition;
  /** `{urn:ietf:params:xml:ns:caldav}<name>`, the form the DAV toolkit's errors take. */
  readonly condition: string;

  constructor(precondition: CaldavCondition, message: string, status = 403) {
    const code = `CALDAV_${precondition.toUpperCase().replace(/-/g, '_')}` as keyof typeof CALENDAR_ERRORS;
    super(CALENDAR_ERRORS[code], message, status);
    this.precondition = precondition;
    this.condition = `{${CALDAV_NS}}${precondition}`;
  }
}

/**
 * The UID is already used by another object of the same calendar (RFC 4791 `no-uid-conflict`). The DAV
 * layer puts the clashing object's href (built from `existingUri`) inside the condition element.
 */
export class UidConflictError extends CaldavPreconditionError {
  readonly existingUri: string;

  constructor(uid: string, existingUri: string) {
    super('no-uid-conflict', `UID ${JSON.stringify(uid)} is already used by ${existingUri} in this calendar`);
    this.existingUri = existingUri;
  }
}

/** An `If-Match` / `If-None-Match` condition checked inside the store's transaction did not hold (412). */
export class StorePreconditionFailed extends MeshworkError {
  constructor(message: string) {
    super(CALENDAR_ERRORS.CALENDAR_PRECONDITION_FAILED, message, 412);
  }
}

/** A sync token this calendar never issued (or that predates the calendar): RFC 6578 `valid-sync-token`. */
export class InvalidSyncTokenError extends MeshworkError {
  /** `{DAV:}valid-sync-token`, the condition element the DAV layer writes in a 403 body. */
  readonly condition = '{DAV:}valid-sync-token';

  constructor(token: string) {
    super(CALENDAR_ERRORS.CALENDAR_INVALID_SYNC_TOKEN, `unknown sync token ${JSON.stringify(token)}`, 403);
  }
}
