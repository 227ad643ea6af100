import type express from 'express';
import { Router } from 'express';
import { InputError } from '../errors.ts';
import { WrongPasswordError } from '../accounts/account-errors.ts';
import { checkNewPassword, type AccountService, type User } from '../accounts/account-service.ts';
import { setRetryAfter } from '../accounts/auth-middleware.ts';
import type { ClientAddressResolver } from '../accounts/client-address.ts';
import type { PasswordLogin } from '../accounts/password-login.ts';
import { formatAddress } from '../addresses.ts';
import type { ServerIdentity } from '../plugin/plugin-types.ts';

function field(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (typeof v !== 'string' || !v) throw new InputError(`${name} is required`, [{ name, message: 'REQUIRED' }]);
  return v;
}

/** Runs a password check, adding `Retry-After` to the response when it is throttled. */
async function throttled<T>(res: express.Response, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    setRetryAfter(res, err);
    throw err;
  }
}

/** A user as the client API shows them (`GET /me`, the login answer): address, server and the server's plugins. */
export function userView(u: User, identity: ServerIdentity, pluginIds: readonly string[]) {
  return { ...u, address: formatAddress(u.id, identity.host), server: identity.host, plugins: [...pluginIds] };
}

/**
 * The account part of the client API under `/api/v1`: log in (throttled), log out, and change one's own password
 * (`POST /me/password {currentPassword, newPassword}` → 204; the user's other sessions end, this one stays).
 */
export function accountRoutes(deps: {
  accounts: AccountService;
  passwords: PasswordLogin;
  clientAddress: ClientAddressResolver;
  requireUser: express.RequestHandler;
  identity: ServerIdentity;
  /** Ids of the plugins this server runs (the web app shows only their pages). */
  pluginIds: readonly string[];
}): Router {
  const r = Router();
  const view = (u: User) => userView(u, deps.identity, deps.pluginIds);

  r.post('/auth/login', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = field(body, 'username');
    const password = field(body, 'password');
    const user = await throttled(res, () => deps.passwords.verify(username, password, deps.clientAddress(req)));
    res.json({ token: await deps.accounts.createSession(user.id), user: view(user) });
  });

  r.post('/auth/logout', deps.requireUser, async (req, res) => {
    if (req.sessionToken) await deps.accounts.deleteSession(req.sessionToken);
    res.status(204).end();
  });

  r.post('/me/password', deps.requireUser, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const current = field(body, 'currentPassword');
    const next = checkNewPassword(field(body, 'newPassword'), 'newPassword');
    if (next === current)
      throw new InputError('the new password must differ from the current one', [
        { name: 'newPassword', message: 'UNCHANGED' },
      ]);
    const user = req.user as User;
    await throttled(res, () =>
      deps.passwords.verify(user.id, current, deps.clientAddress(req)).catch((err: unknown) => {
        // 403, not 401: the session is fine, only the password typed into the form is wrong.
        throw (err as { code?: unknown }).code === 'INVALID_CREDENTIALS' ? new WrongPasswordError() : err;
      }),
    );
    await deps.accounts.setPassword(user.id, next, req.authSession?.tokenHash);
    res.status(204).end();
  });
  return r;
}
