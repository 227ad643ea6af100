/**
 * The CardDAV tree as `#dav` nodes: the mount root (`/dav/addressbooks`, holding only the caller's home), the home
 * (`<user>/`, its address books), address books (sync collections over the card store) and cards (files whose
 * bytes are exactly what the client stored). Store errors become DAV errors with their RFC 6352 precondition.
 */
import { Readable, type Writable } from 'node:stream';
import {
  DavError,
  encodeSegment,
  forbidden,
  notFound,
  sendBytes,
  type DavCollection,
  type DavFile,
  type DavNode,
} from '#dav';
import type { WriteInput, WriteResult, DavSyncCollection, SyncChanges } from '#dav';
import type { AddressBook, BookStore } from './book-store.ts';
import type { CardMeta, CardStore } from './card-store.ts';
import { CarddavPreconditionError, InvalidSyncTokenError, UidConflictError } from './carddav-errors.ts';
import { CONTACTS_ERRORS } from './error-codes.ts';
import { validateCard, type CardLimits } from './vcard.ts';
import { readOnlyShared, type SharedWriter } from './federation/write-through.ts';

/** Up to this many names, a lookup by name reads the cards' bytes too (a multiget answers with them). */
const BYTES_WITH_NAMES = 200;

/** The CardDAV `addressbook` resource type. */
export const ADDRESSBOOK_TYPE = '{urn:ietf:params:xml:ns:carddav}addressbook';

/** What the nodes need. */
export interface CardDavContext {
  books: BookStore;
  cards: CardStore;
  limits: CardLimits;
  /** Writes into `shared` books: to the owner's server first (federation/write-through.ts). */
  sharedWriter?: SharedWriter;
  /** Called after a book's cards or properties changed (live updates, people search caches). */
  changed?(ownerId: string): void;
}

/** Maps store errors to DAV errors (preconditions keep their element; a UID clash names the card's href). */
export function toDavError(err: unknown, bookHref: string): unknown {
  if (err instanceof UidConflictError)
    return new DavError(403, err.message, err.code, err.condition, [`${bookHref}/${encodeSegment(err.existingUri)}`]);
  if (err instanceof CarddavPreconditionError || err instanceof InvalidSyncTokenError)
    return new DavError(err.status, err.message, err.code, err.condition);
  return err;
}

function readOnly(book: AddressBook): DavError {
  if (book.kind === 'shared') return readOnlyShared();
  const e = forbidden('Federated contacts is kept by Meshwork: change your contacts in the app', 'need-privileges');
  return new DavError(e.status, e.message, CONTACTS_ERRORS.ADDRESSBOOK_READ_ONLY, e.condition);
}

async function readBody(input: WriteInput, max: number): Promise<Buffer> {
  if (input.length !== null && input.length > max)
    throw new CarddavPreconditionError('max-resource-size', `a card may have at most ${max} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new CarddavPreconditionError('max-resource-size', `a card may have at most ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A stored card. */
export class CardNode implements DavFile {
  readonly collection = false as const;
  readonly name: string;
  readonly etag: string;
  readonly lastModified: number;
  readonly contentType = 'text/vcard; charset=utf-8';
  readonly size: number;
  readonly lockable = false;
  readonly meta: CardMeta;
  /** The bytes when the lookup that made this node already read them (multiget, query, sync). */
  readonly loaded: Buffer | null;

  constructor(
    readonly book: BookNode,
    meta: CardMeta & { data?: Buffer },
  ) {
    this.meta = meta;
    this.loaded = meta.data ?? null;
    this.name = meta.uri;
    this.etag = `"${meta.etag}"`;
    this.lastModified = meta.lastModified;
    this.size = meta.size;
  }

  /** The stored bytes. */
  async data(): Promise<Buffer> {
    if (this.loaded) return this.loaded;
    const c = await this.book.ctx.cards.get(this.book.book.id, this.name);
    if (!c) throw new DavError(404, 'the card was deleted', 'DAV_NOT_FOUND');
    return c.data;
  }

  async read(range?: { start: number; end: number }): Promise<Readable> {
    const data = await this.data();
    return Readable.from([range ? data.subarray(range.start, range.end + 1) : data]);
  }

  /** GET: the bytes in one write with the headers. */
  async send(out: Writable, range: { start: number; end: number }): Promise<void> {
    return sendBytes(out, await this.data(), range);
  }

  async write(input: WriteInput): Promise<WriteResult> {
    return this.book.store(this.name, input);
  }

  async delete(): Promise<void> {
    if (this.book.readOnly) throw readOnly(this.book.book);
    const { book, ctx } = this.book;
    if (book.kind === 'shared' && ctx.sharedWriter) await ctx.sharedWriter.delete(book, this.name);
    else await ctx.cards.delete(book.id, this.name);
    this.book.ctx.changed?.(this.book.book.ownerId);
  }
}

/** An address book: a collection of cards with a change log. */
export class BookNode implements DavSyncCollection {
  readonly collection = true as const;
  readonly name: string;
  readonly displayName: string | undefined;
  readonly etag = null;
  readonly lastModified: number;
  readonly createdAt: number;
  readonly contentType = null;
  readonly size = null;
  readonly lockable = false;
  readonly resourceTypes = [ADDRESSBOOK_TYPE];

  constructor(
    readonly ctx: CardDavContext,
    readonly book: AddressBook,
    /** Encoded href of this book, no trailing slash. */
    readonly href: string,
  ) {
    this.name = book.uri;
    this.displayName = book.displayName ?? undefined;
    this.lastModified = book.updatedAt;
    this.createdAt = book.createdAt;
  }

  get readOnly(): boolean {
    if (this.book.kind === 'shared') return this.book.sharedAccess !== 'read-write' || !this.ctx.sharedWriter;
    return this.book.kind !== 'local';
  }

  async child(name: string): Promise<DavNode | null> {
    // One row through the query compiled once per database handle (a GET's lookup), not an IN list built per request.
    const c = await this.ctx.cards.get(this.book.id, name);
    return c ? new CardNode(this, c) : null;
  }

  async children(): Promise<DavNode[]> {
    return (await this.ctx.cards.list(this.book.id, this.book.syncToken)).map((m) => new CardNode(this, m));
  }

  async childrenNamed(names: readonly string[]): Promise<DavNode[]> {
    // A multiget names few cards and wants their bytes; a full sync lists thousands and mostly wants ETags.
    if (names.length > BYTES_WITH_NAMES)
      return (await this.ctx.cards.getManyMeta(this.book.id, names)).map((m) => new CardNode(this, m));
    return (await this.ctx.cards.getMany(this.book.id, names, this.book.syncToken)).map((m) => new CardNode(this, m));
  }

  /** Validates and stores a card's bytes under `name` (create or replace). */
  async store(name: string, input: WriteInput): Promise<WriteResult> {
    if (this.readOnly) throw readOnly(this.book);
    try {
      const bytes = await readBody(input, this.ctx.limits.maxBytes);
      const index = validateCard(bytes, input.contentType, this.ctx.limits);
      const r =
        this.book.kind === 'shared' && this.ctx.sharedWriter
          ? await this.ctx.sharedWriter.put(this.book, name, bytes, index)
          : await this.ctx.cards.put(this.book.id, name, bytes, index);
      this.ctx.changed?.(this.book.ownerId);
      return { etag: `"${r.etag}"` };
    } catch (err) {
      throw toDavError(err, this.href);
    }
  }

  async createFile(name: string, input: WriteInput): Promise<WriteResult> {
    return this.store(name, input);
  }

  /** A rename inside this (own, local) book; anything else is copied and deleted by the DAV core. */
  async moveInto(name: string, source: DavNode): Promise<boolean> {
    if (!(source instanceof CardNode) || source.book.book.id !== this.book.id || this.book.kind !== 'local')
      return false;
    try {
      if (!(await this.ctx.cards.rename(this.book.id, source.name, name))) throw notFound();
    } catch (err) {
      throw toDavError(err, this.href);
    }
    this.ctx.changed?.(this.book.ownerId);
    return true;
  }

  async createCollection(): Promise<void> {
    throw forbidden('address books hold cards, not collections');
  }

  async syncToken(): Promise<number> {
    return (await this.ctx.books.getById(this.book.id))?.syncToken ?? this.book.syncToken;
  }

  /**
   * The response cache's version: the book's id and the token read with its row for this request (every card,
   * property and dead-property change bumps it in its transaction), its kind and what its share grants.
   */
  responseVersion(): string {
    const b = this.book;
    return `${b.id}:${b.syncToken}:${b.kind}:${b.sharedAccess ?? ''}:${this.readOnly ? 'r' : 'w'}`;
  }

  async changesSince(token: number | null, opts: { limit: number | null }): Promise<SyncChanges | null> {
    try {
      const changes = await this.ctx.cards.changesSince(this.book.id, token, opts.limit ?? undefined);
      const { listed, ...rest } = changes;
      return listed ? { ...rest, members: listed.map((m) => new CardNode(this, m)) } : rest;
    } catch (err) {
      if (err instanceof InvalidSyncTokenError) return null;
      throw err;
    }
  }

  async delete(): Promise<void> {
    if (this.book.kind !== 'local') throw readOnly(this.book);
    await this.ctx.books.delete(this.book.id);
    this.ctx.changed?.(this.book.ownerId);
  }
}

/**
 * A user's address-book home (`/dav/addressbooks/<user>/`): a plain collection (RFC 6352 §7.1.1). It was the
 * principal URL before the shared `/dav/principals/<user>/`; its properties still lead clients configured with it.
 */
export class HomeNode implements DavCollection {
  readonly collection = true as const;
  readonly etag = null;
  readonly lastModified = null;
  readonly contentType = null;
  readonly size = null;
  readonly lockable = false;

  constructor(
    readonly ctx: CardDavContext,
    readonly name: string,
    /** Encoded href of the home, no trailing slash. */
    readonly href: string,
  ) {}

  private bookNode(b: AddressBook): BookNode {
    return new BookNode(this.ctx, b, `${this.href}/${encodeSegment(b.uri)}`);
  }

  async child(name: string): Promise<DavNode | null> {
    const b = await this.ctx.books.get(this.name, name);
    return b ? this.bookNode(b) : null;
  }

  async children(): Promise<DavNode[]> {
    return (await this.ctx.books.list(this.name)).map((b) => this.bookNode(b));
  }

  async createFile(): Promise<WriteResult> {
    throw forbidden('the home holds address books; put cards into one of them');
  }

  /** Plain MKCOL makes an address book too (the home holds nothing else). */
  async createCollection(name: string, props: { displayName?: string | null; description?: string | null } = {}) {
    await this.ctx.books.create({ ownerId: this.name, uri: name, props });
    this.ctx.changed?.(this.name);
  }

  async delete(): Promise<void> {
    throw forbidden('the address-book home cannot be deleted');
  }
}

/** The mount root `/dav/addressbooks/`: shows only the caller's own home. */
export class AddressbooksRoot implements DavCollection {
  readonly collection = true as const;
  readonly name = '';
  readonly etag = null;
  readonly lastModified = null;
  readonly contentType = null;
  readonly size = null;
  readonly lockable = false;
  readonly home: HomeNode;

  constructor(ctx: CardDavContext, userId: string, prefix: string) {
    this.home = new HomeNode(ctx, userId, `${prefix}/${encodeSegment(userId)}`);
  }

  async child(name: string): Promise<DavNode | null> {
    return name === this.home.name ? this.home : null;
  }

  async children(): Promise<DavNode[]> {
    return [this.home];
  }

  async createFile(): Promise<WriteResult> {
    throw forbidden('nothing can be created here');
  }

  async createCollection(): Promise<void> {
    throw forbidden('nothing can be created here');
  }

  async delete(): Promise<void> {
    throw forbidden('nothing can be deleted here');
  }
}
