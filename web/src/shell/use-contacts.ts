import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { MeshworkSocket } from '../api/socket-client.ts';
import type { Contact } from '../api/types.ts';
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

/** Loads contacts and adds those announced by `contact:added` (someone accepted the user's invite). */
export function useContacts(api: ApiClient, socket: MeshworkSocket, toast: Toaster): Contacts {
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api
      .contacts()
      .then(
        (list) => live && (setContacts(list), setError(null)),
        (err) => live && setError(describeError(err)),
      )
      .finally(() => live && setLoading(false));
    const onAdded = (c: Contact) => {
      setContacts((list) => {
        if (list.some((x) => x.id === c.id)) return list;
        toast.success(`${label(c)} is now one of your contacts.`);
        return [...list, c];
      });
    };
    socket.on('contact:added', onAdded);
    return () => {
      live = false;
      socket.off('contact:added', onAdded);
    };
  }, [api, socket, toast]);

  const added = useCallback(
    (c: Contact) => setContacts((list) => (list.some((x) => x.id === c.id) ? list : [...list, c])),
    [],
  );
  const remove = useCallback(
    async (id: string) => {
      try {
        await api.removeContact(id);
        setContacts((list) => list.filter((c) => c.id !== id));
      } catch (err) {
        toast.error(describeError(err));
      }
    },
    [api, toast],
  );
  return { contacts, loading, error, added, remove };
}
