/**
 * Writes by the recipient into a shared copy: the change goes to the owner first — `PUT` or `DELETE` with `If-Match`
 * on the card's ETag (or `If-None-Match: *` for a new card), so a concurrent change on the owner is a 412, not a lost
 * update — and only then into the copy. A read-only share refuses with 403 `DAV:need-privileges`; an owner that
 * cannot be reached fails the write at once with 503 (nothing is stored or queued; the copy stays readable).
 * (Same shape as plugins/calendars/federation/write-through.ts.)
 */
import type { IncomingShare, PluginContext } from '#core';
import { DavError } from '#dav';
import type { AddressBook } from '../book-store.ts';
import type { CardStore } from '../card-store.ts';
import { CONTACTS_ERRORS } from '../error-codes.ts';
import type { CardIndex } from '../vcard.ts';
import { readAddressbookShare } from './protocol.ts';
import { ownerRequest, OwnerUnreachable } from './remote-http.ts';
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

/** The writer over the owner's server. */
export function sharedWriter(ctx: PluginContext, shared: SharedBooks, cards: CardStore): SharedWriter {
  const target = async (book: AddressBook) => {
    if (book.sharedAccess !== 'read-write') throw readOnlyShared();
    const state = await shared.byBook(book.id);
    const share = state ? await ctx.shares.getIncoming(state.shareId) : null;
    if (!state || !share || share.state !== 'accepted')
      throw new DavError(
        404,
        'this address book is no longer shared with you',
        CONTACTS_ERRORS.ADDRESSBOOK_SHARE_REVOKED,
      );
    return { state, share, secret: readAddressbookShare(share).sharedSecret };
  };
  const send = async (
    share: IncomingShare,
    secret: string,
    url: string,
    opts: { method: string; headers: Record<string, string>; body?: Buffer },
  ) => {
    let res;
    try {
      res = await ownerRequest(ctx, share, secret, url, opts);
    } catch (err) {
      if (!(err instanceof OwnerUnreachable)) throw err;
      throw new DavError(
        503,
        `the address book's owner server cannot be reached (${err.message}); your change was not saved, try again later`,
        CONTACTS_ERRORS.ADDRESSBOOK_OWNER_UNREACHABLE,
      );
    }
    if (res.status === 401) {
      await ctx.shares.endedBySender(share.id);
      throw new DavError(404, 'the owner ended this share', CONTACTS_ERRORS.ADDRESSBOOK_SHARE_REVOKED);
    }
    if (res.status === 403) throw readOnlyShared();
    if (res.status === 412)
      throw new DavError(
        412,
        "the card changed on the owner's server meanwhile; sync and try again",
        CONTACTS_ERRORS.ADDRESSBOOK_PRECONDITION_FAILED,
      );
    return res.status;
  };
  return {
    async put(book, uri, bytes, index) {
      const { state, share, secret } = await target(book);
      const current = await cards.get(book.id, uri);
      const status = await send(share, secret, state.url + encodeURIComponent(uri), {
        method: 'PUT',
        headers: {
          'content-type': 'text/vcard; charset=utf-8',
          ...(current ? { 'if-match': `"${current.etag}"` } : { 'if-none-match': '*' }),
        },
        body: bytes,
      });
      if (status !== 200 && status !== 201 && status !== 204)
        throw new DavError(
          502,
          `the owner's server answered ${status} to PUT`,
          CONTACTS_ERRORS.ADDRESSBOOK_OWNER_REFUSED,
        );
      const r = await cards.put(book.id, uri, bytes, index);
      return { etag: r.etag };
    },
    async delete(book, uri) {
      const { state, share, secret } = await target(book);
      const current = await cards.get(book.id, uri);
      const status = await send(share, secret, state.url + encodeURIComponent(uri), {
        method: 'DELETE',
        headers: current ? { 'if-match': `"${current.etag}"` } : {},
      });
      if (status !== 200 && status !== 204 && status !== 404)
        throw new DavError(
          502,
          `the owner's server answered ${status} to DELETE`,
          CONTACTS_ERRORS.ADDRESSBOOK_OWNER_REFUSED,
        );
      await cards.delete(book.id, uri);
    },
  };
}
