/**
 * What a receiving server's answer, or its silence, means for a share being created: delivered, refused for good
 * (the API fails at once and nothing is kept), or unreachable for now (the outbox retries). "Exists" is defined
 * here: a server exists when its name resolves in DNS (an IP literal always does) or when this server has had
 * shares or contacts with it before; a server that exists but does not answer, resets, times out, or answers
 * 5xx/408/425/429 is only temporarily unreachable.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { MeshworkError, PeerError, SsrfError } from '../errors.ts';
import { ShareError, resourceWords } from './share-errors.ts';

/** The result of one attempt to hand a share to its receiver. */
export type ShareAttempt =
  | { kind: 'delivered'; status: number; body: unknown }
  | { kind: 'refused'; error: ShareError }
  | { kind: 'transient'; reason: string };

/** The share being created, as far as messages need it. */
export interface ShareTarget {
  host: string;
  recipientId: string;
  resourceType: string;
}

// Answers that mean "try again later" although they are not 5xx (same list as the outbox's).
const TRANSIENT_STATUS = new Set([408, 409, 425, 429]);
const DNS_WAIT_MS = 2_000;

/** True when a status means the server is there but cannot take the request right now (501 is OCM's "never"). */
export function isTransientStatus(status: number): boolean {
  return (status >= 500 && status !== 501) || TRANSIENT_STATUS.has(status);
}

/**
 * Whether a host name exists in DNS. Names under `.invalid` never do (RFC 6761 §6.4), without asking; a resolver
 * that fails for another reason (timeout, SERVFAIL) does not prove the name is unknown, so that counts as existing.
 */
export async function hostResolves(host: string): Promise<boolean> {
  const name = host
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
  if (isIP(name) !== 0) return true;
  if (name === 'invalid' || name.endsWith('.invalid')) return false;
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), DNS_WAIT_MS);
  });
  const asked = lookup(name).then(
    () => true,
    (err: NodeJS.ErrnoException) => !['ENOTFOUND', 'ENODATA', 'EAI_NONAME'].includes(err.code ?? ''),
  );
  try {
    return await Promise.race([asked, slow]);
  } finally {
    clearTimeout(timer);
  }
}

/** Turns a failed discovery of the receiver into a refusal, or null when the server exists but is unreachable now. */
export async function discoveryFailure(
  err: unknown,
  host: string,
  known: () => Promise<boolean>,
): Promise<ShareError | null> {
  if (err instanceof SsrfError) {
    return new ShareError(
      'SHARE_PEER_BLOCKED',
      `${host} is on a private or reserved network address, which this server does not contact`,
    );
  }
  const status = err instanceof PeerError ? err.peerStatus : undefined;
  if (status !== undefined && isTransientStatus(status)) return null;
  const answered = status !== undefined || (err instanceof MeshworkError && err.code === 'DISCOVERY_INVALID');
  if (answered) {
    const detail = status !== undefined && status !== 200 ? ` (its discovery answered HTTP ${status})` : '';
    return new ShareError('SHARE_PEER_NOT_OCM', `${host} is not an Open Cloud Mesh server${detail}`);
  }
  // No answer at all: a server that exists is down or unreachable for now; a name that does not resolve is a typo.
  if ((await known()) || (await hostResolves(host))) return null;
  return new ShareError('SHARE_PEER_NOT_FOUND', `There is no server at ${host}: check the address`);
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Everything a peer said in an OCM error body, as one line (for messages and logs). */
export function peerReason(body: unknown): string {
  const b = (body ?? {}) as { message?: unknown; details?: unknown; error?: unknown; validationErrors?: unknown };
  const parts = [text(b.details) || text(b.message) || text(b.error)];
  if (Array.isArray(b.validationErrors)) {
    for (const v of b.validationErrors as Array<{ name?: unknown; message?: unknown }>)
      parts.push(`${text(v?.name)} ${text(v?.message)}`.trim());
  }
  return parts.filter(Boolean).join('; ').replace(/\s+/g, ' ').slice(0, 300);
}

function namesUnknownRecipient(body: unknown): boolean {
  const b = (body ?? {}) as { message?: unknown; details?: unknown; validationErrors?: unknown };
  if (text(b.message) === 'RECIPIENT_NOT_FOUND') return true;
  if (
    Array.isArray(b.validationErrors) &&
    (b.validationErrors as Array<{ name?: unknown }>).some((v) => text(v?.name) === 'shareWith')
  )
    return true;
  const words = `${text(b.message)} ${text(b.details)}`;
  return /\b(user|recipient)\b/i.test(words) && /\b(not|unknown|no such)\b/i.test(words);
}

/** Classifies the receiver's answer to the share (POST {endPoint}/shares). */
export function shareAnswer(status: number, body: unknown, t: ShareTarget): ShareAttempt {
  if (status >= 200 && status < 300) return { kind: 'delivered', status, body };
  if (isTransientStatus(status)) return { kind: 'transient', reason: `${t.host} answered HTTP ${status}` };
  const reason = peerReason(body);
  if (status === 400 && namesUnknownRecipient(body))
    return {
      kind: 'refused',
      error: new ShareError('RECIPIENT_NOT_FOUND', `${t.recipientId} is not a user on ${t.host}`),
    };
  if (status === 501)
    return {
      kind: 'refused',
      error: new ShareError(
        'SHARE_TYPE_UNSUPPORTED',
        `${t.host} does not accept ${resourceWords(t.resourceType)} shares`,
      ),
    };
  if (status === 401 || status === 403)
    return {
      kind: 'refused',
      error: new ShareError(
        'SHARE_PEER_REFUSED',
        `${t.host} does not accept shares from this server${reason ? ` (${reason})` : ''}`,
      ),
    };
  return {
    kind: 'refused',
    error: new ShareError(
      'SHARE_REFUSED',
      `${t.host} refused the share${reason ? `: ${reason}` : ` (HTTP ${status})`}`,
    ),
  };
}

/** Classifies an error thrown while sending the share: refusals of ours are final, network trouble is transient. */
export function sendFailure(err: unknown, t: ShareTarget): ShareAttempt {
  if (err instanceof ShareError) return { kind: 'refused', error: err };
  if (err instanceof SsrfError)
    return {
      kind: 'refused',
      error: new ShareError(
        'SHARE_PEER_BLOCKED',
        `${t.host} is on a private or reserved network address, which this server does not contact`,
      ),
    };
  if (err instanceof MeshworkError && err.code === 'RECEIVER_UNSUPPORTED')
    return {
      kind: 'refused',
      error: new ShareError(
        'SHARE_TYPE_UNSUPPORTED',
        `${t.host} does not accept ${resourceWords(t.resourceType)} shares`,
      ),
    };
  return { kind: 'transient', reason: err instanceof Error ? err.message : String(err) };
}
