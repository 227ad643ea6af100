import { ContactAdd } from './contact-add.tsx';
import { InviteAccept } from './invite-accept.tsx';
import { InviteCreate } from './invite-create.tsx';
import { useShell } from './shell-context.ts';
import { useInvites } from './use-invites.ts';

/**
 * Adding people on other servers, for a plugin's page that is the place for people (the address book's Federated
 * contacts): add by address, invite (with the invites still open, revocable, live) and accept an invite, prefilled
 * from an invite link. A contact made here reaches the page through its own live list.
 */
export function PeopleTools(props: { invite?: string; onAdded?: () => void }) {
  const { api, socket } = useShell();
  const invites = useInvites(api, socket);
  const added = () => props.onAdded?.();
  const fromLink = props.invite ?? '';
  const accept = <InviteAccept api={api} initial={fromLink} onAccepted={added} />;
  return (
    <div class="people-tools">
      {/* Someone who followed an invite link came to accept it: that comes first. */}
      {fromLink && accept}
      <section class="panel">
        <ContactAdd api={api} onAdded={added} ownPanel />
      </section>
      <InviteCreate api={api} invites={invites} />
      {!fromLink && accept}
    </div>
  );
}
