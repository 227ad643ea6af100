/**
 * Requests from a recipient's server to the owner's copy of a shared DAV collection, over the core's SSRF-guarded
 * outbound client, authenticated as Nextcloud's receivers do (next-capabilities.md §2.4):
 * `Basic base64( base64(<recipient cloud id>) ":" <credential> )`. The credential is the share's secret, or, when
 * the owner demands the code flow (`must-exchange-token`), a bearer token the core's token client exchanged for it;
 * a 401 to such a token means it expired or was dropped: the request is sent once more with a freshly exchanged
 * token before the 401 counts.
 */
import type { IncomingShare, PluginContext } from '#core';

/** How to prove a share to its owner (from the share's protocol). */
export interface OwnerAccess {
  sharedSecret: string;
  mustExchangeToken: boolean;
}

/** One answer of the owner's server, body read. */
export interface OwnerResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A network failure, a 5xx or a failed token exchange: the owner cannot be reached for now. */
export class OwnerUnreachable extends Error {}

/** Options of one request to the owner. */
export interface OwnerRequestOptions {
  method: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

/** A token exchange the owner answered with a 4xx (the core's `TOKEN_EXCHANGE_FAILED`, "refused (<status>)"). */
function refusedExchange(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === 'TOKEN_EXCHANGE_FAILED' && /refused \(4[0-9][0-9]\)/.test(String(e.message));
}

async function send(
  ctx: PluginContext,
  share: IncomingShare,
  access: OwnerAccess,
  url: string,
  opts: OwnerRequestOptions,
  refresh: boolean,
): Promise<OwnerResponse> {
  let credential: string;
  try {
    credential = access.mustExchangeToken ? await ctx.shares.accessCredential(share, { refresh }) : access.sharedSecret;
  } catch (err) {
    // The owner's token endpoint refusing the secret (4xx: invalid_grant for an unknown or revoked code) is the
    // code flow's 401; anything else (unreachable, 5xx) is transient.
    if (refusedExchange(err)) return { status: 401, headers: {}, body: Buffer.alloc(0) };
    throw new OwnerUnreachable(`token exchange failed: ${(err as Error).message}`);
  }
  const user = Buffer.from(`${share.recipientId}@${ctx.identity.host}`).toString('base64');
  const headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${user}:${credential}`).toString('base64')}`,
    ...(opts.headers ?? {}),
  };
  let res;
  try {
    res = await ctx.remote.stream(url, {
      method: opts.method,
      headers,
      ...(opts.body ? { body: opts.body } : {}),
      timeoutMs: 15_000,
    });
  } catch (err) {
    throw new OwnerUnreachable((err as Error).message);
  }
  const parts: Buffer[] = [];
  try {
    for await (const chunk of res) parts.push(chunk as Buffer);
  } catch (err) {
    throw new OwnerUnreachable((err as Error).message);
  }
  const status = res.statusCode ?? 0;
  if (status >= 500 && status !== 507) throw new OwnerUnreachable(`the owner's server answered ${status}`);
  return { status, headers: res.headers, body: Buffer.concat(parts) };
}

/** Sends one request to the owner; throws {@link OwnerUnreachable} on network errors and 5xx (not 507). */
export async function ownerRequest(
  ctx: PluginContext,
  share: IncomingShare,
  access: OwnerAccess,
  url: string,
  opts: OwnerRequestOptions,
): Promise<OwnerResponse> {
  const res = await send(ctx, share, access, url, opts, false);
  if (res.status !== 401 || !access.mustExchangeToken) return res;
  return send(ctx, share, access, url, opts, true);
}

/** An ETag header without quotes (and without a weak prefix), or null. */
export function unquoteEtag(v: string | string[] | undefined | null): string | null {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return null;
  const m = /^(?:W\/)?"(.*)"$/.exec(s.trim());
  return m ? (m[1] as string) : s.trim() || null;
}
