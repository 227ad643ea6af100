import type { ApiClient } from '../api/api-client.ts';
import { ContactAdd } from './contact-add.tsx';
import { ContactList } from './contact-list.tsx';
import { InviteAccept } from './invite-accept.tsx';
import { InviteCreate } from './invite-create.tsx';
import { useShell } from './shell-context.ts';
import type { Contacts } from './use-contacts.ts';
import { useInvites } from './use-invites.ts';

/** Contacts and invites: the address book (with add by address), inviting someone, and accepting an invite. */
export function ContactsPage(props: { api: ApiClient; contacts: Contacts; query: URLSearchParams }) {
  const { socket } = useShell();
  const invites = useInvites(props.api, socket);
  const fromLink = props.query.get('invite') ?? '';
  const accept = <InviteAccept api={props.api} initial={fromLink} onAccepted={props.contacts.added} />;
  return (
    <section class="page contacts-page">
      <h1>Contacts</h1>
      <p class="page-intro">
        People on other servers you share with. Shares from your contacts can be accepted automatically.
      </p>
      {/* Someone who followed an invite link came to accept it: that comes first. */}
      {fromLink && accept}
      <div class="contacts-columns">
        <ContactList contacts={props.contacts}>
          <ContactAdd api={props.api} onAdded={props.contacts.added} />
        </ContactList>
        <div class="contacts-side">
          <InviteCreate api={props.api} invites={invites} />
          {!fromLink && accept}
        </div>
      </div>
    </section>
  );
}
