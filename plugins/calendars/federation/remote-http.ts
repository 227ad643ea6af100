/**
 * Requests to the owner's calendar collection for a synced copy, authenticated as Nextcloud's receivers do
 * (§2.4): `Basic base64( base64(<recipient cloud id>) ":" <credential> )`, where the credential is the share's
 * secret (or an exchanged token when the owner demands the code flow).
 */
import type { IncomingShare, PluginContext } from '#core';
import type { CalendarShareInfo } from './protocol.ts';

export interface RemoteResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A network failure or a 5xx: the owner cannot be reached for now. */
export class OwnerUnreachable extends Error {}

/** The calendar collection URL of a share, with a trailing slash. */
export function collectionUrl(info: CalendarShareInfo): string {
  return info.url.endsWith('/') ? info.url : `${info.url}/`;
}

/** Sends one request to the owner; throws {@link OwnerUnreachable} on network errors. */
export async function ownerRequest(
  ctx: PluginContext,
  share: IncomingShare,
  info: CalendarShareInfo,
  url: string,
  opts: { method: string; headers?: Record<string, string>; body?: Buffer; refresh?: boolean },
): Promise<RemoteResponse> {
  const credential = info.mustExchangeToken
    ? await ctx.shares.accessCredential(share, { refresh: opts.refresh === true })
    : info.sharedSecret;
  const cloudId = `${share.recipientId}@${ctx.identity.host}`;
  const user = Buffer.from(cloudId).toString('base64');
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

/** An ETag header without quotes (and without a weak prefix), or null. */
export function unquoteEtag(v: string | string[] | undefined): string | null {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return null;
  const m = /^(?:W\/)?"(.*)"$/.exec(s.trim());
  return m ? (m[1] as string) : s.trim() || null;
}
