import { CaldavPreconditionError } from './caldav-errors.ts';

/** A CALDAV:text-match (RFC 4791 §9.7.5): substring match under a collation, optionally negated. */
export interface TextMatch {
  value: string;
  /** Default `i;ascii-casemap` (RFC 4791 §7.5.1). */
  collation?: string;
  negate?: boolean;
}

/** The collations this server supports, as `supported-collation-set` lists them. */
export const SUPPORTED_COLLATIONS = ['i;ascii-casemap', 'i;octet', 'i;unicode-casemap'] as const;

/** Throws the `supported-collation` precondition for a collation this server does not know. */
export function checkCollation(collation: string | undefined): void {
  if (collation !== undefined && !(SUPPORTED_COLLATIONS as readonly string[]).includes(collation))
    throw new CaldavPreconditionError('supported-collation', `collation ${JSON.stringify(collation)} is not supported`);
}

/** i;ascii-casemap (RFC 4790 §9.2): only A–Z fold to a–z. */
function asciiFold(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/**
 * i;unicode-casemap (RFC 5051): compatibility decomposition and case folding. JavaScript has no full
 * case folding; lower-casing the upper-cased NFKD form folds the cases that matter (ß→ss, ſ→s, Kelvin sign).
 */
function unicodeFold(s: string): string {
  return s.normalize('NFKD').toUpperCase().toLowerCase();
}

/** True when `text` satisfies the text-match (negate-condition inverts the substring test). */
export function textMatches(text: string, m: TextMatch): boolean {
  const collation = m.collation ?? 'i;ascii-casemap';
  checkCollation(collation);
  let hit: boolean;
  if (collation === 'i;octet') hit = text.includes(m.value);
  else if (collation === 'i;unicode-casemap') hit = unicodeFold(text).includes(unicodeFold(m.value));
  else hit = asciiFold(text).includes(asciiFold(m.value));
  return m.negate ? !hit : hit;
}
