/**
 * Sync tokens on the wire: `http://sabre.io/ns/sync/<n>`, the form sabre/dav issues and Nextcloud's
 * federated calendar sync accepts (it rejects any other shape: next-capabilities.md §2.4). The same string
 * serves as `DAV:sync-token` and `CS:getctag`.
 */

const PREFIX = 'http://sabre.io/ns/sync/';

/** The token URI of a calendar's counter value. */
export function formatSyncToken(n: number): string {
  return `${PREFIX}${n}`;
}

/** The counter value of a token URI, or null when it is not one of ours. */
export function parseSyncToken(token: string): number | null {
  const t = token.trim();
  if (!t.startsWith(PREFIX)) return null;
  const digits = t.slice(PREFIX.length);
  if (!/^\d{1,16}$/.test(digits)) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}
