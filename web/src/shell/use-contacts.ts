import { useCallback, useEffect } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { MeshworkSocket } from '../api/socket-client.ts';
import type { Contact } from '../api/types.ts';
import { useLiveList } from '../api/use-live-list.ts';
import type { Toaster } from './toast-store.ts';

/** The user's contacts, kept live over the socket. */
export interface Contacts {
  contacts: Contact[];
  loading: boolean;
  error: string | null;
  /** Adds a contact the user just made (accepting an invite) without waiting for the socket. */
  added(contact: Contact): void;
  remove(id: string): Promise<void>;
}

function label(c: Contact): string {
  return c.displayName ? `${c.displayName} (${c.address})` : c.address;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
/** An address book reads by name: "Person 2" before "Person 10". */
export const byName = (a: Contact, b: Contact) =>
  collator.compare(a.displayName ?? a.address, b.displayName ?? b.address) || collator.compare(a.address, b.address);

/** Loads contacts, sorted by name, and adds those announced by `contact:added` (someone accepted an invite). */
export function useContacts(api: ApiClient, socket: MeshworkSocket, toast: Toaster): Contacts {
  const list = useLiveList<Contact>({ load: () => api.contacts(), socket, sort: byName }, [api]);
  const { find, upsert, remove } = list;

  useEffect(() => {
    const onAdded = (c: Contact) => {
      if (!find(c.id)) toast.success(`${label(c)} is now one of your contacts.`);
      upsert(c);
    };
    socket.on('contact:added', onAdded);
    return () => void socket.off('contact:added', onAdded);
  }, [socket, toast, find, upsert]);

  const removeContact = useCallback(
    async (id: string) => {
      try {
        await api.removeContact(id);
        remove(id);
      } catch (err) {
        toast.error(describeError(err));
      }
    },
    [api, toast, remove],
  );
  return { contacts: list.items, loading: list.loading, error: list.error, added: upsert, remove: removeContact };
}
