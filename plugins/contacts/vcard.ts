/**
 * vCard 3.0 and 4.0 (RFC 2426, RFC 6350) parsing with ical.js: validation of a PUT body, the index of searchable
 * values, and the bytes stay as the client sent them (nothing here re-serializes a stored card).
 */
import ICAL from 'ical.js';
import { CarddavPreconditionError } from './carddav-errors.ts';

/** Properties indexed for text-match and people search (lower-cased values). */
export const INDEXED_PROPS = ['FN', 'N', 'NICKNAME', 'EMAIL', 'TEL', 'CLOUD', 'ORG'] as const;

/** Limits on a card (defaults suit phones' and desktops' photos). */
export interface CardLimits {
  /** Largest card in bytes (RFC 6352 max-resource-size). */
  maxBytes: number;
  /** Largest inline photo/logo/sound (decoded bytes). */
  maxPhotoBytes: number;
}

/** Default limits: 1 MiB per card, 512 KiB per inline photo. */
export const CARD_LIMITS: CardLimits = { maxBytes: 1 << 20, maxPhotoBytes: 512 << 10 };

/** What the store keeps beside a card's bytes. */
export interface CardIndex {
  uid: string;
  fn: string;
  version: '3.0' | '4.0';
  /** [property, lower-cased value] pairs for the indexed properties. */
  values: Array<[string, string]>;
}

/** A parsed card. */
export type VCard = InstanceType<typeof ICAL.Component>;

function invalid(message: string): CarddavPreconditionError {
  return new CarddavPreconditionError('valid-address-data', message);
}

/** Parses text that must be exactly one vCard; throws `valid-address-data` otherwise. */
export function parseVCard(text: string): VCard {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (err) {
    throw invalid(`not a vCard: ${(err as Error).message.slice(0, 200)}`);
  }
  const list = Array.isArray(parsed) && Array.isArray(parsed[0]) ? (parsed as unknown[]) : [parsed];
  if (list.length !== 1) throw invalid('a card resource holds exactly one vCard');
  const comp = new ICAL.Component(list[0] as unknown[]);
  if (comp.name !== 'vcard') throw invalid('the body is not a VCARD');
  return comp;
}

/** A property's value as text (structured values joined with spaces). */
export function propText(value: unknown): string {
  if (Array.isArray(value)) return value.map(propText).filter(Boolean).join(' ');
  return value === null || value === undefined ? '' : String(value);
}

/** Decoded size of an inline photo/logo/sound, or 0 for a URI to elsewhere. */
function inlineBytes(p: InstanceType<typeof ICAL.Property>): number {
  const v = propText(p.getFirstValue());
  const enc = String(p.getParameter('encoding') ?? '').toLowerCase();
  if (enc === 'b' || enc === 'base64') return Math.floor((v.replace(/\s/g, '').length * 3) / 4);
  const m = /^data:[^,]*?(;base64)?,(.*)$/is.exec(v);
  if (!m) return 0;
  return m[1] ? Math.floor((m[2] as string).replace(/\s/g, '').length * 3) / 4 : (m[2] as string).length;
}

/**
 * Validates a PUT body (RFC 6352 §6.3.2.1): text/vcard 3.0 or 4.0, one card, a UID and an FN (4.0 requires FN; 3.0
 * requires N and FN, but clients omit N and servers accept it), size limits. Returns the index.
 */
export function validateCard(bytes: Buffer, contentType: string | undefined, limits = CARD_LIMITS): CardIndex {
  if (contentType && !/^\s*text\/(x-)?vcard\b/i.test(contentType) && !/^\s*text\/directory\b/i.test(contentType))
    throw new CarddavPreconditionError('supported-address-data', `a card must be text/vcard, not ${contentType}`);
  if (bytes.length > limits.maxBytes)
    throw new CarddavPreconditionError('max-resource-size', `a card may have at most ${limits.maxBytes} bytes`);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\uFFFD')) throw invalid('the card is not UTF-8');
  const card = parseVCard(text);
  const version = propText(card.getFirstPropertyValue('version'));
  if (version !== '3.0' && version !== '4.0')
    throw new CarddavPreconditionError(
      'supported-address-data',
      `vCard version ${version || '(none)'} is not supported`,
    );
  const uid = propText(card.getFirstPropertyValue('uid')).trim();
  if (!uid) throw invalid('the card has no UID');
  if (uid.length > 500) throw invalid('the UID is too long');
  const fn = propText(card.getFirstPropertyValue('fn')).trim();
  if (!fn && version === '4.0') throw invalid('a vCard 4.0 needs FN');
  for (const name of ['photo', 'logo', 'sound'])
    for (const p of card.getAllProperties(name))
      if (inlineBytes(p) > limits.maxPhotoBytes)
        throw new CarddavPreconditionError(
          'max-resource-size',
          `an inline ${name} may have at most ${limits.maxPhotoBytes} bytes; link it by URI instead`,
        );
  return { uid, fn: fn || propText(card.getFirstPropertyValue('n')).trim(), version, values: indexValues(card) };
}

/**
 * The index form of a value: i;unicode-casemap's fold (compatibility decomposition, case folded), so an ASCII query
 * lower-cased finds every value any supported collation would match.
 */
export function foldForIndex(v: string): string {
  return v.normalize('NFKD').toUpperCase().toLowerCase();
}

/** The folded values of the indexed properties. */
export function indexValues(card: VCard): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const name of INDEXED_PROPS)
    for (const p of card.getAllProperties(name.toLowerCase())) {
      const v = foldForIndex(propText(p.getValues()).trim());
      if (v) out.push([name, v.slice(0, 1000)]);
    }
  return out;
}
