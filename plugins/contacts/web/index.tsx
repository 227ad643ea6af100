import { hashHref, lazyComponent, lazyPage, type WebPlugin } from '#web-sdk';
import { PEOPLE_SEGMENT } from './people-route.ts';

/**
 * The contacts plugin's web part: the Address book page (address books and their cards; loaded on first visit). It is
 * the one place for people: its Federated contacts book carries adding people by address and invites, so the shell's
 * Contacts page leaves the navigation and invite links (`#/contacts?invite=…`) come here.
 */
export const contactsWebPlugin: WebPlugin = {
  id: 'contacts',
  title: 'Address book',
  route: 'addressbook',
  icon: 'M6 3.5h12.5v17H6zM4 7.5h3M4 12h3M4 16.5h3M12.25 11a2.25 2.25 0 1 0 0-.01M9 17c.6-2 1.9-3 3.25-3s2.65 1 3.25 3',
  Page: lazyPage(() => import('./contacts-page.tsx').then((m) => m.ContactsBookPage)),
  people: {
    href: (query) => {
      const invite = query.get('invite');
      return `${hashHref('addressbook', PEOPLE_SEGMENT)}${invite ? `?invite=${encodeURIComponent(invite)}` : ''}`;
    },
    // The plugin's list of books answers only where the server runs it (the full client stays in the page's chunk).
    available: (api) => api.request('GET', '/contacts/books').then(() => true),
  },
  resourceLabels: { addressbook: 'Address book' },
  shareTargets: [
    {
      label: 'An address book',
      Dialog: lazyComponent(() => import('./share-target.tsx').then((m) => m.ShareBookWith)),
    },
  ],
};
