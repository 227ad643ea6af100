import { PickAndShare, useApi } from '#web-sdk';
import { CalendarApi } from './calendar-api.ts';
import { CALENDAR_CHOICES } from './share-choices.ts';

/** "Share with…" a person, calendars' part: pick one of the user's own calendars, then share it with them. */
export function ShareCalendarWith(props: { recipient: string; onClose: () => void }) {
  const api = useApi();
  return (
    <PickAndShare
      title={`Share a calendar with ${props.recipient}`}
      recipient={props.recipient}
      load={async () =>
        (await new CalendarApi(api).list()).filter((c) => c.kind === 'own').map((c) => ({ id: c.id, name: c.name }))
      }
      empty="You have no calendar of your own yet. Create one on the Calendar page."
      resourceType="calendar"
      choices={CALENDAR_CHOICES}
      onClose={props.onClose}
    />
  );
}
