import { saveBlob, type ApiClient } from '#web-sdk';
import type { CardFields, CardSummary } from '../shared.ts';

export type { Address, CardFields, CardSummary, Typed } from '../shared.ts';

/** An address book (own, or the read-only Federated contacts). */
export interface BookInfo {
  id: string;
  uri: string;
  name: string;
  readOnly: boolean;
  kind: 'local' | 'federated' | 'shared';
}

/** A stored contact. */
export interface CardDetail extends CardFields {
  id: string;
  etag: string;
  version: string;
}

/** What an import did. */
export interface ImportSummary {
  imported: number;
  skipped: Array<{ name: string; reason: string }>;
}

/** Largest photo the editor accepts (the server's limit for inline photos). */
export const MAX_PHOTO_BYTES = 512 * 1024;

const enc = encodeURIComponent;
const BASE = '/contacts/books';

/** Typed calls of `/api/v1/contacts/books`. */
export class ContactsApi {
  constructor(private readonly api: ApiClient) {}

  /** The resource types the server of `address` lists (null: this server's own person, or unknown). */
  async shareTypes(address: string): Promise<{ local: boolean; resourceTypes: string[] | null }> {
    return this.api.request('GET', `/contacts/share-types?address=${enc(address)}`);
  }

  async books(): Promise<BookInfo[]> {
    return (await this.api.request<{ books: BookInfo[] }>('GET', BASE)).books;
  }
  createBook(name: string): Promise<BookInfo> {
    return this.api.request('POST', BASE, { name });
  }
  renameBook(id: string, name: string): Promise<BookInfo> {
    return this.api.request('PATCH', `${BASE}/${enc(id)}`, { name });
  }
  deleteBook(id: string): Promise<null> {
    return this.api.request('DELETE', `${BASE}/${enc(id)}`);
  }
  async cards(bookId: string): Promise<CardSummary[]> {
    return (await this.api.request<{ cards: CardSummary[] }>('GET', `${BASE}/${enc(bookId)}/cards`)).cards;
  }
  card(bookId: string, id: string): Promise<CardDetail> {
    return this.api.request('GET', `${BASE}/${enc(bookId)}/cards/${enc(id)}`);
  }
  create(bookId: string, fields: Partial<CardFields>): Promise<{ id: string }> {
    return this.api.request('POST', `${BASE}/${enc(bookId)}/cards`, fields);
  }
  update(bookId: string, id: string, fields: Partial<CardFields> & { etag?: string }): Promise<{ id: string }> {
    return this.api.request('PUT', `${BASE}/${enc(bookId)}/cards/${enc(id)}`, fields);
  }
  remove(bookId: string, id: string): Promise<null> {
    return this.api.request('DELETE', `${BASE}/${enc(bookId)}/cards/${enc(id)}`);
  }

  /** Sends a .vcf file's text; the answer lists what was skipped and why. */
  async importFile(bookId: string, file: File): Promise<ImportSummary> {
    const res = await fetch(`/api/v1${BASE}/${enc(bookId)}/import`, {
      method: 'POST',
      headers: { ...this.api.authHeaders(), 'content-type': 'text/vcard', accept: 'application/json' },
      body: await file.text(),
    });
    const body = (await res.json().catch(() => null)) as (ImportSummary & { message?: string }) | null;
    if (!res.ok)
      throw new Error(
        body?.message ? `${body.message[0]!.toUpperCase()}${body.message.slice(1)}.` : 'The import failed.',
      );
    return body!;
  }

  /** Downloads the book as one .vcf file. */
  async download(book: BookInfo): Promise<void> {
    const res = await fetch(`/api/v1${BASE}/${enc(book.id)}/export`, { headers: this.api.authHeaders() });
    if (!res.ok) throw new Error('The address book could not be downloaded. Try again.');
    saveBlob(await res.blob(), `${book.name.replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'contacts'}.vcf`);
  }
}
