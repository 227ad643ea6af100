import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AuthenticationError } from '../errors.ts';
import type { AccountService, User } from './account-service.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The authenticated local user, set by the auth middleware. */
    user?: User;
    /** The raw session token the user authenticated with (bearer only). */
    sessionToken?: string;
  }
}

/** Reads `Authorization: Bearer <session>` or `Basic user:password` into a user, or null. */
export async function authenticate(
  accounts: AccountService,
  header: string | undefined,
): Promise<{ user: User; token?: string } | null> {
  if (!header) return null;
  const space = header.indexOf(' ');
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && value) {
    const user = await accounts.userForSession(value);
    return user ? { user, token: value } : null;
  }
  if (scheme === 'basic' && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return null;
    try {
      return { user: await accounts.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1)) };
    } catch {
      return null;
    }
  }
  return null;
}

/** Express middleware requiring a logged-in local user (bearer session or Basic). */
export function requireUser(accounts: AccountService): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    authenticate(accounts, req.headers.authorization).then((auth) => {
      if (!auth) return next(new AuthenticationError());
      req.user = auth.user;
      if (auth.token) req.sessionToken = auth.token;
      next();
    }, next);
  };
}
