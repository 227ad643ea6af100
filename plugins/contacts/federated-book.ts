/**
 * "Federated contacts": a read-only address book per user mirroring the core's OCM contacts (from invites and
 * manual adds), one vCard 4.0 per contact with the OCM address in `CLOUD` (Nextcloud's convention), so phone and
 * desktop clients show them. Rebuilt from the core's list whenever `contact:changed` fires; cards are deterministic,
 * so an unchanged contact keeps its ETag and sync clients fetch only what changed.
 */
import type { Contact } from '#core';
import type { BookStore } from './book-store.ts';
import type { CardStore } from './card-store.ts';
import { validateCard } from './vcard.ts';

/** The book's URI and name. */
export const FEDERATED_BOOK = { uri: 'federated-contacts', displayName: 'Federated contacts' };

function text(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;');
}

/** The card of one core contact. */
export function contactCard(c: Contact): string {
  const lines = [
    'BEGIN:VCARD',
    'VERSION:4.0',
    'PRODID:-//Meshwork//Federated contacts//EN',
    `UID:urn:meshwork:contact:${c.id}`,
    'KIND:individual',
    `FN:${text(c.displayName?.trim() || c.address)}`,
    `CLOUD:${c.address}`,
    ...(c.email ? [`EMAIL:${c.email.replace(/[\r\n]/g, '')}`] : []),
    `NOTE:${text(`OCM contact (${c.source}) on ${c.host}`)}`,
    'END:VCARD',
    '',
  ];
  return lines.join('\r\n');
}

/** Keeps every user's federated book in step with the core's contacts, one sync per user at a time. */
export class FederatedBook {
  readonly #running = new Map<string, Promise<void>>();

  constructor(
    private readonly books: BookStore,
    private readonly cards: CardStore,
    private readonly contacts: { list(userId: string): Promise<Contact[]> },
    private readonly log: { warn(obj: object, msg?: string): void },
  ) {}

  /** Brings the user's book up to date (creating it first); concurrent calls queue behind the running one. */
  sync(userId: string): Promise<void> {
    const prev = this.#running.get(userId) ?? Promise.resolve();
    const next = prev
      .then(() => this.#sync(userId))
      .catch((err: unknown) => this.log.warn({ err, userId }, 'federated contacts book not updated'));
    this.#running.set(userId, next);
    void next.finally(() => {
      if (this.#running.get(userId) === next) this.#running.delete(userId);
    });
    return next;
  }

  async #sync(userId: string): Promise<void> {
    let book = await this.books.get(userId, FEDERATED_BOOK.uri);
    if (!book)
      book = await this.books
        .create({ ownerId: userId, uri: FEDERATED_BOOK.uri, kind: 'federated', props: FEDERATED_BOOK_PROPS })
        .catch(async (err: unknown) => {
          const again = await this.books.get(userId, FEDERATED_BOOK.uri);
          if (!again) throw err;
          return again;
        });
    const want = new Map((await this.contacts.list(userId)).map((c) => [`${c.id}.vcf`, contactCard(c)]));
    const have = new Map((await this.cards.getMany(book.id, [...want.keys()])).map((c) => [c.uri, c.data]));
    for (const [uri, card] of want) {
      const bytes = Buffer.from(card, 'utf8');
      if (have.get(uri)?.equals(bytes)) continue;
      await this.cards.put(book.id, uri, bytes, validateCard(bytes, 'text/vcard'));
    }
    for (const c of await this.cards.list(book.id)) if (!want.has(c.uri)) await this.cards.delete(book.id, c.uri);
  }
}

const FEDERATED_BOOK_PROPS = {
  displayName: FEDERATED_BOOK.displayName,
  description: 'Your contacts on other servers (kept by Meshwork; change them in the app)',
};
