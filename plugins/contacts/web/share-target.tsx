import { PickAndShare, VIEW_EDIT, useApi } from '#web-sdk';
import { ContactsApi } from './contacts-api.ts';

/** "Share with…" a person, contacts' part: pick one of the user's own address books, then share it with them. */
export function ShareBookWith(props: { recipient: string; onClose: () => void }) {
  const api = useApi();
  return (
    <PickAndShare
      title={`Share an address book with ${props.recipient}`}
      recipient={props.recipient}
      load={async () =>
        (await new ContactsApi(api).books()).filter((b) => b.kind === 'local').map((b) => ({ id: b.id, name: b.name }))
      }
      empty="You have no address book of your own to share."
      resourceType="addressbook"
      choices={VIEW_EDIT}
      onClose={props.onClose}
    />
  );
}
