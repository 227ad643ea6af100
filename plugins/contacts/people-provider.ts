/** The contacts plugin's people provider: cards in the user's own address books with a name, e-mail or CLOUD match. */
import type { PeopleProvider, Person } from '#core';
import type { BookStore } from './book-store.ts';
import type { CardStore } from './card-store.ts';
import { FEDERATED_BOOK } from './federated-book.ts';
import { foldForIndex } from './vcard.ts';
import { parseLines, unescapeValue } from './vcard-lines.ts';

const SEARCHED = ['FN', 'N', 'NICKNAME', 'EMAIL', 'CLOUD', 'ORG'] as const;

/** People of a card: one per CLOUD address, else one per e-mail. */
export function peopleOfCard(data: Buffer): Person[] {
  const lines = parseLines(data.toString('utf8'));
  const fn = lines.find((l) => l.name === 'FN');
  const name = fn ? unescapeValue(fn.value).trim() || null : null;
  const emails = lines
    .filter((l) => l.name === 'EMAIL')
    .map((l) => unescapeValue(l.value).trim())
    .filter(Boolean);
  const clouds = lines
    .filter((l) => l.name === 'CLOUD')
    .map((l) => l.value.trim())
    .filter((v) => v.includes('@'));
  if (clouds.length)
    return clouds.map((address) => ({ displayName: name, address, email: emails[0] ?? null, source: 'addressbooks' }));
  return emails.map((email) => ({ displayName: name, address: null, email, source: 'addressbooks' }));
}

/** Searches the user's address books (not the federated one: the core answers for its own contacts). */
export function addressBookPeople(books: BookStore, cards: CardStore): PeopleProvider {
  return {
    id: 'addressbooks',
    async search(userId, query, limit) {
      const ids = (await books.list(userId)).filter((b) => b.uri !== FEDERATED_BOOK.uri).map((b) => b.id);
      const probes = [{ props: SEARCHED, text: foldForIndex(query), match: 'contains' as const }];
      const found = await cards.candidates(ids, probes, limit);
      return found.flatMap((c) => peopleOfCard(c.data)).slice(0, limit);
    },
  };
}
