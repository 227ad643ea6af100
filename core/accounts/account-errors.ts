/**
 * Errors of the accounts part. Codes: TOO_MANY_ATTEMPTS (429), ACCOUNT_DISABLED (403), WRONG_PASSWORD (403),
 * USER_ID_RETIRED (409). They extend MeshworkError, so the HTTP edge maps them like every other domain error.
 */
import { MeshworkError } from '../errors.ts';

/** How long to wait, in words: "30 seconds", "1 minute", "15 minutes". */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Password guessing throttled (429); `retryAfterSeconds` goes into the `Retry-After` header. */
export class LoginThrottledError extends MeshworkError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    const wait = Math.max(1, Math.ceil(retryAfterSeconds));
    super(
      'TOO_MANY_ATTEMPTS',
      `too many failed password attempts; try again in ${describeWait(wait)}. Devices already signed in keep working`,
      429,
    );
    this.retryAfterSeconds = wait;
  }
}

/** The right password for an account an operator disabled (403). */
export class AccountDisabledError extends MeshworkError {
  constructor() {
    super('ACCOUNT_DISABLED', 'this account is disabled; ask the administrator of this server', 403);
  }
}

/** The current password given to change a password is wrong (403, not 401: the session itself is fine). */
export class WrongPasswordError extends MeshworkError {
  constructor() {
    super('WRONG_PASSWORD', 'your current password is not correct', 403, [
      { name: 'currentPassword', message: 'WRONG_PASSWORD' },
    ]);
  }
}
