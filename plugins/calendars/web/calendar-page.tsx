import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import './calendar.css';
import { ImportReport, PHONE_QUERY, ShareDialog, describeError, useMediaQuery, type PluginPageProps } from '#web-sdk';
import { CalendarApi, type CalendarInfo, type ImportSummary } from './calendar-api.ts';
import { CalendarDialog } from './calendar-dialog.tsx';
import { CalendarList } from './calendar-list.tsx';
import { EventDialog, type EventDraft } from './event-dialog.tsx';
import { FullCalendarView, type EventMove } from './full-calendar.tsx';
import { MoveScopeDialog } from './move-scope-dialog.tsx';
import { CALENDAR_CHOICES } from './share-choices.ts';
import { localDay } from './time-fields.ts';

const HIDDEN_KEY = 'meshwork.calendar.hidden';

function loadHidden(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(HIDDEN_KEY) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

/** The Calendar page: the user's calendars beside month, week and agenda views, kept live over `/calendars`. */
export function CalendarPage(props: PluginPageProps) {
  const { toast } = props;
  const api = useMemo(() => new CalendarApi(props.api), [props.api]);
  const phone = useMediaQuery(PHONE_QUERY);
  const [socket] = useState(() =>
    props.pluginSocket<{ 'calendar:changed': (m: { calendarId: string | null }) => void }>('calendars'),
  );
  const [calendars, setCalendars] = useState<CalendarInfo[] | null>(null);
  const [hidden, setHidden] = useState<Set<string>>(loadHidden);
  const [refresh, setRefresh] = useState(0);
  const [draft, setDraft] = useState<EventDraft | null>(null);
  const [settings, setSettings] = useState<CalendarInfo | 'new' | null>(null);
  const [sharing, setSharing] = useState<CalendarInfo | null>(null);
  const [move, setMove] = useState<EventMove | null>(null);
  const [skipped, setSkipped] = useState<ImportSummary | null>(null);
  const importInto = useRef<CalendarInfo | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const reload = () =>
    api.list().then(
      (list) => setCalendars(list),
      (err: unknown) => toast.error(describeError(err)),
    );
  useEffect(() => {
    void reload();
    const changed = () => {
      void reload();
      setRefresh((n) => n + 1);
    };
    socket.on('calendar:changed', changed);
    socket.on('connect', changed);
    return () => {
      socket.off('calendar:changed', changed);
      socket.off('connect', changed);
      socket.disconnect();
    };
  }, [socket]);

  const toggle = (id: string) =>
    setHidden((old) => {
      const next = new Set(old);
      if (!next.delete(id)) next.add(id);
      localStorage.setItem(HIDDEN_KEY, JSON.stringify([...next]));
      return next;
    });
  const writable = (calendars ?? []).filter((c) => c.access !== 'read' && !hidden.has(c.id));
  const defaultCalendar = writable[0] ?? (calendars ?? []).find((c) => c.access !== 'read');
  const newEvent = () => {
    const start = new Date();
    start.setMinutes(0, 0, 0);
    start.setHours(start.getHours() + 1);
    setDraft({ kind: 'new', start, end: new Date(start.getTime() + 3_600_000), allDay: false });
  };
  const done = (message: string) => {
    toast.success(message);
    setDraft(null);
    setSettings(null);
    setRefresh((n) => n + 1);
    void reload();
  };

  const applyMove = async (m: EventMove, scope: 'all' | 'instance') => {
    setMove(null);
    const o = m.occurrence;
    const end = m.end ?? new Date(m.start.getTime() + (m.allDay ? 86_400_000 : 3_600_000));
    try {
      await api.updateEvent(o.calendarId, o.eventId, {
        allDay: m.allDay,
        start: m.allDay ? localDay(m.start) : m.start.toISOString(),
        end: m.allDay ? localDay(end) : end.toISOString(),
        ...(o.recurring ? { scope, recurrenceId: o.recurrenceId } : {}),
      });
      setRefresh((n) => n + 1);
    } catch (err) {
      m.revert();
      toast.error(describeError(err));
    }
  };
  const onImportFile = async (file: File | undefined) => {
    const into = importInto.current;
    if (!file || !into) return;
    try {
      const summary = await api.importFile(into.id, file);
      setRefresh((n) => n + 1);
      const what = `${summary.imported} event${summary.imported === 1 ? '' : 's'}`;
      if (summary.skipped.length) setSkipped(summary);
      else toast.success(`Imported ${what} into “${into.name}”.`);
    } catch (err) {
      toast.error(describeError(err));
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  return (
    <section class="page calendar-page" data-testid="calendar-page" aria-busy={calendars === null}>
      <header class="calendar-header">
        <h1>Calendar</h1>
        <div class="calendar-tools">
          <button type="button" class="btn btn-primary" onClick={newEvent} disabled={!defaultCalendar}>
            New event
          </button>
        </div>
      </header>
      <div class="calendar-layout">
        {phone ? (
          <details class="calendar-side panel">
            <summary>Calendars ({calendars?.length ?? 0})</summary>
            <CalendarList
              calendars={calendars ?? []}
              hidden={hidden}
              onToggle={toggle}
              onSettings={setSettings}
              onNew={() => setSettings('new')}
            />
          </details>
        ) : (
          <aside class="calendar-side panel">
            <CalendarList
              calendars={calendars ?? []}
              hidden={hidden}
              onToggle={toggle}
              onSettings={setSettings}
              onNew={() => setSettings('new')}
            />
          </aside>
        )}
        <div class="calendar-main panel">
          {calendars && (
            <FullCalendarView
              api={api}
              calendars={calendars}
              hidden={hidden}
              phone={phone}
              refresh={refresh}
              onSelect={(r) => defaultCalendar && setDraft({ kind: 'new', ...r })}
              onOpen={(occurrence) => setDraft({ kind: 'edit', occurrence })}
              onMove={(m) => (m.occurrence.recurring ? setMove(m) : void applyMove(m, 'all'))}
              onError={(message) => toast.error(message)}
            />
          )}
        </div>
      </div>
      <input
        ref={fileInput}
        type="file"
        accept=".ics,text/calendar"
        class="visually-hidden"
        tabIndex={-1}
        aria-label="Choose an .ics file to import"
        data-testid="ics-input"
        onChange={(e) => void onImportFile(e.currentTarget.files?.[0])}
      />
      {draft && defaultCalendar && (
        <EventDialog
          key={draft.kind === 'edit' ? draft.occurrence.id : 'new'}
          draft={draft}
          calendars={calendars ?? []}
          defaultCalendarId={defaultCalendar.id}
          api={api}
          onDone={done}
          onClose={() => setDraft(null)}
        />
      )}
      {settings && (
        <CalendarDialog
          calendar={settings === 'new' ? null : settings}
          api={api}
          onDone={done}
          onImport={(c) => {
            importInto.current = c;
            setSettings(null);
            fileInput.current?.click();
          }}
          onShare={(c) => {
            setSettings(null);
            setSharing(c);
          }}
          onClose={() => setSettings(null)}
        />
      )}
      {sharing && (
        <ShareDialog
          resourceType="calendar"
          resourceId={sharing.id}
          name={sharing.name}
          choices={CALENDAR_CHOICES}
          hint="They see it in their calendar apps too. Type an address like name@server.example, or part of a name."
          emptyText="Only you. People you share with see this calendar in their own calendar apps."
          onClose={() => setSharing(null)}
        />
      )}
      {move && (
        <MoveScopeDialog
          title={move.occurrence.title}
          onChoose={(scope) => void applyMove(move, scope)}
          onCancel={() => {
            move.revert();
            setMove(null);
          }}
        />
      )}
      {skipped && (
        <ImportReport
          imported={skipped.imported}
          skipped={skipped.skipped.map((s) => ({ label: s.title, reason: s.reason }))}
          noun="event"
          onClose={() => setSkipped(null)}
        />
      )}
    </section>
  );
}
