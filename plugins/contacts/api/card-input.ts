/**
 * The editor's fields checked (plain-words errors) and written: new cards are built as vCard 4.0 with `vcard4`; edits
 * change a parsed card with ical.js, so properties the editor does not know (and the card's version) are kept.
 */
import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import type * as Vcard4 from 'vcard4';
import { InputError } from '#core';
import { CONTACTS_API_ERRORS as E } from './api-errors.ts';
import type { Address, CardFields, Typed } from './card-fields.ts';
import { propText, type VCard } from '../vcard.ts';

const bad = (message: string) => new InputError(message, undefined, E.CONTACTS_INVALID_CARD);
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const TYPES = /^(home|work|cell|fax|pager|text|video|voice|main)$/;

function text(v: unknown, field: string, max = 1000): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw bad(`${field} must be text`);
  const t = v.trim();
  if (t.length > max) throw bad(`${field} is longer than ${max} characters`);
  return t;
}

function typed(v: unknown, field: string): Typed[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > 50) throw bad(`${field} must be a list of at most 50 entries`);
  return v
    .map((x) => {
      const o = (x && typeof x === 'object' ? x : {}) as Record<string, unknown>;
      const type = text(o.type, `${field} type`, 20).toLowerCase();
      return { type: TYPES.test(type) ? type : '', value: text(o.value, field, 300) };
    })
    .filter((x) => x.value);
}

function addresses(v: unknown): Address[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > 20) throw bad('addresses must be a list of at most 20 entries');
  return v
    .map((x) => {
      const o = (x && typeof x === 'object' ? x : {}) as Record<string, unknown>;
      const type = text(o.type, 'address type', 20).toLowerCase();
      return {
        type: type === 'home' || type === 'work' ? type : '',
        street: text(o.street, 'street', 300),
        city: text(o.city, 'city', 200),
        region: text(o.region, 'region', 200),
        postcode: text(o.postcode, 'postcode', 50),
        country: text(o.country, 'country', 200),
      };
    })
    .filter((a) => a.street || a.city || a.region || a.postcode || a.country);
}

/** Checks the editor's JSON. `photo` undefined means "leave the photo as it is". */
export function readFields(body: Record<string, unknown>, maxPhotoBytes: number): CardFields {
  const givenName = text(body.givenName, 'first name', 200);
  const familyName = text(body.familyName, 'last name', 200);
  const org = text(body.org, 'organisation', 300);
  const emails = typed(body.emails, 'e-mail');
  for (const e of emails) if (!EMAIL.test(e.value)) throw bad(`"${e.value}" is not an e-mail address`);
  const cloud = text(body.cloud, 'cloud address', 300);
  if (cloud && !/^[^\s@]+@[^\s@]+$/.test(cloud)) throw bad(`"${cloud}" is not a cloud address (user@server)`);
  const name =
    text(body.name, 'name', 300) || [givenName, familyName].filter(Boolean).join(' ') || org || emails[0]?.value || '';
  if (!name) throw bad('a contact needs a name, an organisation or an e-mail address');
  const birthday = text(body.birthday, 'birthday', 10);
  if (birthday && !/^(\d{4}|-)-\d{2}-\d{2}$/.test(birthday)) throw bad('the birthday must be a date (YYYY-MM-DD)');
  let photo: string | null | undefined;
  if (body.photo === null || body.photo === '') photo = null;
  else if (body.photo !== undefined) {
    const p = String(body.photo);
    const m = /^data:image\/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=]+)$/.exec(p);
    if (!m) throw bad('the photo must be a PNG, JPEG, GIF or WebP image');
    if (Math.floor((m[2]!.length * 3) / 4) > maxPhotoBytes)
      throw bad(`the photo is larger than ${Math.round(maxPhotoBytes / 1024)} KB: choose a smaller image`);
    photo = p;
  }
  return {
    name,
    givenName,
    familyName,
    org,
    title: text(body.title, 'job title', 300),
    emails,
    phones: typed(body.phones, 'phone'),
    addresses: addresses(body.addresses),
    birthday,
    note: text(body.note, 'note', 10_000),
    cloud,
    photo: photo as string | null,
  };
}

let vcard4: Promise<typeof Vcard4> | undefined;

/** A new vCard 4.0 (built with `vcard4`, loaded on the first: not every server's start-up) with a fresh UID. */
export async function buildCard(f: CardFields): Promise<{ text: string; uid: string }> {
  const V = await (vcard4 ??= import('vcard4'));
  const T = (s: string) => (s ? new V.TextType(s) : undefined);
  const typeParam = (target: string, type: string) =>
    type ? [new V.TypeParameter(target, new V.ParameterValueType(type))] : [];
  const uid = `urn:uuid:${randomUUID()}`;
  const props: unknown[] = [
    new V.FNProperty([], new V.TextType(f.name)),
    new V.NProperty(
      [],
      new V.SpecialValueType('NProperty', [T(f.familyName), T(f.givenName), undefined, undefined, undefined]),
    ),
    new V.UIDProperty([], new V.URIType(uid)),
  ];
  if (f.org) props.push(new V.OrgProperty([], new V.SpecialValueType('OrgProperty', [new V.TextType(f.org)])));
  if (f.title) props.push(new V.TitleProperty([], new V.TextType(f.title)));
  for (const e of f.emails)
    props.push(new V.EmailProperty(typeParam('emailProperty', e.type), new V.TextType(e.value)));
  for (const t of f.phones) props.push(new V.TelProperty(typeParam('telProperty', t.type), new V.TextType(t.value)));
  for (const a of f.addresses)
    props.push(
      new V.AdrProperty(
        typeParam('adrProperty', a.type),
        new V.SpecialValueType('AdrProperty', [
          undefined,
          undefined,
          T(a.street),
          T(a.city),
          T(a.region),
          T(a.postcode),
          T(a.country),
        ]),
      ),
    );
  if (f.birthday) props.push(new V.BdayProperty([], new V.DateTimeType('dateandortime', f.birthday.replace(/-/g, ''))));
  if (f.note) props.push(new V.NoteProperty([], new V.TextType(f.note)));
  if (f.photo) props.push(new V.PhotoProperty([], new V.URIType(f.photo)));
  // vcard4 escapes ':' in text as '\\:', which RFC 6350 does not have (readers keep the backslash): undone here.
  let text = new V.VCARD(props as ConstructorParameters<typeof V.VCARD>[0])
    .repr()
    .replace(/\\([\s\S])/g, (m: string, c: string) => (c === ':' ? ':' : m));
  // CLOUD (RFC 9554 / OCM) is not a property vcard4 knows: added with ical.js, which escapes it the same way.
  if (f.cloud) {
    const comp = new ICAL.Component(ICAL.parse(text) as unknown[]);
    comp.addPropertyWithValue('cloud', f.cloud);
    text = comp.toString();
  }
  return { text: crlf(text), uid };
}

function crlf(text: string): string {
  return `${text.replace(/\r?\n/g, '\r\n').replace(/(\r\n)+$/, '')}\r\n`;
}

function setTyped(card: VCard, name: string, list: Typed[]): void {
  card.removeAllProperties(name);
  for (const x of list) {
    const p = new ICAL.Property(name, card);
    p.setValue(x.value);
    if (x.type) p.setParameter('type', x.type);
    card.addProperty(p);
  }
}

function setText(card: VCard, name: string, value: string): void {
  card.removeAllProperties(name);
  if (value) card.addPropertyWithValue(name, value);
}

/** Writes the editor's fields into an existing card (any version), keeping what the editor does not show. */
export function applyFields(card: VCard, f: CardFields): string {
  const v3 = propText(card.getFirstPropertyValue('version')) === '3.0';
  setText(card, 'fn', f.name);
  const n = card.getFirstProperty('n');
  const old = n ? (n.getFirstValue() as unknown) : null;
  const rest = Array.isArray(old) ? old.slice(2).map((x) => propText(x)) : ['', '', ''];
  card.removeAllProperties('n');
  const np = new ICAL.Property('n', card);
  np.setValue([f.familyName, f.givenName, ...rest] as unknown as string);
  card.addProperty(np);
  card.removeAllProperties('org');
  if (f.org) {
    const op = new ICAL.Property('org', card);
    op.setValue([f.org] as unknown as string);
    card.addProperty(op);
  }
  setText(card, 'title', f.title);
  setTyped(card, 'email', f.emails);
  setTyped(card, 'tel', f.phones);
  card.removeAllProperties('adr');
  for (const a of f.addresses) {
    const p = new ICAL.Property('adr', card);
    p.setValue(['', '', a.street, a.city, a.region, a.postcode, a.country] as unknown as string);
    if (a.type) p.setParameter('type', a.type);
    card.addProperty(p);
  }
  // BDAY and REV are written as lines: ical.js would tag a date string VALUE=TEXT (a free-text birthday) and mangles
  // vCard timestamps it did not parse.
  card.removeAllProperties('bday');
  card.removeAllProperties('rev');
  const lines: string[] = [];
  if (f.birthday)
    lines.push(
      `BDAY:${v3 ? f.birthday : f.birthday.replace(/^(\d{4})-(\d\d)-(\d\d)$/, '$1$2$3').replace(/^--(\d\d)-(\d\d)$/, '--$1$2')}`,
    );
  // REV (when the card last changed) tells clients which copy is newer.
  lines.push(`REV:${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}`);
  setText(card, 'note', f.note);
  setText(card, 'cloud', f.cloud);
  if (f.photo !== undefined) {
    card.removeAllProperties('photo');
    if (f.photo) {
      const p = new ICAL.Property('photo', card);
      const m = /^data:image\/(\w+);base64,(.*)$/.exec(f.photo);
      if (v3 && m) {
        p.setValue(m[2]!);
        p.setParameter('encoding', 'b');
        p.setParameter('type', m[1]!.toUpperCase());
      } else p.setValue(f.photo);
      card.addProperty(p);
    }
  }
  return crlf(card.toString()).replace(/END:VCARD\r\n$/i, `${lines.join('\r\n')}\r\nEND:VCARD\r\n`);
}
