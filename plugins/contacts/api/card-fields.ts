/**
 * The web app's view of a vCard (summary for lists, fields for the editor) read with ical.js from 3.0 and 4.0 cards.
 */
import type ICAL from 'ical.js';
import type { CardFields, CardSummary } from '../shared.ts';
import { propText, type VCard } from '../vcard.ts';

export type { Address, CardFields, CardSummary, Typed } from '../shared.ts';

const str = (v: unknown) => propText(v).trim();

function typeOf(p: InstanceType<typeof ICAL.Property>): string {
  const t = p.getParameter('type');
  const list = (Array.isArray(t) ? t : t ? [t] : []).map((x) => String(x).toLowerCase());
  return list.find((x) => !['pref', 'internet', 'voice', 'x400'].includes(x)) ?? '';
}

function parts(p: InstanceType<typeof ICAL.Property> | null): string[] {
  if (!p) return [];
  const v = p.getFirstValue() as unknown;
  return (Array.isArray(v) ? v : [v]).map((x) => propText(x).trim());
}

/** The photo of a card as something an `<img>` can show (3.0's ENCODING=b as a `data:` URI). */
export function photoOf(card: VCard): string | null {
  const p = card.getFirstProperty('photo');
  if (!p) return null;
  const v = str(p.getFirstValue()).replace(/\s/g, '');
  if (!v) return null;
  const enc = String(p.getParameter('encoding') ?? '').toLowerCase();
  if (enc === 'b' || enc === 'base64') {
    const t = String(p.getParameter('type') ?? 'jpeg').toLowerCase();
    return `data:image/${t.replace(/^image\//, '')};base64,${v}`;
  }
  return /^(data:image\/|https?:)/i.test(v) ? v : null;
}

function tel(v: string): string {
  return v.replace(/^tel:/i, '');
}

/** The fields of a parsed card. */
export function fieldsOf(card: VCard): CardFields {
  const n = parts(card.getFirstProperty('n'));
  const bday = str(card.getFirstPropertyValue('bday'));
  return {
    name: str(card.getFirstPropertyValue('fn')) || [n[1], n[0]].filter(Boolean).join(' '),
    givenName: n[1] ?? '',
    familyName: n[0] ?? '',
    org: parts(card.getFirstProperty('org')).filter(Boolean).join(', '),
    title: str(card.getFirstPropertyValue('title')),
    emails: card.getAllProperties('email').map((p) => ({ type: typeOf(p), value: str(p.getFirstValue()) })),
    phones: card.getAllProperties('tel').map((p) => ({ type: typeOf(p), value: tel(str(p.getFirstValue())) })),
    addresses: card.getAllProperties('adr').map((p) => {
      const a = parts(p);
      return {
        type: typeOf(p),
        street: a[2] ?? '',
        city: a[3] ?? '',
        region: a[4] ?? '',
        postcode: a[5] ?? '',
        country: a[6] ?? '',
      };
    }),
    birthday: birthdayText(bday),
    note: str(card.getFirstPropertyValue('note')),
    cloud: str(card.getFirstPropertyValue('cloud')),
    photo: photoOf(card),
  };
}

/** `19901231`, `1990-12-31`, `--1231`, `1990-12-31T00:00:00Z` → `1990-12-31` / `--12-31`; others ''. */
export function birthdayText(v: string): string {
  const m = /^(\d{4}|--)-?(\d{2})-?(\d{2})/.exec(v);
  return m ? `${m[1]}-${m[2]}-${m[3]}`.replace(/^---/, '--') : '';
}

/** The list entry of a card. */
export function summaryOf(id: string, card: VCard): CardSummary {
  const f = fieldsOf(card);
  return {
    id,
    name: f.name || f.emails[0]?.value || f.cloud || '(no name)',
    org: f.org,
    emails: f.emails.map((e) => e.value).filter(Boolean),
    phones: f.phones.map((e) => e.value).filter(Boolean),
    cloud: f.cloud,
    hasPhoto: f.photo !== null,
  };
}
