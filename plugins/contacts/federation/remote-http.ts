/**
 * Requests to the owner's address book for a synced copy, authenticated as calendar copies are: `Basic
 * base64( base64(<recipient cloud id>) ":" <share secret> )`. Network failures and 5xx throw {@link OwnerUnreachable}.
 * (The same as plugins/calendars/federation/remote-http.ts: a candidate for #dav or #core later.)
 */
import type { IncomingShare, PluginContext } from '#core';

export interface RemoteResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A network failure or a 5xx: the owner cannot be reached for now. */
export class OwnerUnreachable extends Error {}

/** Sends one request to the owner. */
export async function ownerRequest(
  ctx: PluginContext,
  share: IncomingShare,
  secret: string,
  url: string,
  opts: { method: string; headers?: Record<string, string>; body?: Buffer },
): Promise<RemoteResponse> {
  const user = Buffer.from(`${share.recipientId}@${ctx.identity.host}`).toString('base64');
  const headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`,
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
export function unquoteEtag(v: string | string[] | undefined | null): string | null {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return null;
  const m = /^(?:W\/)?"(.*)"$/.exec(s.trim());
  return m ? (m[1] as string) : s.trim() || null;
}
