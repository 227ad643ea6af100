/**
 * A fresh client id for an action (the host deduplicates retries by it). `crypto.randomUUID` exists only
 * in secure contexts (https, localhost); plain-http deployments still have `getRandomValues`.
 */
export function newClientId(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  return Array.from(c.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
