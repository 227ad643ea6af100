import { CopyButton, hashHref } from '#web-sdk';
import { PEOPLE_SEGMENT } from './people-route.ts';
import { ShareWith } from './share-with.tsx';
import type { CardDetail } from './contacts-api.ts';
import { Avatar } from './avatar.tsx';

const TYPE_LABEL: Record<string, string> = { home: 'Home', work: 'Work', cell: 'Mobile', fax: 'Fax', main: 'Main' };
const label = (t: string, fallback: string) => TYPE_LABEL[t] ?? fallback;

function birthday(v: string): string {
  const m = /^(\d{4}|-)-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return v;
  const year = m[1] === '-' ? 2000 : Number(m[1]);
  const d = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3])));
  return d.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'long',
    ...(m[1] === '-' ? {} : { year: 'numeric' }),
    timeZone: 'UTC',
  });
}

/** One contact: its fields, the actions on its cloud address, Edit and Delete (not for read-only books). */
export function CardView(props: {
  card: CardDetail;
  readOnly: boolean;
  onEdit: () => void;
  onDelete: () => void;
  /** A federated contact: removes the person from the user's contacts. */
  onRemoveContact?: () => void;
}) {
  const c = props.card;
  const sub = [c.title, c.org].filter(Boolean).join(' · ');
  return (
    <article class="card-view" aria-labelledby="card-view-name">
      <header class="card-view-head">
        <Avatar name={c.name} photo={c.photo} large />
        <div>
          <h2 id="card-view-name">{c.name}</h2>
          {sub && <p class="card-view-sub">{sub}</p>}
        </div>
      </header>
      {!props.readOnly && (
        <div class="card-actions">
          <button type="button" class="btn btn-small" onClick={props.onEdit}>
            Edit
          </button>
          <button type="button" class="btn btn-small btn-danger" onClick={props.onDelete}>
            Delete
          </button>
        </div>
      )}
      {!c.cloud && c.emails.length > 0 && (
        <p class="card-invite">
          No cloud address yet.{' '}
          <a class="btn btn-small" href={hashHref('addressbook', PEOPLE_SEGMENT)}>
            Invite to Meshwork
          </a>
        </p>
      )}
      <dl class="card-fields">
        {c.cloud && (
          <div class="card-field card-cloud">
            <dt>Cloud address</dt>
            <dd>
              <span class="mono">{c.cloud}</span>
              <span class="card-cloud-actions">
                <ShareWith address={c.cloud} name={c.name || c.cloud} />
                <CopyButton text={c.cloud} label="Copy" what="cloud address" />
              </span>
            </dd>
          </div>
        )}
        {c.emails.map((e, i) => (
          <div class="card-field" key={`e${i}`}>
            <dt>{label(e.type, 'E-mail')}</dt>
            <dd>
              <a href={`mailto:${e.value}`}>{e.value}</a>
            </dd>
          </div>
        ))}
        {c.phones.map((p, i) => (
          <div class="card-field" key={`p${i}`}>
            <dt>{label(p.type, 'Phone')}</dt>
            <dd>
              <a href={`tel:${p.value.replace(/\s/g, '')}`}>{p.value}</a>
            </dd>
          </div>
        ))}
        {c.addresses.map((a, i) => (
          <div class="card-field" key={`a${i}`}>
            <dt>{label(a.type, 'Address')}</dt>
            <dd class="card-address">
              {[a.street, [a.postcode, a.city].filter(Boolean).join(' '), a.region, a.country]
                .filter(Boolean)
                .join('\n')}
            </dd>
          </div>
        ))}
        {c.birthday && (
          <div class="card-field">
            <dt>Birthday</dt>
            <dd>{birthday(c.birthday)}</dd>
          </div>
        )}
        {c.note && (
          <div class="card-field">
            <dt>Notes</dt>
            <dd class="card-note">{c.note}</dd>
          </div>
        )}
      </dl>
      {props.readOnly && props.onRemoveContact && (
        <>
          <p class="hint">
            A federated contact: someone you exchanged an invite with or added by address. Shares from them can be
            accepted automatically.
          </p>
          <div class="card-actions">
            <button type="button" class="btn btn-small" onClick={props.onRemoveContact}>
              Remove from contacts
            </button>
          </div>
        </>
      )}
    </article>
  );
}
