import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Contact } from '../api/types.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { PHONE_QUERY, useMediaQuery } from '../components/use-media-query.ts';
import { VirtualList } from '../components/virtual-list.tsx';
import type { Contacts } from './use-contacts.ts';

const SOURCE: Record<Contact['source'], string> = {
  invite: 'via invite',
  share: 'via a share',
  manual: 'added by you',
};

/** The user's address book of federated contacts, with copy and remove; `children` (the add form) go below. */
export function ContactList(props: { contacts: Contacts; children?: ComponentChildren }) {
  const { contacts, loading, error, remove } = props.contacts;
  const [removing, setRemoving] = useState<Contact | null>(null);
  const phone = useMediaQuery(PHONE_QUERY);
  return (
    <section class="panel" aria-labelledby="contacts-heading">
      <h2 id="contacts-heading">
        Your contacts{contacts.length > 0 && <span class="count"> ({contacts.length})</span>}
      </h2>
      {error && (
        <p class="form-error" role="alert">
          Could not load contacts: {error}
        </p>
      )}
      {contacts.length === 0 ? (
        <p class="empty">
          {loading ? 'Loading…' : 'No contacts yet. Add someone by their address, or send them an invite.'}
        </p>
      ) : (
        <div data-testid="contact-list">
          {/* Address books can be long: only the rows in view are rendered. */}
          <VirtualList
            items={contacts}
            rowHeight={phone ? 108 : 60}
            maxHeight={phone ? 540 : 600}
            label="Your contacts"
            class="contact-list"
            getKey={(c) => c.id}
            renderRow={(c) => (
              <div class="contact-item">
                <span class="avatar" aria-hidden="true">
                  {(c.displayName ?? c.address).slice(0, 1).toUpperCase()}
                </span>
                <span class="contact-text">
                  <span class="contact-name">
                    {c.displayName ?? c.address} <span class="contact-source">{SOURCE[c.source]}</span>
                  </span>
                  <span class="contact-address" title={c.address}>
                    {c.address}
                  </span>
                </span>
                <CopyButton text={c.address} label="Copy address" what={`of ${c.displayName ?? c.address}`} />
                <button
                  type="button"
                  class="btn btn-small"
                  onClick={() => setRemoving(c)}
                  aria-label={`Remove ${c.address} from contacts`}
                >
                  Remove
                </button>
              </div>
            )}
          />
        </div>
      )}
      {props.children}
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
