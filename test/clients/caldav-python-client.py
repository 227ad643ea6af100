"""python3-caldav (Debian) against a Meshwork server: discovery, save, date search with expanded recurrences,
sync tokens, free-busy. Run by caldav-python.test.ts with URL, USER and PASSWORD in the environment; prints one
line per step and exits non-zero on the first failure."""
import os
import sys
from datetime import datetime, timezone

import caldav

URL, USER, PASSWORD = os.environ["URL"], os.environ["USER"], os.environ["PASSWORD"]


def check(cond, what):
    if not cond:
        print("FAIL " + what, flush=True)
        sys.exit(1)
    print("ok " + what, flush=True)


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


WEEKLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//python tests//EN
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:py-weekly
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Berlin:20260302T090000
DTEND;TZID=Europe/Berlin:20260302T100000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Berlin:20260316T090000
SUMMARY:Weekly across DST
END:VEVENT
END:VCALENDAR
"""

ONCE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//python tests//EN
BEGIN:VEVENT
UID:py-once
DTSTAMP:20260101T000000Z
DTSTART:20260310T140000Z
DTEND:20260310T150000Z
SUMMARY:Once
END:VEVENT
END:VCALENDAR
"""

TODO = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//python tests//EN
BEGIN:VTODO
UID:py-todo
DTSTAMP:20260101T000000Z
DUE:20260320T170000Z
SUMMARY:File taxes
END:VTODO
END:VCALENDAR
"""

client = caldav.DAVClient(url=URL, username=USER, password=PASSWORD)
principal = client.principal()
check(str(principal.url).endswith("/dav/principals/%s/" % USER), "principal discovered: %s" % principal.url)
# The server makes every user's default calendar the first time their calendars are listed.
check([c.name for c in principal.calendars()] == ["Personal"], "only the server's default calendar yet")
cal = principal.make_calendar(name="Python", cal_id="python")
check(sorted(c.name for c in principal.calendars()) == ["Personal", "Python"], "calendar created and listed")

cal.save_event(WEEKLY)
cal.save_event(ONCE)
cal.save_todo(TODO)
check(len(cal.events()) == 2, "two events stored")
check(len(cal.todos()) == 1, "one todo stored")

found = cal.search(start=utc(2026, 3, 1), end=utc(2026, 4, 1), event=True, expand=True)
starts = sorted(str(c.vobject_instance.vevent.dtstart.value.astimezone(timezone.utc)) for c in found)
# Mondays 09:00 Berlin: 2, 9 and 23 March in CET (08:00Z; the 16th is excluded), 30 March in CEST (07:00Z):
# summer time starts on Sunday 29 March 2026.
expected = [
    "2026-03-02 08:00:00+00:00",
    "2026-03-09 08:00:00+00:00",
    "2026-03-10 14:00:00+00:00",
    "2026-03-23 08:00:00+00:00",
    "2026-03-30 07:00:00+00:00",
]
check(len(found) == 5, "expanded search found %d instances" % len(found))
check(starts == expected, "instances across DST: %s" % starts)

april = cal.date_search(start=utc(2026, 4, 1), end=utc(2026, 5, 1), expand=False)
check(len(april) == 1, "the series' 6th instance (6 April) is found in April")

synced = cal.objects_by_sync_token(load_objects=True)
check(len(list(synced)) == 3, "initial sync lists all three objects")
token = synced.sync_token
check(str(token).startswith("http://sabre.io/ns/sync/"), "sync token form %s" % token)
cal.event_by_uid("py-once").delete()
cal.save_event(ONCE.replace("UID:py-once", "UID:py-new").replace("SUMMARY:Once", "SUMMARY:New"))
delta = cal.objects_by_sync_token(sync_token=token, load_objects=True)
changed = sorted(str(o.url).rsplit("/", 1)[-1] for o in delta)
check(len(changed) == 2, "delta lists the deleted and the new object: %s" % changed)
check(delta.sync_token != token, "a new token after changes")
again = cal.objects_by_sync_token(sync_token=delta.sync_token, load_objects=True)
check(len(list(again)) == 0, "nothing changed since the newest token")

fb = cal.freebusy_request(utc(2026, 3, 9), utc(2026, 3, 11))
text = fb.data if isinstance(fb.data, str) else fb.data.decode()
check("FREEBUSY:20260309T080000Z/20260309T090000Z" in text.replace("\r\n ", ""), "free-busy periods: %r" % text)
print("done")
