import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { ApiError, describeError } from '../api/api-error.ts';
import type { Contact } from '../api/types.ts';
import { partyLabel } from '../components/permission-label.ts';

const ADDRESS = /^[^\s@]+(@[^\s@]+)*@[^\s@/]+$/;

/** Plain words for why an address was refused. */
function explain(err: unknown, address: string): string {
  if (err instanceof ApiError && err.status === 400) {
    if (err.validationErrors.some((v) => v.message === 'LOCAL_USER'))
      return `${address} is on this server: share with them directly, no contact needed.`;
    if (err.validationErrors.some((v) => v.name === 'address'))
      return `“${address}” is not an address. Addresses look like name@cloud.example.org.`;
  }
  return describeError(err);
}

/** Adds a contact on another server by typing their address (no invite needed; shares from them then auto-accept). */
export function ContactAdd(props: { api: ApiClient; onAdded: (c: Contact) => void; ownPanel?: boolean }) {
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const to = address.trim();
    setDone('');
    if (!ADDRESS.test(to)) return setError(`Enter an address like name@cloud.example.org.`);
    setBusy(true);
    setError(null);
    try {
      const contact = await props.api.addContact(to, name);
      props.onAdded(contact);
      setAddress('');
      setName('');
      setDone(`${partyLabel(contact.displayName, contact.address)} is now one of your contacts.`);
    } catch (err) {
      setError(explain(err, to));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="contact-add" onSubmit={submit} aria-labelledby="contact-add-heading" noValidate>
      {props.ownPanel ? (
        <h2 id="contact-add-heading">Add someone by address</h2>
      ) : (
        <h3 id="contact-add-heading" class="subheading">
          Add by address
        </h3>
      )}
      <div class="contact-add-fields">
        <div>
          <label for="contact-add-address">Address</label>
          <input
            id="contact-add-address"
            value={address}
            onInput={(e) => setAddress(e.currentTarget.value)}
            placeholder="name@cloud.example.org"
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby="contact-add-error"
          />
        </div>
        <div>
          <label for="contact-add-name">Name (optional)</label>
          <input id="contact-add-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy || !address.trim()}>
          {busy ? 'Adding…' : 'Add contact'}
        </button>
      </div>
      <p id="contact-add-error" class="form-error" role="alert">
        {error}
      </p>
      <p class="success-text" role="status">
        {done}
      </p>
    </form>
  );
}
