import { randomUUID } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import { ConflictError, InputError, NotAllowedError, NotFoundError, type ChangeAnnouncer } from '#core';
import type { AddressBook, BookStore } from '../book-store.ts';
import type { CardStore } from '../card-store.ts';
import { CarddavPreconditionError, StorePreconditionFailed } from '../carddav-errors.ts';
import { CONTACTS_ERRORS } from '../error-codes.ts';
import { parseVCard, validateCard, type CardLimits } from '../vcard.ts';
import { CONTACTS_API_ERRORS as E } from './api-errors.ts';
import { fieldsOf, summaryOf } from './card-fields.ts';
import { applyFields, buildCard, readFields } from './card-input.ts';
import { exportVcf, importVcf } from './vcf-transfer.ts';

/** The socket event the `/contacts` namespace sends a user when one of their address books changed. */
export const CONTACTS_CHANGED = 'contacts:changed';

/** An address book as the web app sees it. */
export interface BookView {
  id: string;
  uri: string;
  name: string;
  readOnly: boolean;
  kind: 'local' | 'federated' | 'shared';
}

const uid = (req: Request) => (req.user as { id: string }).id;
const param = (req: Request, name: string) => String(req.params[name] ?? '');
const body = (req: Request) => (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
const viewOf = (b: AddressBook): BookView => ({
  id: b.id,
  uri: b.uri,
  name: b.displayName?.trim() || b.uri,
  readOnly: b.kind !== 'local',
  kind: b.kind,
});

function fileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f"\\/:*?<>|]+/g, ' ').trim() || 'contacts';
  return `${clean.slice(0, 80)}.vcf`;
}

function bookName(v: unknown): string {
  const name = typeof v === 'string' ? v.trim() : '';
  if (!name || name.length > 100)
    throw new InputError('an address book needs a name of 1 to 100 characters', undefined, E.CONTACTS_INVALID_BOOK);
  return name;
}

/** A URI segment for a new book from its name (`Work friends` → `work-friends`, then `-2`, … when taken). */
function uriFor(name: string, taken: Set<string>): string {
  const base =
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'book';
  let uri = base;
  for (let i = 2; taken.has(uri) || uri === 'federated-contacts'; i++) uri = `${base}-${i}`;
  return uri;
}

/**
 * The JSON API of the Contacts page under `/api/v1/contacts/books` (beside the core's OCM contacts at `/api/v1/contacts`) (authenticated by the core): address books, cards as
 * fields, import and export. Cards go through the CardDAV store, so clients see them; every write is announced live.
 */
export function mountContactsApi(
  api: Router,
  deps: {
    books: BookStore;
    cards: CardStore;
    limits: CardLimits;
    changes: ChangeAnnouncer;
    ensureBooks: (userId: string) => Promise<void>;
  },
): void {
  const { books, cards, limits } = deps;
  // Card writes announce themselves (CardStore's onChange); book changes are announced here.
  const changed = (req: Request, bookId: string | null) => deps.changes.toOwner(uid(req), bookId);
  const book = async (req: Request): Promise<AddressBook> => {
    const b = await books.getById(param(req, 'book'));
    if (!b || b.ownerId !== uid(req)) throw new NotFoundError('no such address book', E.CONTACTS_BOOK_NOT_FOUND);
    return b;
  };
  const writable = async (req: Request): Promise<AddressBook> => {
    const b = await book(req);
    if (b.kind !== 'local')
      throw new NotAllowedError(
        b.kind === 'shared'
          ? 'This address book is shared with you: change it where it is kept'
          : 'Federated contacts are kept by Meshwork: change them on the Federated contacts page',
        CONTACTS_ERRORS.ADDRESSBOOK_READ_ONLY,
      );
    return b;
  };
  const card = async (b: AddressBook, req: Request) => {
    const c = await cards.get(b.id, param(req, 'card'));
    if (!c) throw new NotFoundError('no such contact', E.CONTACTS_CARD_NOT_FOUND);
    return c;
  };
  const store = async (b: AddressBook, uri: string, text: string, ifMatch?: string) => {
    const bytes = Buffer.from(text, 'utf8');
    try {
      const index = validateCard(bytes, 'text/vcard', limits);
      return await cards.put(b.id, uri, bytes, index, ifMatch ? { ifMatch } : {});
    } catch (err) {
      if (err instanceof StorePreconditionFailed)
        throw new ConflictError('the contact was changed elsewhere meanwhile: reopen it', 'CONFLICT');
      if (err instanceof CarddavPreconditionError)
        throw new InputError(`the contact cannot be saved: ${err.message}`, undefined, E.CONTACTS_INVALID_CARD);
      throw err;
    }
  };

  api.get('/books', async (req, res) => {
    await deps.ensureBooks(uid(req));
    const list = (await books.list(uid(req))).map(viewOf);
    list.sort((a, b) => Number(a.readOnly) - Number(b.readOnly) || a.name.localeCompare(b.name));
    res.json({ books: list });
  });
  api.post('/books', async (req, res) => {
    const name = bookName(body(req).name);
    const taken = new Set((await books.list(uid(req))).map((b) => b.uri));
    const b = await books.create({ ownerId: uid(req), uri: uriFor(name, taken), props: { displayName: name } });
    changed(req, b.id);
    res.status(201).json(viewOf(b));
  });
  api.patch('/books/:book', async (req, res) => {
    const b = await writable(req);
    const updated = await books.update(b.id, { displayName: bookName(body(req).name) });
    changed(req, b.id);
    res.json(viewOf(updated ?? b));
  });
  api.delete('/books/:book', async (req, res) => {
    const b = await writable(req);
    if (b.uri === 'contacts')
      throw new InputError('the default address book cannot be deleted', undefined, E.CONTACTS_INVALID_BOOK);
    await books.delete(b.id);
    changed(req, b.id);
    res.status(204).end();
  });

  api.get('/books/:book/cards', async (req, res) => {
    const b = await book(req);
    const metas = await cards.list(b.id);
    const out = [];
    for (let i = 0; i < metas.length; i += 200) {
      const batch = await cards.getMany(
        b.id,
        metas.slice(i, i + 200).map((m) => m.uri),
      );
      for (const c of batch)
        try {
          out.push(summaryOf(c.uri, parseVCard(c.data.toString('utf8'))));
        } catch {
          out.push({
            id: c.uri,
            name: c.fn || '(unreadable card)',
            org: '',
            emails: [],
            phones: [],
            cloud: '',
            hasPhoto: false,
          });
        }
    }
    out.sort((x, y) => x.name.localeCompare(y.name));
    res.json({ book: viewOf(b), cards: out });
  });
  api.get('/books/:book/cards/:card', async (req, res) => {
    const b = await book(req);
    const c = await card(b, req);
    res.json({ id: c.uri, etag: c.etag, version: c.version, ...fieldsOf(parseVCard(c.data.toString('utf8'))) });
  });
  api.post('/books/:book/cards', async (req, res) => {
    const b = await writable(req);
    const { text } = await buildCard(readFields(body(req), limits.maxPhotoBytes));
    const uri = `${randomUUID()}.vcf`;
    const r = await store(b, uri, text);
    res.status(201).json({ id: uri, etag: r.etag });
  });
  api.put('/books/:book/cards/:card', async (req, res) => {
    const b = await writable(req);
    const c = await card(b, req);
    const fields = readFields(body(req), limits.maxPhotoBytes);
    const text = applyFields(parseVCard(c.data.toString('utf8')), fields);
    const etag = typeof body(req).etag === 'string' ? String(body(req).etag) : undefined;
    const r = await store(b, c.uri, text, etag);
    res.json({ id: c.uri, etag: r.etag });
  });
  api.delete('/books/:book/cards/:card', async (req, res) => {
    const b = await writable(req);
    if (!(await cards.delete(b.id, param(req, 'card'))))
      throw new NotFoundError('no such contact', E.CONTACTS_CARD_NOT_FOUND);
    res.status(204).end();
  });

  api.post(
    '/books/:book/import',
    express.text({
      type: ['text/vcard', 'text/x-vcard', 'text/directory', 'text/plain', 'application/octet-stream'],
      limit: '20mb',
    }),
    async (req, res) => {
      const b = await writable(req);
      const text =
        typeof req.body === 'string' ? req.body : typeof body(req).vcf === 'string' ? String(body(req).vcf) : '';
      if (!/BEGIN:VCARD/i.test(text))
        throw new InputError('this file holds no contacts (.vcf vCards)', undefined, E.CONTACTS_INVALID_IMPORT);
      const summary = await importVcf(cards, b.id, text, limits);
      res.json(summary);
    },
  );
  api.get('/books/:book/export', async (req, res) => {
    const b = await book(req);
    const name = fileName(viewOf(b).name);
    res
      .type('text/vcard; charset=utf-8')
      .set('content-disposition', `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .send(await exportVcf(cards, b.id));
  });
}
