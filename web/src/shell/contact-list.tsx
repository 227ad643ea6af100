import { useState } from 'preact/hooks';
import type { Contact } from '../api/types.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import type { Contacts } from './use-contacts.ts';

const SOURCE: Record<Contact['source'], string> = {
  invite: 'via invite',
  share: 'via a share',
  manual: 'added by you',
};

/** The user's address book of federated contacts, with copy and remove. */
export function ContactList(props: { contacts: Contacts }) {
  const { contacts, loading, error, remove } = props.contacts;
  const [removing, setRemoving] = useState<Contact | null>(null);
  return (
    <section class="panel" aria-labelledby="contacts-heading">
      <h2 id="contacts-heading">Your contacts</h2>
      {error && (
        <p class="form-error" role="alert">
          Could not load contacts: {error}
        </p>
      )}
      {contacts.length === 0 ? (
        <p class="empty">{loading ? 'Loading…' : 'No contacts yet. Invite someone or accept an invite.'}</p>
      ) : (
        <ul class="contact-list" data-testid="contact-list">
          {contacts.map((c) => (
            <li key={c.id} class="contact-item">
              <span class="avatar" aria-hidden="true">
                {(c.displayName ?? c.address).slice(0, 1).toUpperCase()}
              </span>
              <span class="contact-text">
                <span class="contact-name">{c.displayName ?? c.address}</span>
                <span class="contact-address">
                  {c.address} · {SOURCE[c.source]}
                </span>
              </span>
              <CopyButton text={c.address} what={`address of ${c.displayName ?? c.address}`} />
              <button
                type="button"
                class="btn btn-small"
                onClick={() => setRemoving(c)}
                aria-label={`Remove ${c.address} from contacts`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={removing !== null}
        title="Remove contact?"
        confirmLabel="Remove"
        danger
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (removing) void remove(removing.id);
          setRemoving(null);
        }}
      >
        <p>{removing?.address} will be removed from your contacts. Existing shares are not affected.</p>
      </ConfirmDialog>
    </section>
  );
}
