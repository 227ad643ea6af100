import { useState } from 'preact/hooks';
import { describeError } from '#web-sdk';
import { MAX_PHOTO_BYTES, type Address, type CardFields, type Typed } from './contacts-api.ts';
import { Avatar } from './avatar.tsx';

/** A blank form. */
export const EMPTY_FIELDS: CardFields = {
  name: '',
  givenName: '',
  familyName: '',
  org: '',
  title: '',
  emails: [],
  phones: [],
  addresses: [],
  birthday: '',
  note: '',
  cloud: '',
  photo: null,
};

const EMPTY_ADDRESS: Address = { type: 'home', street: '', city: '', region: '', postcode: '', country: '' };

function readPhoto(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(new Error('The photo could not be read.'));
    r.readAsDataURL(file);
  });
}

function TypedRows(props: {
  legend: string;
  kind: 'email' | 'tel';
  rows: Typed[];
  types: Array<[string, string]>;
  onChange: (rows: Typed[]) => void;
}) {
  const set = (i: number, patch: Partial<Typed>) =>
    props.onChange(props.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset class="editor-group">
      <legend>{props.legend}</legend>
      {props.rows.map((r, i) => (
        <div class="editor-row" key={i}>
          <select
            aria-label={`${props.legend} ${i + 1} type`}
            value={r.type}
            onChange={(e) => set(i, { type: e.currentTarget.value })}
          >
            {props.types.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
          <input
            type={props.kind}
            aria-label={`${props.legend} ${i + 1}`}
            value={r.value}
            onInput={(e) => set(i, { value: e.currentTarget.value })}
          />
          <button
            type="button"
            class="btn btn-small"
            aria-label={`Remove ${props.legend.toLowerCase()} ${i + 1}`}
            onClick={() => props.onChange(props.rows.filter((_, j) => j !== i))}
          >
            ✕
          </button>
        </div>
      ))}
      <button
        type="button"
        class="btn-link"
        onClick={() => props.onChange([...props.rows, { type: props.types[0]![0], value: '' }])}
      >
        Add {props.kind === 'email' ? 'e-mail' : 'phone'}
      </button>
    </fieldset>
  );
}

/** The contact editor (new or existing); `onSave` gets the fields (photo left out when unchanged). */
export function CardEditor(props: {
  initial: CardFields;
  isNew: boolean;
  onSave: (fields: Partial<CardFields>) => Promise<void>;
  onCancel: () => void;
}) {
  const [f, setF] = useState<CardFields>(props.initial);
  const [photoChanged, setPhotoChanged] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const set = (patch: Partial<CardFields>) => setF((old) => ({ ...old, ...patch }));
  const text = (
    key: 'givenName' | 'familyName' | 'org' | 'title' | 'cloud' | 'birthday',
    label: string,
    type = 'text',
  ) => (
    <label class="field">
      <span>{label}</span>
      <input type={type} value={f[key]} onInput={(e) => set({ [key]: e.currentTarget.value })} />
    </label>
  );
  const pickPhoto = async (file: File | undefined) => {
    if (!file) return;
    if (!/^image\/(png|jpeg|gif|webp)$/.test(file.type)) return setError('Choose a PNG, JPEG, GIF or WebP image.');
    if (file.size > MAX_PHOTO_BYTES)
      return setError(`The photo is ${Math.round(file.size / 1024)} KB; choose one up to 512 KB.`);
    setError('');
    set({ photo: await readPhoto(file) });
    setPhotoChanged(true);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    const name = [f.givenName.trim(), f.familyName.trim()].filter(Boolean).join(' ');
    const { photo, ...rest } = f;
    try {
      await props.onSave({
        ...rest,
        name: name || f.org || '',
        emails: f.emails.filter((x) => x.value.trim()),
        phones: f.phones.filter((x) => x.value.trim()),
        ...(photoChanged || props.isNew ? { photo } : {}),
      });
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  const display = [f.givenName, f.familyName].filter(Boolean).join(' ') || f.org || 'New contact';
  return (
    <form
      class="card-editor"
      onSubmit={(e) => void submit(e)}
      aria-label={props.isNew ? 'New contact' : 'Edit contact'}
    >
      <h2>{props.isNew ? 'New contact' : `Edit ${props.initial.name}`}</h2>
      <div class="editor-photo">
        <Avatar name={display} photo={f.photo} large />
        <label class="btn btn-small">
          {f.photo ? 'Change photo' : 'Add photo'}
          <input
            type="file"
            accept="image/png,image/jpeg,image/gif,image/webp"
            class="visually-hidden"
            onChange={(e) => void pickPhoto(e.currentTarget.files?.[0])}
          />
        </label>
        {f.photo && (
          <button
            type="button"
            class="btn btn-small"
            onClick={() => {
              set({ photo: null });
              setPhotoChanged(true);
            }}
          >
            Remove photo
          </button>
        )}
      </div>
      <div class="editor-grid">
        {text('givenName', 'First name')}
        {text('familyName', 'Last name')}
        {text('org', 'Organisation')}
        {text('title', 'Job title')}
      </div>
      <TypedRows
        legend="E-mail"
        kind="email"
        rows={f.emails}
        types={[
          ['home', 'Home'],
          ['work', 'Work'],
          ['', 'Other'],
        ]}
        onChange={(emails) => set({ emails })}
      />
      <TypedRows
        legend="Phone"
        kind="tel"
        rows={f.phones}
        types={[
          ['cell', 'Mobile'],
          ['home', 'Home'],
          ['work', 'Work'],
          ['', 'Other'],
        ]}
        onChange={(phones) => set({ phones })}
      />
      <fieldset class="editor-group">
        <legend>Addresses</legend>
        {f.addresses.map((a, i) => {
          const upd = (patch: Partial<Address>) =>
            set({ addresses: f.addresses.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
          const input = (k: keyof Omit<Address, 'type'>, l: string) => (
            <label class="field">
              <span>{l}</span>
              <input value={a[k]} onInput={(e) => upd({ [k]: e.currentTarget.value })} />
            </label>
          );
          return (
            <div class="editor-address" key={i}>
              {input('street', 'Street')}
              {input('postcode', 'Postcode')}
              {input('city', 'City')}
              {input('region', 'Region')}
              {input('country', 'Country')}
              <button
                type="button"
                class="btn btn-small"
                onClick={() => set({ addresses: f.addresses.filter((_, j) => j !== i) })}
              >
                Remove address
              </button>
            </div>
          );
        })}
        <button type="button" class="btn-link" onClick={() => set({ addresses: [...f.addresses, EMPTY_ADDRESS] })}>
          Add address
        </button>
      </fieldset>
      <div class="editor-grid">
        {text('birthday', 'Birthday', 'date')}
        {text('cloud', 'Cloud address (user@server)')}
      </div>
      <label class="field">
        <span>Notes</span>
        <textarea rows={3} value={f.note} onInput={(e) => set({ note: e.currentTarget.value })} />
      </label>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="editor-actions">
        <button type="button" class="btn" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
