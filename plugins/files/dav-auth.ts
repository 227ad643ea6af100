/**
 * Authentication of DAV clients: Basic (desktop clients, litmus, rclone) and Bearer sessions (the web app), both through the core's `requireUser`, which throttles password guessing (429 with
 * `Retry-After`) and caches successful Basic checks so sync clients do not pay for password hashing on every request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { userFromRequest, type PluginContext, type User } from '#core';

/**
 * Resolves the request's local user, or null when the credentials are missing or wrong; rejects with the core's
 * error (a MeshworkError: 429 throttled, 403 disabled account) when it must be answered as such.
 */
export type DavAuthenticator = (req: IncomingMessage, res: ServerResponse) => Promise<User | null>;

/** Builds the authenticator on the core's request authentication. */
export function davAuthenticator(ctx: Pick<PluginContext, 'requireUser'>): DavAuthenticator {
  return (req, res) => userFromRequest(ctx.requireUser, req, res);
}
