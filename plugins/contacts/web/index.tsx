import { lazyPage, type WebPlugin } from '#web-sdk';

/** The contacts plugin's web part: the Address book page (address books and their cards; loaded on first visit). */
export const contactsWebPlugin: WebPlugin = {
  id: 'contacts',
  title: 'Address book',
  route: 'addressbook',
  icon: 'M6 3.5h12.5v17H6zM4 7.5h3M4 12h3M4 16.5h3M12.25 11a2.25 2.25 0 1 0 0-.01M9 17c.6-2 1.9-3 3.25-3s2.65 1 3.25 3',
  Page: lazyPage(() => import('./contacts-page.tsx').then((m) => m.ContactsBookPage)),
};
