import { Calendar, type EventInput as FcEvent, type EventApi } from '@fullcalendar/core';
import dayGridPlugin from '@fullcalendar/daygrid';
import interactionPlugin from '@fullcalendar/interaction';
import listPlugin from '@fullcalendar/list';
import timeGridPlugin from '@fullcalendar/timegrid';
import { useEffect, useRef } from 'preact/hooks';
import { describeError } from '#web-sdk';
import type { CalendarApi, CalendarInfo, OccurrenceInfo } from './calendar-api.ts';
import { textOn } from './colors.ts';

/** A drag or resize of an event: its new times (end null for an all-day drop without one). */
export interface EventMove {
  occurrence: OccurrenceInfo;
  start: Date;
  end: Date | null;
  allDay: boolean;
  revert: () => void;
}

/** What the calendar view needs from the page. */
export interface CalendarViewProps {
  api: CalendarApi;
  calendars: CalendarInfo[];
  hidden: ReadonlySet<string>;
  phone: boolean;
  /** Changes when events must be fetched again (a live change, an import). */
  refresh: number;
  onSelect: (range: { start: Date; end: Date; allDay: boolean }) => void;
  onOpen: (occurrence: OccurrenceInfo) => void;
  onMove: (move: EventMove) => void;
  onError: (message: string) => void;
}

const DESKTOP_VIEWS = 'dayGridMonth,timeGridWeek,listMonth';
const PHONE_VIEWS = 'listWeek,timeGridDay,dayGridMonth';

/**
 * FullCalendar (month, week, day and agenda views) over the visible calendars: occurrences fetched per range from the
 * API, drawn in their calendar's colour; selecting a range creates, clicking opens, dragging moves or resizes.
 */
export function FullCalendarView(props: CalendarViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const cal = useRef<Calendar | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const calendar = new Calendar(el, {
      plugins: [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin],
      initialView: props.phone ? 'listWeek' : 'dayGridMonth',
      height: '100%',
      firstDay: 1,
      nowIndicator: true,
      // Week and day views open an hour before now (or at 07:00 early in the day), not at midnight.
      scrollTime: `${String(Math.max(7, Math.min(new Date().getHours() - 1, 17))).padStart(2, '0')}:00:00`,
      selectable: true,
      editable: true,
      dayMaxEvents: true,
      navLinks: true,
      // Text arrows: FullCalendar's icon font is a data: URL, which the app's CSP (font-src 'self') refuses.
      buttonIcons: false,
      buttonText: { prev: '‹', next: '›', today: 'Today', month: 'Month', week: 'Week', day: 'Day', list: 'Agenda' },
      views: {
        listWeek: { buttonText: 'Agenda' },
        listMonth: { buttonText: 'Agenda' },
        // "Mon 30" on one line rather than "Mon" over "11/30"; an event's block shows where it ends, so its label
        // gives the start only ("12:30 – 13:30" does not fit a seventh of the width and was cut mid-digit).
        timeGridWeek: { dayHeaderFormat: { weekday: 'short', day: 'numeric' }, displayEventEnd: false },
      },
      // While events are fetched the view says so (`data-loading`): a change on the page waits for it to settle.
      loading: (isLoading) => host.current?.toggleAttribute('data-loading', isLoading),
      noEventsContent: 'No events in this period. Select a day or use “New event” to add one.',
      eventTimeFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
      slotLabelFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
      events: (info, success, failure) => {
        const { calendars, hidden, api } = latest.current;
        const shown = calendars.filter((c) => !hidden.has(c.id));
        Promise.all(shown.map((c) => api.occurrences(c.id, info.start, info.end).then((list) => ({ c, list })))).then(
          (parts) => success(parts.flatMap(({ c, list }) => list.map((o) => toFcEvent(o, c)))),
          (err: unknown) => {
            latest.current.onError(describeError(err));
            failure(err as Error);
          },
        );
      },
      select: (info) => {
        latest.current.onSelect({ start: info.start, end: info.end, allDay: info.allDay });
        calendar.unselect();
      },
      eventClick: (info) => {
        info.jsEvent.preventDefault();
        latest.current.onOpen(occurrenceOf(info.event));
      },
      eventDrop: (info) => moved(info.event, info.revert),
      eventResize: (info) => moved(info.event, info.revert),
      // FullCalendar's "+2 more" is a link without href carrying aria-expanded: a button, for assistive technology.
      moreLinkDidMount: (info) => info.el.setAttribute('role', 'button'),
      // A phone's day cell is a seventh of a narrow screen: "+2" fits where "+2 more" was cut to "+2 mo".
      moreLinkContent: (arg) => (latest.current.phone ? arg.shortText : arg.text),
      // Day cells are labelled by their day number, but also hold events: let their content speak for itself.
      dayCellDidMount: (info) => info.el.removeAttribute('aria-labelledby'),
      eventDidMount: (info) => {
        const o = occurrenceOf(info.event);
        const c = latest.current.calendars.find((x) => x.id === o.calendarId);
        info.el.setAttribute('title', `${o.title}${c ? ` (${c.name})` : ''}`);
      },
    });
    const moved = (event: EventApi, revert: () => void) =>
      latest.current.onMove({
        occurrence: occurrenceOf(event),
        start: event.start!,
        end: event.end,
        allDay: event.allDay,
        revert,
      });
    calendar.render();
    cal.current = calendar;
    return () => {
      calendar.destroy();
      cal.current = null;
    };
  }, []);

  useEffect(() => {
    const calendar = cal.current;
    if (!calendar) return;
    calendar.setOption(
      'headerToolbar',
      props.phone
        ? { left: 'prev,next', center: 'title', right: 'today' }
        : { left: 'prev,next today', center: 'title', right: DESKTOP_VIEWS },
    );
    calendar.setOption('footerToolbar', props.phone ? { center: PHONE_VIEWS } : false);
    // The view itself stays what the user chose: the width may cross the phone breakpoint only for a moment (a
    // rotation, a full-page capture), and every view works at every width.
  }, [props.phone]);

  useEffect(() => {
    cal.current?.refetchEvents();
  }, [props.refresh, props.calendars, props.hidden]);

  return <div class="fc-host" ref={host} data-testid="calendar-view" data-refresh={props.refresh} />;
}

function toFcEvent(o: OccurrenceInfo, c: CalendarInfo): FcEvent {
  return {
    id: o.id,
    title: o.title,
    start: o.start,
    end: o.end,
    allDay: o.allDay,
    backgroundColor: c.color,
    borderColor: c.color,
    textColor: textOn(c.color),
    editable: c.access !== 'read',
    extendedProps: { occurrence: o },
  };
}

function occurrenceOf(e: EventApi): OccurrenceInfo {
  return e.extendedProps.occurrence as OccurrenceInfo;
}
