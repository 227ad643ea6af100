import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthenticationError } from '../errors.ts';
import { LoginThrottledError } from './account-errors.ts';
import type { AccountService, SessionRecord, User } from './account-service.ts';
import type { ClientAddressResolver } from './client-address.ts';
import type { PasswordLogin } from './password-login.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The authenticated local user, set by the auth middleware. */
    user?: User;
    /** The raw session token the user authenticated with (bearer only). */
    sessionToken?: string;
    /** The session the user authenticated with (bearer only). */
    authSession?: SessionRecord;
  }
}

/** Who made a request: the user, and the session when it came with a bearer token. */
export interface RequestAuth {
  user: User;
  token?: string;
  session?: SessionRecord;
}

/** Everything that turns an `Authorization` header into a user. */
export interface AuthDeps {
  accounts: AccountService;
  passwords: PasswordLogin;
  clientAddress: ClientAddressResolver;
}

function split(header: string | undefined): { scheme: string; value: string } | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space <= 0) return null;
  return { scheme: header.slice(0, space).toLowerCase(), value: header.slice(space + 1).trim() };
}

/**
 * Reads `Authorization: Bearer <session>` or `Basic user:password` into a user, or null. Basic is a password check:
 * throttled, so it throws LoginThrottledError (and AccountDisabledError) instead of answering null.
 */
export async function authenticate(deps: AuthDeps, req: IncomingMessage): Promise<RequestAuth | null> {
  const h = split(req.headers.authorization);
  if (!h || !h.value) return null;
  if (h.scheme === 'bearer') {
    const found = await deps.accounts.sessionFor(h.value);
    return found ? { user: found.user, token: h.value, session: found.session } : null;
  }
  if (h.scheme === 'basic') {
    const user = await deps.passwords.basic(h.value, deps.clientAddress(req));
    return user ? { user } : null;
  }
  return null;
}

/** Sets `Retry-After` for a throttled password check; the error itself is answered by the caller's error edge. */
export function setRetryAfter(res: ServerResponse, err: unknown): void {
  if (err instanceof LoginThrottledError && !res.headersSent)
    res.setHeader('Retry-After', String(err.retryAfterSeconds));
}

/** Express middleware requiring a logged-in local user (bearer session or Basic). */
export function requireUser(deps: AuthDeps): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    authenticate(deps, req).then(
      (auth) => {
        if (!auth) return next(new AuthenticationError());
        req.user = auth.user;
        if (auth.token) req.sessionToken = auth.token;
        if (auth.session) req.authSession = auth.session;
        next();
      },
      (err: unknown) => {
        setRetryAfter(res, err);
        next(err);
      },
    );
  };
}

/**
 * The request's local user through a `requireUser` middleware, for protocol handlers that answer in their own error
 * shape (WebDAV, CalDAV, CardDAV): null when credentials are missing or wrong (answer 401 your way); rejects with the
 * core's error when it must be answered as such (429 throttled with `Retry-After` set, 403 disabled account).
 */
export function userFromRequest(
  requireUser: RequestHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<User | null> {
  return new Promise<User | null>((resolve, reject) => {
    requireUser(req as Request, res as Response, (err?: unknown) => {
      if (!err) return resolve((req as Request).user ?? null);
      if ((err as { status?: unknown }).status === 401) return resolve(null);
      reject(err as Error);
    });
  });
}
