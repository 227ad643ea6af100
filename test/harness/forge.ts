import { randomUUID } from 'node:crypto';
import { loadSigningKey } from '../../core/federation/key-store.ts';
import { signRequest } from '../../core/signatures/http-signature.ts';
import type { SigningKey } from '../../core/signatures/key-pair.ts';
import type { TestServer } from './test-server.ts';

/** The signing key a test server uses (read from its database), to sign requests "as" that server. */
export async function serverKey(s: TestServer): Promise<SigningKey> {
  return loadSigningKey(s.engine.database.db, `${s.host}#key1`);
}

/** A raw OCM request: optionally signed with a key, optionally tampered after signing. */
export async function ocmPost(
  target: TestServer,
  path: string,
  body: unknown,
  opts: {
    key?: SigningKey;
    tamper?: (headers: Record<string, string>, raw: Buffer) => Buffer;
    form?: boolean;
    created?: number;
  } = {},
): Promise<{ status: number; body: any; headers: Record<string, string>; raw: Buffer }> {
  const url = `${target.origin}/ocm${path}`;
  let raw: Buffer = opts.form
    ? Buffer.from(new URLSearchParams(body as Record<string, string>).toString())
    : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = {
    'content-type': opts.form ? 'application/x-www-form-urlencoded' : 'application/json',
  };
  if (opts.key)
    Object.assign(
      headers,
      signRequest(
        { method: 'POST', url, headers, body: raw },
        opts.key,
        opts.created !== undefined ? { created: opts.created } : {},
      ),
    );
  if (opts.tamper) raw = opts.tamper(headers, raw);
  const res = await fetch(url, { method: 'POST', headers, body: raw });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed, headers, raw };
}

/** A valid NewShare body from `owner@from` to `to` for the test "note" resource type. */
export function noteShareBody(
  fromHost: string,
  toAddress: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    shareWith: toAddress,
    name: 'forged.txt',
    providerId: randomUUID(),
    owner: `alice@${fromHost}`,
    sender: `alice@${fromHost}`,
    shareType: 'user',
    resourceType: 'note',
    protocol: { name: 'multi', note: { uri: 'n1', sharedSecret: 's3cret', permissions: ['read'] } },
    ...over,
  };
}

/** A POST to any path of `target` (e.g. a plugin's server-to-server route), signed as `from` unless `from` is null. */
export async function signedPost(
  from: TestServer | null,
  target: TestServer,
  path: string,
  body: unknown,
): Promise<{ status: number; body: any }> {
  const url = `${target.origin}${path}`;
  const raw = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (from) Object.assign(headers, signRequest({ method: 'POST', url, headers, body: raw }, await serverKey(from)));
  const res = await fetch(url, { method: 'POST', headers, body: raw });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed };
}
