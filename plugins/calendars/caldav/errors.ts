/** Maps the calendar domain's errors to DAV errors with their RFC 4791 / RFC 6578 condition elements. */
import { DavError } from '#dav';
import { CaldavPreconditionError, InvalidSyncTokenError, UidConflictError } from '../caldav-errors.ts';

/**
 * The DAV form of a domain error (the toolkit keeps status and code of other errors but not their condition):
 * `hrefFor` turns the URI of a clashing object into its href for `no-uid-conflict`.
 */
export function toDav(err: unknown, hrefFor: (uri: string) => string): unknown {
  if (err instanceof UidConflictError)
    return new DavError(err.status, err.message, err.code, err.condition, [hrefFor(err.existingUri)]);
  if (err instanceof CaldavPreconditionError || err instanceof InvalidSyncTokenError)
    return new DavError(err.status, err.message, err.code, err.condition);
  return err;
}

/** Runs `fn`, rethrowing domain errors as DAV errors. */
export async function asDav<T>(fn: () => Promise<T>, hrefFor: (uri: string) => string = (u) => u): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toDav(err, hrefFor);
  }
}
