import type { ApiClient } from '../api/api-client.ts';
import { ContactList } from './contact-list.tsx';
import { InviteAccept } from './invite-accept.tsx';
import { InviteCreate } from './invite-create.tsx';
import type { Toaster } from './toast-store.ts';
import type { Contacts } from './use-contacts.ts';

/** Contacts and invites: invite someone, accept someone's invite, and the address book. */
export function ContactsPage(props: { api: ApiClient; contacts: Contacts; query: URLSearchParams; toast: Toaster }) {
  return (
    <section class="page">
      <h1>Contacts</h1>
      <div class="two-columns">
        <InviteCreate api={props.api} />
        <InviteAccept api={props.api} initial={props.query.get('invite') ?? ''} onAccepted={props.contacts.added} />
      </div>
      <ContactList contacts={props.contacts} />
    </section>
  );
}
