/** Import of `.vcf` files (3.0 and 4.0, many cards) into a book and export of a book as one `.vcf`. */
import { randomUUID } from 'node:crypto';
import { CarddavPreconditionError, UidConflictError } from '../carddav-errors.ts';
import type { CardStore } from '../card-store.ts';
import { parseVCard, propText, validateCard, type CardLimits } from '../vcard.ts';

/** What an import did. */
export interface ImportSummary {
  imported: number;
  skipped: Array<{ name: string; reason: string }>;
}

/** The cards of a file, each as its own text (one broken card does not spoil the others). */
export function splitCards(text: string): string[] {
  const unfolded = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const out: string[] = [];
  let cur: string[] | null = null;
  for (const line of unfolded.split('\n')) {
    if (/^BEGIN:VCARD\s*$/i.test(line)) cur = [line];
    else if (cur) {
      cur.push(line);
      if (/^END:VCARD\s*$/i.test(line)) {
        out.push(`${cur.join('\r\n')}\r\n`);
        cur = null;
      }
    }
  }
  return out;
}

function guessName(text: string): string {
  const m = /^FN[^:]*:(.*)$/im.exec(text);
  return m ? m[1]!.trim().slice(0, 100) : '(no name)';
}

function reasonOf(err: unknown): string {
  if (err instanceof UidConflictError) return 'a contact with the same UID is already in this address book';
  if (err instanceof CarddavPreconditionError) {
    if (err.precondition === 'max-resource-size') return 'too large (a card up to 1 MB, a photo up to 512 KB)';
    if (err.precondition === 'supported-address-data') return 'not a vCard 3.0 or 4.0';
    return `not a valid vCard (${err.message})`;
  }
  return 'could not be read';
}

/** Imports every card of a file; cards without a UID get one. */
export async function importVcf(
  cards: CardStore,
  bookId: string,
  text: string,
  limits: CardLimits,
): Promise<ImportSummary> {
  const summary: ImportSummary = { imported: 0, skipped: [] };
  for (let chunk of splitCards(text)) {
    const name = guessName(chunk);
    try {
      let card;
      try {
        card = parseVCard(chunk);
      } catch {
        throw new CarddavPreconditionError('valid-address-data', 'it cannot be read');
      }
      if (!propText(card.getFirstPropertyValue('uid')).trim()) {
        card.addPropertyWithValue('uid', `urn:uuid:${randomUUID()}`);
        chunk = `${card.toString().replace(/\r?\n/g, '\r\n')}\r\n`;
      }
      if (!propText(card.getFirstPropertyValue('fn')).trim() && !card.getFirstProperty('n'))
        throw new CarddavPreconditionError('valid-address-data', 'it has no name');
      const bytes = Buffer.from(chunk, 'utf8');
      const index = validateCard(bytes, 'text/vcard', limits);
      await cards.put(bookId, `${randomUUID()}.vcf`, bytes, index);
      summary.imported++;
    } catch (err) {
      summary.skipped.push({ name, reason: reasonOf(err) });
    }
  }
  return summary;
}

/** Every card of a book, one after the other (as stored: versions are not converted). */
export async function exportVcf(cards: CardStore, bookId: string): Promise<string> {
  const metas = await cards.list(bookId);
  const parts: string[] = [];
  for (let i = 0; i < metas.length; i += 200) {
    const batch = await cards.getMany(
      bookId,
      metas.slice(i, i + 200).map((m) => m.uri),
    );
    for (const c of batch) {
      const t = c.data.toString('utf8').replace(/\r?\n/g, '\r\n');
      parts.push(t.endsWith('\r\n') ? t : `${t}\r\n`);
    }
  }
  return parts.join('');
}
