/**
 * Authentication of CalDAV clients: Basic (with the account password or an app password) and Bearer sessions (the
 * web app), both through the core's `requireUser`, which throttles password guessing and caches successful Basic
 * checks. Other ways in (an OCM share secret) are added with `CaldavAuth.add` and yield `remote` principals.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { userFromRequest, type PluginContext } from '#core';
import type { DavPrincipal } from './access.ts';

/** Resolves a principal, or null when this method does not apply or the credentials are wrong. */
export type PrincipalResolver = (req: IncomingMessage, res: ServerResponse) => Promise<DavPrincipal | null>;

/** Local accounts through the core. Rejects with the core's error (429 throttled, 403 disabled). */
export function accountResolver(ctx: Pick<PluginContext, 'requireUser'>): PrincipalResolver {
  return async (req, res) => {
    const user = await userFromRequest(ctx.requireUser, req, res);
    return user ? { kind: 'user', userId: user.id, displayName: user.displayName } : null;
  };
}

/** The authenticators in order: added ones first (they recognise their own credentials), accounts last. */
export class CaldavAuth {
  readonly #extra: PrincipalResolver[] = [];

  constructor(private readonly accounts: PrincipalResolver) {}

  /** Adds a resolver asked before local accounts (it must return null for credentials it does not know). */
  add(resolver: PrincipalResolver): void {
    this.#extra.push(resolver);
  }

  async principal(req: IncomingMessage, res: ServerResponse): Promise<DavPrincipal | null> {
    for (const r of this.#extra) {
      const p = await r(req, res);
      if (p) return p;
    }
    return this.accounts(req, res);
  }
}
