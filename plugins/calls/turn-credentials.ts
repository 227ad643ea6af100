import { createHmac } from 'node:crypto';
import type { CallsConfig } from './calls-config.ts';
import type { IceServer } from './shared.ts';

/**
 * ICE servers for one user with short-lived TURN credentials, as the TURN REST API defines them (what coturn's
 * `use-auth-secret` checks): username `<expiry unix time>:<user>`, password base64(HMAC-SHA1(secret, username)).
 * The secret never leaves this server; a credential stops working at its expiry. Written here rather than taken
 * from a library: it is one HMAC, and the npm packages for it are unmaintained wrappers of the same line.
 */
export function iceServersFor(
  cfg: CallsConfig,
  userId: string,
  now = Date.now(),
): { iceServers: IceServer[]; expiresAt: number | null } {
  const stun = cfg.turnUrls.filter((u) => u.startsWith('stun'));
  const turn = cfg.turnUrls.filter((u) => u.startsWith('turn'));
  const out: IceServer[] = [];
  if (stun.length) out.push({ urls: stun });
  if (!turn.length || !cfg.turnSecret) return { iceServers: out, expiresAt: null };
  const expiry = Math.floor(now / 1000) + cfg.turnTtlSeconds;
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', cfg.turnSecret).update(username).digest('base64');
  out.push({ urls: turn, username, credential });
  return { iceServers: out, expiresAt: expiry * 1000 };
}
