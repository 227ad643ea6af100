import type { CalendarInfo } from './calendar-api.ts';

/** The user's calendars with their colours, a visibility switch each, owners of shared ones, and their settings. */
export function CalendarList(props: {
  calendars: CalendarInfo[];
  hidden: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onSettings: (calendar: CalendarInfo) => void;
  onNew: () => void;
}) {
  const own = props.calendars.filter((c) => c.kind === 'own');
  const shared = props.calendars.filter((c) => c.kind === 'shared');
  const row = (c: CalendarInfo) => (
    <li key={c.id} class="calendar-row">
      <label class="calendar-toggle">
        <input
          type="checkbox"
          checked={!props.hidden.has(c.id)}
          onChange={() => props.onToggle(c.id)}
          style={{ accentColor: c.color }}
        />
        <span class="swatch" style={{ background: c.color }} aria-hidden="true" />
        <span class="calendar-name">
          <span class="name" title={c.name}>
            {c.name}
          </span>
          {c.owner && (
            <span class="owner" title={c.owner}>
              {c.owner} · {c.access === 'read' ? 'view only' : 'can edit'}
            </span>
          )}
          {c.syncError && <span class="owner sync-error">Not up to date: the owner’s server did not answer</span>}
        </span>
      </label>
      <button
        type="button"
        class="btn btn-icon btn-small"
        aria-label={`Settings of ${c.name}`}
        onClick={() => props.onSettings(c)}
      >
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <circle cx="5" cy="12" r="1.6" fill="currentColor" />
          <circle cx="12" cy="12" r="1.6" fill="currentColor" />
          <circle cx="19" cy="12" r="1.6" fill="currentColor" />
        </svg>
      </button>
    </li>
  );
  return (
    <nav class="calendar-list" aria-label="Calendars">
      <h2 class="calendar-list-title">My calendars</h2>
      <ul>{own.map(row)}</ul>
      {shared.length > 0 && (
        <>
          <h2 class="calendar-list-title">Shared with me</h2>
          <ul>{shared.map(row)}</ul>
        </>
      )}
      <button type="button" class="btn btn-small btn-link" onClick={props.onNew}>
        + New calendar
      </button>
    </nav>
  );
}
