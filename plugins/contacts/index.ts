/**
 * Contacts (`addressbook` over `webdav`, CardDAV): address books and vCards in the database, served to real clients
 * at `/dav/addressbooks/<user>/` (see README.md).
 */
import { ChangeAnnouncer, definePlugin, userFromRequest, type MeshworkPlugin } from '#core';
import { DAV_READ_METHODS, sharedPrincipals, type ResponseCache } from '#dav';
import { CONTACTS_CHANGED, mountContactsApi } from './api/routes.ts';
import { mountShareTypes } from './api/share-types.ts';
import { BookStore } from './book-store.ts';
import { CardStore } from './card-store.ts';
import { defaultBook } from './default-book.ts';
import { davAuthenticator } from './dav-auth.ts';
import { CARDDAV_BASE, carddavHandler, createCardDav, wellKnownCardDav } from './carddav-mount.ts';
import { carddavPrincipal } from './carddav-principal.ts';
import { contactPropStore, contactPropsMigration } from './carddav-dead-props.ts';
import type { CardDavContext } from './carddav-nodes.ts';
import { FederatedBook } from './federated-book.ts';
import { setupOwnerFederation } from './federation/owner.ts';
import { setupRecipientFederation } from './federation/recipient.ts';
import { SharedBooks } from './federation/shared-books.ts';
import { sharedWriter } from './federation/write-through.ts';
import { addressBookPeople } from './people-provider.ts';
import { contactsMigrations } from './schema.ts';
import type { ContactsTables } from './tables.ts';
import { CARD_LIMITS, type CardLimits } from './vcard.ts';

/** Options (tests tighten the limits). */
export interface ContactsPluginOptions {
  limits?: Partial<CardLimits>;
  /** Where whole CardDAV answers of unchanged books are kept (default: a new 32 MiB one). */
  responseCache?: ResponseCache;
}

/** Creates the contacts plugin. */
export function contactsPlugin(options: ContactsPluginOptions = {}): MeshworkPlugin {
  return definePlugin<ContactsTables>({
    id: 'contacts',
    resourceTypes: [
      { name: 'addressbook', shareTypes: ['user'], protocols: { webdav: `${CARDDAV_BASE}/`, 'webdav-receive': {} } },
    ],
    migrations: [...contactsMigrations, contactPropsMigration],
    async setup(ctx) {
      const limits = { ...CARD_LIMITS, ...options.limits };
      const books = new BookStore(ctx.db);
      const changes = new ChangeAnnouncer(ctx.realtime, {
        event: CONTACTS_CHANGED,
        field: 'bookId',
        ownerOf: async (id) => (await books.getById(id))?.ownerId ?? null,
      });
      let shareChanged = (bookId: string): void => void bookId;
      const cards = new CardStore(ctx.db, (bookId) => {
        changes.changed(bookId);
        shareChanged(bookId);
      });
      const dav: CardDavContext = { books, cards, limits };
      const props = contactPropStore(ctx.db);
      const owner = setupOwnerFederation(ctx, dav, props);
      shareChanged = owner.bookChanged;
      const shared = new SharedBooks(ctx.db, books);
      dav.sharedWriter = sharedWriter(ctx, shared, cards);
      const recipient = setupRecipientFederation(ctx, { shared, cards, limits });
      const federated = new FederatedBook(books, cards, ctx.contacts, ctx.logger);
      const defaults = defaultBook(ctx.db);
      const ready = new Set<string>();
      const ensureBooks = async (userId: string): Promise<void> => {
        if (ready.has(userId)) return;
        await defaults.ensure(userId);
        await federated.sync(userId);
        ready.add(userId);
      };
      const server = createCardDav(ctx, limits.maxBytes, props, options.responseCache);
      const handler = carddavHandler(ctx, server, dav, davAuthenticator(ctx), ensureBooks);
      ctx.hotMount(CARDDAV_BASE, DAV_READ_METHODS, (req, res) => void handler(req, res));
      ctx.mount('/.well-known/carddav', wellKnownCardDav);
      // The principal is shared with CalDAV: whichever plugin comes first mounts it, both contribute properties.
      sharedPrincipals(ctx.identity, {
        authenticate: (req, res) => userFromRequest(ctx.requireUser, req, res),
        logger: ctx.logger,
        mount: (path, h) => ctx.hotMount(path, DAV_READ_METHODS, h),
        mountExact: (path, h) => ctx.mountExact(path, h),
      }).contribute(carddavPrincipal(CARDDAV_BASE));
      ctx.events.on('contact:changed', ({ userId }) => federated.sync(userId));
      ctx.people.register(addressBookPeople(books, cards));
      mountContactsApi(ctx.api, { books, cards, limits, changes, ensureBooks });
      mountShareTypes(ctx.api, { selfHost: () => ctx.identity.host, remote: ctx.remote });
      ctx.events.on('account:deleted', async ({ userId }) => {
        ready.delete(userId);
        await defaults.forget(userId);
        await books.deleteOwner(userId);
        await props.removeOwner(userId);
      });
      return {
        ...owner.hooks,
        ...recipient.hooks,
      };
    },
  });
}
