/**
 * Authentication of DAV clients: Basic (desktop clients, litmus, rclone) and Bearer sessions (the web app).
 * Successful Basic checks are cached briefly by a hash of the header, because password hashing (scrypt) on each
 * of the hundreds of requests a sync client sends per minute would dominate the server's CPU.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { PluginContext, User } from '#core';

const BASIC_CACHE_MS = 60_000;
const BASIC_CACHE_MAX = 1_000;

/** Resolves the request's local user, or null when the credentials are missing or wrong. */
export type DavAuthenticator = (req: IncomingMessage, res: ServerResponse) => Promise<User | null>;

/** Builds the authenticator on the core's account checks. */
export function davAuthenticator(ctx: Pick<PluginContext, 'accounts' | 'requireUser'>): DavAuthenticator {
  const cache = new Map<string, { user: User; until: number }>();
  return async (req, res) => {
    const header = req.headers.authorization ?? '';
    const scheme = header.slice(0, header.indexOf(' ')).toLowerCase();
    if (scheme === 'basic') {
      const key = createHash('sha256').update(header).digest('base64url');
      const hit = cache.get(key);
      if (hit && hit.until > Date.now()) return hit.user;
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return null;
      const user = await ctx.accounts
        .checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1))
        .catch(() => null);
      if (user) {
        if (cache.size >= BASIC_CACHE_MAX) cache.delete(cache.keys().next().value as string);
        cache.set(key, { user, until: Date.now() + BASIC_CACHE_MS });
      }
      return user;
    }
    if (scheme !== 'bearer') return null;
    return new Promise<User | null>((resolve) => {
      ctx.requireUser(req as Request, res as Response, (err?: unknown) =>
        resolve(err ? null : ((req as Request).user ?? null)),
      );
    });
  };
}
