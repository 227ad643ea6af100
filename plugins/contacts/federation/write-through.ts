/**
 * Writes by the recipient into a shared copy: to the owner first (`writeToOwner` in `#sdk` dav-federation: `If-Match`
 * on the card's ETag, `If-None-Match: *` for a new card), and only then into the copy. The owner's refusals become
 * DAV errors: read-only 403 `DAV:need-privileges` (the copy turns read-only), unreachable 503 at once (nothing is
 * stored or queued; the copy stays readable), 412, revoked (the share ends), other answers 502.
 */
import { OwnerWriteError, writeToOwner, type OwnerWrite, type PluginContext } from '#sdk';
import { DavError } from '#dav';
import type { AddressBook } from '../book-store.ts';
import type { CardStore } from '../card-store.ts';
import { CONTACTS_ERRORS } from '../error-codes.ts';
import type { CardIndex } from '../vcard.ts';
import { readAddressbookShare } from './protocol.ts';
import type { SharedBooks } from './shared-books.ts';

/** What the CardDAV nodes call for a `shared` book. */
export interface SharedWriter {
  put(book: AddressBook, uri: string, bytes: Buffer, index: CardIndex): Promise<{ etag: string }>;
  delete(book: AddressBook, uri: string): Promise<void>;
}

export function readOnlyShared(): DavError {
  return new DavError(
    403,
    'this address book is shared with you read-only',
    CONTACTS_ERRORS.ADDRESSBOOK_SHARED_READ_ONLY,
    '{DAV:}need-privileges',
  );
}

function asDav(err: OwnerWriteError): DavError {
  switch (err.reason) {
    case 'read-only':
      return readOnlyShared();
    case 'unreachable':
      return new DavError(
        503,
        `the address book's owner server cannot be reached (${err.message}); your change was not saved, try again later`,
        CONTACTS_ERRORS.ADDRESSBOOK_OWNER_UNREACHABLE,
      );
    case 'revoked':
      return new DavError(404, 'the owner ended this share', CONTACTS_ERRORS.ADDRESSBOOK_SHARE_REVOKED);
    case 'changed':
      return new DavError(
        412,
        "the card changed on the owner's server meanwhile; sync and try again",
        CONTACTS_ERRORS.ADDRESSBOOK_PRECONDITION_FAILED,
      );
    default:
      return new DavError(502, err.message, CONTACTS_ERRORS.ADDRESSBOOK_OWNER_REFUSED);
  }
}

/** The writer over the owner's server. */
export function sharedWriter(ctx: PluginContext, shared: SharedBooks, cards: CardStore): SharedWriter {
  const send = async (book: AddressBook, uri: string, w: OwnerWrite) => {
    if (book.sharedAccess !== 'read-write') throw readOnlyShared();
    const state = await shared.byBook(book.id);
    const share = state ? await ctx.shares.getIncoming(state.shareId) : null;
    if (!state || !share || share.state !== 'accepted')
      throw new DavError(
        404,
        'this address book is no longer shared with you',
        CONTACTS_ERRORS.ADDRESSBOOK_SHARE_REVOKED,
      );
    try {
      await writeToOwner(ctx, share, readAddressbookShare(share), state.url, uri, w, () =>
        shared.setAccess(book.id, 'read'),
      );
    } catch (err) {
      throw err instanceof OwnerWriteError ? asDav(err) : err;
    }
  };
  return {
    async put(book, uri, bytes, index) {
      const current = await cards.get(book.id, uri);
      await send(book, uri, {
        method: 'PUT',
        contentType: 'text/vcard; charset=utf-8',
        body: bytes,
        exists: current !== null,
        ownerEtag: current?.etag ?? null,
      });
      const r = await cards.put(book.id, uri, bytes, index);
      return { etag: r.etag };
    },
    async delete(book, uri) {
      const current = await cards.get(book.id, uri);
      await send(book, uri, { method: 'DELETE', exists: current !== null, ownerEtag: current?.etag ?? null });
      await cards.delete(book.id, uri);
    },
  };
}
